/**
 * The import graph between layers: for each pair of top-level folders (domain, db, activities, …,
 * web, rules), how many import edges point from one to the other, split into runtime imports and
 * type-only ones (`import type`, or `import { type X }` where every name is a type). Tests are
 * counted apart (`--tests` to include them). Prints a Markdown table.
 *
 *   node --import tsx scripts/import-graph.ts            source files only
 *   node --import tsx scripts/import-graph.ts --tests    tests, fixtures and support code as well
 *
 * It reads the code as text with the TypeScript parser; it runs nothing of the project. The
 * enforced directions are in eslint.config.js (the layers block); this script is how the README's
 * picture and the code are held side by side.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { parseArgs } from 'node:util';

import ts from 'typescript';

const { values } = parseArgs({ options: { tests: { type: 'boolean', default: false } } });
const root = resolve(import.meta.dirname, '..');
const skipDirs = new Set(['node_modules', 'dist', '.data', 'test-artifacts', '.git']);

function isTest(path: string): boolean {
  return /\.test\.tsx?$/.test(path) || path.startsWith('test/') || path.startsWith('web/e2e-helpers/');
}

function* sourceFiles(dir: string): Generator<string> {
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    if (skipDirs.has(entry.name)) continue;
    const path = join(dir, entry.name);
    if (entry.isDirectory()) yield* sourceFiles(path);
    else if (/\.(ts|tsx|mts)$/.test(entry.name) && !entry.name.endsWith('.d.ts')) yield path;
  }
}

/** The layer of a repository path: its first folder; `web/` and `rules/` are layers of their own. */
function layerOf(path: string): string {
  const first = path.split('/')[0]!;
  return path.includes('/') ? first : '(root)';
}

interface Edge {
  runtime: boolean;
}

function importsOf(file: string): Array<{ specifier: string } & Edge> {
  const text = readFileSync(file, 'utf8');
  const source = ts.createSourceFile(
    file,
    text,
    ts.ScriptTarget.ES2022,
    false,
    file.endsWith('x') ? ts.ScriptKind.TSX : ts.ScriptKind.TS,
  );
  const found: Array<{ specifier: string } & Edge> = [];
  const visit = (node: ts.Node): void => {
    if (ts.isImportDeclaration(node) && ts.isStringLiteral(node.moduleSpecifier)) {
      const clause = node.importClause;
      const typeOnly =
        clause !== undefined &&
        (clause.isTypeOnly ||
          (clause.name === undefined &&
            clause.namedBindings !== undefined &&
            ts.isNamedImports(clause.namedBindings) &&
            clause.namedBindings.elements.length > 0 &&
            clause.namedBindings.elements.every((e) => e.isTypeOnly)));
      found.push({ specifier: node.moduleSpecifier.text, runtime: !typeOnly });
    } else if (ts.isExportDeclaration(node) && node.moduleSpecifier && ts.isStringLiteral(node.moduleSpecifier)) {
      found.push({ specifier: node.moduleSpecifier.text, runtime: !node.isTypeOnly });
    } else if (
      ts.isCallExpression(node) &&
      node.expression.kind === ts.SyntaxKind.ImportKeyword &&
      node.arguments[0] &&
      ts.isStringLiteral(node.arguments[0])
    ) {
      found.push({ specifier: node.arguments[0].text, runtime: true });
    } else if (
      ts.isImportTypeNode(node) &&
      ts.isLiteralTypeNode(node.argument) &&
      ts.isStringLiteral(node.argument.literal)
    ) {
      found.push({ specifier: node.argument.literal.text, runtime: false });
    }
    ts.forEachChild(node, visit);
  };
  visit(source);
  return found;
}

/** Where a specifier points inside the repository, or undefined for a package. */
function target(from: string, specifier: string): string | undefined {
  if (specifier.startsWith('.')) return relative(root, resolve(dirname(from), specifier));
  if (specifier === '@jointdemand/rules' || specifier.startsWith('@jointdemand/rules/'))
    return 'rules/' + specifier.slice('@jointdemand/rules'.length);
  return undefined;
}

const counts = new Map<string, { runtime: number; types: number }>();
for (const file of sourceFiles(root)) {
  const path = relative(root, file);
  if (!values.tests && isTest(path)) continue;
  const from = layerOf(path);
  for (const { specifier, runtime } of importsOf(file)) {
    const to = target(file, specifier);
    if (to === undefined || to.startsWith('..')) continue;
    const toLayer = layerOf(to);
    if (toLayer === from) continue;
    const key = `${from} → ${toLayer}`;
    const count = counts.get(key) ?? { runtime: 0, types: 0 };
    if (runtime) count.runtime++;
    else count.types++;
    counts.set(key, count);
  }
}

const rows = [...counts.entries()].sort(([a], [b]) => a.localeCompare(b));
console.log(`| from → to | runtime imports | type-only imports |`);
console.log(`|---|---:|---:|`);
for (const [key, { runtime, types }] of rows) console.log(`| ${key} | ${runtime} | ${types} |`);
const total = rows.reduce((sum, [, c]) => sum + c.runtime + c.types, 0);
console.log(
  `\n${rows.length} pairs of layers, ${total} edges${values.tests ? ' (tests included)' : ' (tests left out)'}.`,
);
