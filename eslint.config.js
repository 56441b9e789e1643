import js from '@eslint/js';
import simpleImportSort from 'eslint-plugin-simple-import-sort';
import tseslint from 'typescript-eslint';

import { createLayersPlugin } from './eslint/layers.js';

const nodeBuiltins = [
  'assert',
  'buffer',
  'child_process',
  'cluster',
  'crypto',
  'dgram',
  'dns',
  'events',
  'fs',
  'http',
  'http2',
  'https',
  'net',
  'os',
  'path',
  'perf_hooks',
  'process',
  'querystring',
  'readline',
  'stream',
  'timers',
  'tls',
  'url',
  'util',
  'v8',
  'vm',
  'worker_threads',
  'zlib',
];

/**
 * The layers and the directions their imports may take: the README's picture (§ Architecture,
 * Layers and their rules), enforced. Each layer lists the layers it may import (`runtime`) and
 * those it may import types from with `import type` only (`types`); a layer imports itself freely.
 * Read bottom-up: `rules` is the shared package of pure rules that the server and the web both
 * use; `domain` the server's pure rules; then the infrastructure (`platform`, `db`, `i18n`,
 * `mail`); the worker's `activities` and `workflows`; the API's `services` and `api`; the entry
 * points. The web sees only itself (with its generated API client) and `rules`.
 * `test/` and every `*.test.ts` may import anything. `node --import tsx scripts/import-graph.ts`
 * prints the edges per pair of layers as they are.
 */
const sqlPackages = ['kysely', 'kysely/*', 'pg', 'pg-*'];
const serverLayers = [
  'rules',
  'domain',
  'platform',
  'db',
  'i18n',
  'mail',
  'activities',
  'workflows',
  'services',
  'api',
];
/** What the API side may know of the workflows: their message definitions (updates, queries, names). */
const workflowMessages = {
  pattern: /^workflows\/.*(^|\/|-)messages$/,
  what: 'the message definitions (`messages.ts`, `*-messages.ts`)',
};
const layers = {
  rules: { runtime: [], packages: { only: ['zod'], why: 'the shared rules import nothing but themselves and zod' } },
  domain: { runtime: ['rules'], packages: { deny: sqlPackages } },
  platform: { runtime: ['rules', 'domain'], packages: { deny: sqlPackages } },
  db: { runtime: ['rules', 'domain', 'platform'] },
  i18n: { runtime: ['rules', 'domain'], packages: { deny: sqlPackages } },
  mail: { runtime: ['rules', 'domain', 'platform', 'db', 'i18n'], packages: { deny: sqlPackages } },
  activities: { runtime: ['rules', 'domain', 'platform', 'db', 'i18n', 'mail'], packages: { deny: sqlPackages } },
  workflows: { runtime: ['rules', 'domain'], types: ['activities'], packages: { deny: sqlPackages } },
  services: {
    runtime: ['rules', 'domain', 'platform', 'db', 'i18n', 'mail', 'workflows'],
    within: { workflows: workflowMessages },
    packages: { deny: sqlPackages },
  },
  api: { runtime: ['rules', 'domain', 'platform', 'db', 'i18n', 'mail', 'services'], packages: { deny: sqlPackages } },
  bin: { runtime: serverLayers, packages: { deny: sqlPackages } },
  // Scripts and benchmarks are entry points like bin/; a script may drive a benchmark's
  // environment or the test support code (the fuzz run). Benchmarks seed and read the
  // database in bulk, so SQL is theirs as it is the tests'.
  scripts: { runtime: [...serverLayers, 'bin', 'bench', 'test'], packages: { deny: sqlPackages } },
  bench: { runtime: [...serverLayers, 'bin'] },
  web: { runtime: ['rules'] },
  test: { any: true },
};
const layerOf = (path) => {
  if (/\.test\.tsx?$/.test(path) || path.startsWith('test/') || path.startsWith('web/e2e-helpers/')) return 'test';
  const first = path.split('/')[0];
  return path.includes('/') && first in layers ? first : undefined;
};
/**
 * Edges that still break the direction, each allowed by name until the work that removes it
 * lands. This list only shrinks, and is empty: the last three (the public documents' renderer and
 * the view schemas it validated with) went with issue 15 point 4, one contract per shape — the
 * renderer is `db/public-document-renderer.ts`, the public response schemas `domain/public-contracts.ts`.
 */
const layerExceptions = [];
const layersPlugin = createLayersPlugin({ root: import.meta.dirname, layers, layerOf, exceptions: layerExceptions });

/** Query-builder calls and `sql` templates: SQL lives in db/ (tests and benchmarks aside). */
const sqlSyntax = [
  {
    selector:
      'CallExpression[callee.property.name=/^(selectFrom|insertInto|updateTable|deleteFrom|replaceInto|mergeInto|selectNoFrom)$/]',
    message: 'SQL lives in db/: call a repository function of db/ instead.',
  },
  {
    selector: "TaggedTemplateExpression[tag.name='sql'], TaggedTemplateExpression[tag.object.name='sql']",
    message: 'SQL lives in db/: call a repository function of db/ instead.',
  },
];

export default tseslint.config(
  { ignores: ['node_modules/', 'dist/', 'web/dist/', '.data/', 'test-artifacts/', 'web/src/api/schema.d.ts'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    files: ['**/*.ts', '**/*.tsx'],
    languageOptions: {
      parserOptions: { projectService: true, tsconfigRootDir: import.meta.dirname },
    },
    rules: {
      '@typescript-eslint/no-floating-promises': 'error',
      '@typescript-eslint/no-misused-promises': [
        'error',
        { checksVoidReturn: { arguments: false, attributes: false } },
      ],
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      '@typescript-eslint/no-explicit-any': 'off',
      '@typescript-eslint/no-non-null-assertion': 'off',
      '@typescript-eslint/no-empty-object-type': 'off',
    },
  },
  {
    files: ['**/*.ts', '**/*.tsx', '**/*.js', '**/*.mjs'],
    plugins: { layers: layersPlugin },
    rules: { 'layers/direction': 'error' },
  },
  {
    // Imports in one order everywhere (packages first, then the project's own by path), so a
    // reader finds them and a diff shows only what changed; `npm run format` puts them in order.
    files: ['**/*.ts', '**/*.tsx', '**/*.js', '**/*.mjs'],
    plugins: { 'simple-import-sort': simpleImportSort },
    rules: { 'simple-import-sort/imports': 'error', 'simple-import-sort/exports': 'error' },
  },
  {
    files: ['**/*.ts', '**/*.tsx'],
    ignores: ['db/**', 'test/**', 'bench/**', '**/*.test.ts', '**/*.test.tsx'],
    rules: { 'no-restricted-syntax': ['error', ...sqlSyntax] },
  },
  {
    // Workflow code runs in Temporal's deterministic sandbox: no Node builtins, no I/O, no server
    // code. Domain code is shared with workflows. Which folders each may import (activities as
    // types only) is the layers block's; this one keeps out Node builtins and server packages.
    files: ['workflows/**/*.ts', 'domain/**/*.ts', 'rules/**/*.ts'],
    ignores: ['**/*.test.ts'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          paths: nodeBuiltins.flatMap((m) => [
            { name: m, message: 'Workflow and domain code must not use Node builtins.' },
            { name: `node:${m}`, message: 'Workflow and domain code must not use Node builtins.' },
          ]),
          patterns: [
            {
              group: [
                'pg',
                'kysely',
                'express',
                'nodemailer',
                '@temporalio/client',
                '@temporalio/worker',
                '@temporalio/activity',
              ],
              message: 'Workflow and domain code must not import server code.',
            },
          ],
        },
      ],
      'no-restricted-globals': [
        'error',
        { name: 'process', message: 'Not available in the workflow sandbox.' },
        { name: 'setTimeout', message: 'Use sleep() from @temporalio/workflow.' },
      ],
    },
  },
);
