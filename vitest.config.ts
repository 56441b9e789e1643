import { availableParallelism } from 'node:os';

import { configDefaults, defineConfig } from 'vitest/config';

import LongestFirstSequencer from './test/support/longest-first-sequencer.js';

/**
 * Two projects: `unit` for pure code (domain rules, mapping), fast and service-free; and
 * `integration` for everything that talks to the real Temporal dev server, PostgreSQL, SMTP
 * and Chromium. Both use forked processes: the Temporal native module is not thread-safe.
 */
export default defineConfig({
  test: {
    pool: 'forks',
    // Each file's fork reads the transformed modules from a cache on disk (in node_modules, so a
    // new install starts it afresh) instead of asking the main process for every one: 24
    // integration files, starting with an empty cache, in 180 s against 190 s and 282 against 301
    // CPU-s (vitest's own `import` 94 s against 103 s).
    experimental: { fsModuleCache: true },
    // The longest files first (test/support/file-durations.json), so no long file is left to run alone at the end.
    sequence: { sequencer: LongestFirstSequencer },
    projects: [
      {
        test: {
          name: 'unit',
          include: [
            'domain/**/*.test.ts',
            'i18n/**/*.test.ts',
            'platform/**/*.test.ts',
            'db/**/*.unit.test.ts',
            'api/**/*.unit.test.ts',
            'services/**/*.unit.test.ts',
            'test/**/*.unit.test.ts',
            'workflows/**/*.unit.test.ts',
          ],
          pool: 'forks',
          // One fork per core: vitest's default in a run (cores - 1) ran them one at a time on a
          // 2-core machine, 128 s with the other core idle.
          maxWorkers: availableParallelism(),
          // Projects with different worker limits must run as separate groups: unit first.
          sequence: { groupOrder: 0 },
        },
      },
      {
        test: {
          name: 'integration',
          include: ['test/**/*.test.ts'],
          // Unit tests under test/ (the fuzz generators, the layer boundaries) need no services.
          exclude: [...configDefaults.exclude, 'test/**/*.unit.test.ts'],
          pool: 'forks',
          globalSetup: ['test/support/global-setup.ts'],
          testTimeout: 180_000,
          hookTimeout: 240_000,
          // Each file starts its own worker, API and SMTP capture against the shared servers.
          fileParallelism: true,
          // Three on two cores: with two, the processor was idle a fifth of the run (files waiting
          // on timers, servers and the browser); with three it is busy but for a tenth. Two tests
          // that relied on timing failed under that load and were mended (README, `npm test`).
          maxWorkers: 3,
          sequence: { groupOrder: 1 },
        },
      },
    ],
  },
});
