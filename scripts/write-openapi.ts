import { writeFileSync } from 'node:fs';

import { createApp } from '../api/app.js';
import { loadConfig } from '../platform/config.js';
import { createLogger } from '../platform/logger.js';

/**
 * Writes the OpenAPI document without any running service (the web build generates its typed
 * client from it). The handlers are never called, so the dependencies are left unset.
 */
const config = loadConfig({ ...process.env, PUBLIC_URL: 'http://localhost:3000' });
const unused = new Proxy(
  {},
  {
    get: () => {
      throw new Error('not available while writing the OpenAPI document');
    },
  },
) as never;
const { openApi } = createApp({
  ctx: { db: unused, temporal: unused, config, logger: createLogger('silent') },
  db: unused,
  temporal: unused,
  mailer: unused,
  secureCookies: false,
});
const out = process.argv[2] ?? 'openapi.json';
writeFileSync(out, `${JSON.stringify(openApi, null, 2)}\n`);
console.log(`OpenAPI document written to ${out}`);
