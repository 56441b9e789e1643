import { defineConfig } from 'vitest/config';

import { rulesAlias } from './rules-alias';

/** Unit tests of the web application (`npx vitest run --root web`); pure, no browser needed. */
export default defineConfig({
  resolve: { alias: rulesAlias },
  test: {
    root: import.meta.dirname,
    include: ['src/**/*.test.ts'],
    pool: 'forks',
    testTimeout: 60_000,
  },
});
