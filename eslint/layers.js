/**
 * `layers/direction`: the layers of the code and the directions their imports may take, as one
 * table (see `layers` in eslint.config.js, which is the README's picture made law).
 *
 * Every import, re-export and dynamic `import()` of a file is resolved to the layer it points
 * into (the first folder of its path, or the shared package `@jointdemand/rules`) and checked
 * against the importing file's layer:
 *
 * - `runtime`: layers it may import anything from;
 * - `types`: layers it may import types from, and only with a type-only declaration
 *   (`import type { X } from …`, `export type { X } from …`). The inline form
 *   `import { type X } from …` does not count: under `verbatimModuleSyntax` it compiles to
 *   `import {} from …`, which still loads the module (into a workflow bundle, for one);
 * - `within`: `{ layer: RegExp }` narrows an allowed layer to the files whose path (from the
 *   repository root, without extension) matches, e.g. only the workflows' message definitions;
 * - `packages`: `{ only: [...] }` for a layer that may use these packages and no other, or
 *   `{ deny: [...] }` for packages it must not use (names, or prefixes ending in `/`, `*`).
 *
 * A file in no listed layer, or in a layer marked `any: true` (tests), is not checked.
 * `exceptions` names single edges (file → file, without extension) that break the direction and
 * are allowed for now, each with the reason and the work that removes it; the list only shrinks.
 */
import { dirname, relative, resolve, sep } from 'node:path';

const sharedPackage = '@jointdemand/rules';

/** The package name of a bare specifier: `@scope/name` or `name`, without a subpath. */
function packageName(specifier) {
  const parts = specifier.split('/');
  return specifier.startsWith('@') ? parts.slice(0, 2).join('/') : parts[0];
}

function matchesPackage(name, specifier, patterns) {
  return patterns.some((p) => (p.endsWith('*') ? specifier.startsWith(p.slice(0, -1)) : p === name || p === specifier));
}

export function createLayersPlugin({ root, layers, layerOf, exceptions = [] }) {
  const repoPath = (path) => relative(root, path).split(sep).join('/');
  const layerOfPath = (path) => {
    const rel = repoPath(path);
    return rel.startsWith('..') ? undefined : layerOf(rel);
  };
  const withoutExtension = (path) => path.replace(/\.(ts|tsx|js|mjs)$/, '');
  const excepted = new Set(exceptions.map((e) => `${withoutExtension(e.from)} -> ${withoutExtension(e.to)}`));

  const rule = {
    meta: {
      type: 'problem',
      docs: {
        description:
          'Imports follow the layers: each layer imports only the layers below it (eslint.config.js, `layers`).',
      },
      schema: [],
      messages: {
        layer: '`{{from}}` may not import `{{to}}` ({{target}}). {{from}} imports {{allowed}}.',
        typeOnly:
          '`{{from}}` imports `{{to}}` as types only, with `import type { … }` ({{target}}): the inline `{ type X }` form still loads the module.',
        within: '`{{from}}` imports only {{what}} of `{{to}}` ({{target}}).',
        package: '`{{from}}` may not import the package `{{target}}`{{why}}.',
      },
    },
    create(context) {
      const fromLayer = layerOfPath(context.filename);
      const policy = fromLayer === undefined ? undefined : layers[fromLayer];
      if (policy === undefined || policy.any) return {};
      const allowedText =
        [...(policy.runtime ?? []), ...(policy.types ?? []).map((l) => `${l} (types)`)].join(', ') ||
        'nothing but itself';

      function check(node, sourceNode, typeOnly) {
        if (!sourceNode || typeof sourceNode.value !== 'string') return;
        const specifier = sourceNode.value;
        let toLayer;
        let targetPath;
        if (specifier.startsWith('.')) {
          const target = resolve(dirname(context.filename), specifier);
          toLayer = layerOfPath(target);
          if (toLayer === undefined) return;
          targetPath = withoutExtension(repoPath(target));
          if (excepted.has(`${withoutExtension(repoPath(context.filename))} -> ${targetPath}`)) return;
        } else if (specifier === sharedPackage || specifier.startsWith(`${sharedPackage}/`)) {
          toLayer = 'rules';
        } else {
          const name = packageName(specifier.replace(/^node:/, ''));
          const packages = policy.packages ?? {};
          const refused = packages.only
            ? !matchesPackage(name, specifier, packages.only)
            : matchesPackage(name, specifier, packages.deny ?? []);
          if (refused)
            context.report({
              node,
              messageId: 'package',
              data: { from: fromLayer, target: specifier, why: packages.why ? `: ${packages.why}` : '' },
            });
          return;
        }
        if (toLayer === fromLayer) return;
        const within = policy.within?.[toLayer];
        if (within && targetPath !== undefined && !within.pattern.test(targetPath)) {
          context.report({
            node,
            messageId: 'within',
            data: { from: fromLayer, to: toLayer, target: specifier, what: within.what },
          });
          return;
        }
        if ((policy.runtime ?? []).includes(toLayer)) return;
        if ((policy.types ?? []).includes(toLayer)) {
          if (!typeOnly)
            context.report({ node, messageId: 'typeOnly', data: { from: fromLayer, to: toLayer, target: specifier } });
          return;
        }
        context.report({
          node,
          messageId: 'layer',
          data: { from: fromLayer, to: toLayer, target: specifier, allowed: allowedText },
        });
      }

      return {
        ImportDeclaration: (node) => check(node, node.source, node.importKind === 'type'),
        ExportNamedDeclaration: (node) => check(node, node.source, node.exportKind === 'type'),
        ExportAllDeclaration: (node) => check(node, node.source, node.exportKind === 'type'),
        ImportExpression: (node) => check(node, node.source, false),
        TSImportType: (node) => {
          // `typeof import('…')` in a type: a type, never a runtime import.
          const literal = node.source ?? node.argument?.literal;
          check(node, literal, true);
        },
      };
    },
  };

  return { rules: { direction: rule } };
}
