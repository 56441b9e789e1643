import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';

import ts from 'typescript';
import { describe, expect, it } from 'vitest';

import de from './de.json';
import en from './en.json';
import fr from './fr.json';

/**
 * The guarantee behind "every visible string is translated": the three catalogues have the
 * same keys, no empty values and the same {{placeholders}}; and no component renders a
 * literal text or a literal accessible name (so everything shown comes from a catalogue).
 * Unknown keys in t('…') are compile errors (see i18next.d.ts).
 */
type Tree = { [key: string]: string | Tree };

function flatten(tree: Tree, prefix = ''): Map<string, string> {
  const out = new Map<string, string>();
  for (const [key, value] of Object.entries(tree)) {
    const full = prefix ? `${prefix}.${key}` : key;
    if (typeof value === 'string') out.set(full, value);
    else for (const [k, v] of flatten(value, full)) out.set(k, v);
  }
  return out;
}

const catalogues = { en: flatten(en as Tree), fr: flatten(fr as Tree), de: flatten(de as Tree) };
const placeholders = (text: string) => [...text.matchAll(/\{\{\s*(\w+)[^}]*\}\}/g)].map((m) => m[1]).sort();

describe('message catalogues', () => {
  it('have exactly the same keys in English, French and German', () => {
    const keys = [...catalogues.en.keys()].sort();
    expect([...catalogues.fr.keys()].sort()).toEqual(keys);
    expect([...catalogues.de.keys()].sort()).toEqual(keys);
  });

  it('have no empty values', () => {
    for (const [locale, entries] of Object.entries(catalogues)) {
      const empty = [...entries].filter(([, v]) => v.trim() === '').map(([k]) => `${locale}:${k}`);
      expect(empty).toEqual([]);
    }
  });

  it('use the same placeholders in every language', () => {
    const mismatched: string[] = [];
    for (const [key, text] of catalogues.en) {
      for (const locale of ['fr', 'de'] as const) {
        const other = catalogues[locale].get(key);
        if (other !== undefined && placeholders(other).join() !== placeholders(text).join())
          mismatched.push(`${locale}:${key}`);
      }
    }
    expect(mismatched).toEqual([]);
  });

  it('name each language in itself', () => {
    expect([en.language.name, fr.language.name, de.language.name]).toEqual(['English', 'Français', 'Deutsch']);
  });
});

const srcDir = path.resolve(import.meta.dirname, '..');

function sourceFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const full = path.join(dir, entry.name);
    if (entry.isDirectory()) return sourceFiles(full);
    return entry.name.endsWith('.tsx') && !entry.name.endsWith('.test.tsx') ? [full] : [];
  });
}

/** Attributes whose value people read or hear. */
const visibleAttributes = new Set([
  'aria-label',
  'aria-description',
  'aria-placeholder',
  'aria-valuetext',
  'title',
  'alt',
  'placeholder',
  'label',
  'hint',
  'submitLabel',
  'documentTitle',
]);
const hasLetters = (text: string) => /\p{L}/u.test(text);

function literalTexts(file: string): string[] {
  const source = ts.createSourceFile(file, readFileSync(file, 'utf8'), ts.ScriptTarget.Latest, true, ts.ScriptKind.TSX);
  const found: string[] = [];
  const where = (node: ts.Node) => {
    const { line } = source.getLineAndCharacterOfPosition(node.getStart());
    return `${path.relative(srcDir, file)}:${line + 1}`;
  };
  const visit = (node: ts.Node) => {
    if (ts.isJsxText(node) && hasLetters(node.text)) found.push(`${where(node)} text "${node.text.trim()}"`);
    if (ts.isJsxAttribute(node) && visibleAttributes.has(node.name.getText(source))) {
      const init = node.initializer;
      const literal =
        init && ts.isStringLiteral(init)
          ? init.text
          : init && ts.isJsxExpression(init) && init.expression && ts.isStringLiteralLike(init.expression)
            ? init.expression.text
            : undefined;
      if (literal !== undefined && hasLetters(literal))
        found.push(`${where(node)} ${node.name.getText(source)}="${literal}"`);
    }
    // A string literal as a JSX child: {'Some text'}
    if (
      ts.isJsxExpression(node) &&
      node.expression &&
      ts.isStringLiteralLike(node.expression) &&
      ts.isJsxElement(node.parent) &&
      hasLetters(node.expression.text)
    ) {
      found.push(`${where(node)} text "${node.expression.text}"`);
    }
    ts.forEachChild(node, visit);
  };
  visit(source);
  return found;
}

describe('components', () => {
  it('render no literal text: every visible string comes from the catalogues', () => {
    const files = sourceFiles(srcDir);
    expect(files.length).toBeGreaterThan(5);
    expect(files.flatMap(literalTexts)).toEqual([]);
  });
});
