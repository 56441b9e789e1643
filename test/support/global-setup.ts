import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';

import { TestWorkflowEnvironment } from '@temporalio/testing';
import { bundleWorkflowCode, DefaultLogger, Runtime } from '@temporalio/worker';
import pg from 'pg';
import type { TestProject } from 'vitest/node';

import { workflowBundleOptions } from '../../bin/create-worker.js';
import { freePort } from '../../platform/free-port.js';
import { findOrBuildTemporalCli } from '../../platform/temporal-cli.js';
import { startTemporalDevServer } from '../../platform/temporal-dev-server.js';
import { findOrBuildTemporalServer } from '../../platform/temporal-server.js';
import { copyDatabase, prepareTestDatabase } from './database.js';

declare module 'vitest' {
  export interface ProvidedContext {
    temporalAddress: string;
    databaseUrl: string;
    /** The prepared database the run's and each file's own are copied from (test/support/database.ts). */
    databaseTemplateUrl: string;
    workflowBundlePath: string;
    temporalCli: string;
  }
}

/**
 * The SDK gives the dev server a fixed few seconds to come up, which a loaded two-core machine
 * can miss; then the same binary is started directly with a patient readiness check.
 */
async function startTemporal(cli: string): Promise<{ address: string; teardown(): Promise<void> }> {
  for (let attempt = 1; attempt <= 2; attempt++) {
    try {
      const env = await TestWorkflowEnvironment.createLocal({
        server: {
          executable: { type: 'existing-path', path: cli },
          ip: '127.0.0.1',
          ui: false,
          log: { format: 'pretty', level: 'never' },
        },
      });
      return { address: env.address, teardown: () => env.teardown() };
    } catch (error) {
      console.warn(`Temporal dev server start attempt ${attempt} failed: ${(error as Error).message}`);
    }
  }
  const port = await freePort();
  const server = await startTemporalDevServer({
    cli,
    address: `127.0.0.1:${port}`,
    dataDir: mkdtempSync(path.join(os.tmpdir(), 'jd-temporal-')),
    uiPort: await freePort(),
  });
  return { address: server.address, teardown: () => server.stop() };
}

/** What a test file imports when it starts the real Temporal server (on PostgreSQL) itself. */
const startsTemporalServer = /platform\/temporal-server\.js|support\/topology\.js|support\/fault-scenarios\.js/;

/**
 * Whether a file of this run starts the real Temporal server (the topology and fault tests,
 * test/temporal-server-postgres.test.ts). The run's files come from vitest's state API
 * (experimental); when it names none, or a file cannot be read, it is assumed so: finding the
 * cached server costs nothing.
 */
function runStartsTemporalServer(project: TestProject): boolean {
  const files = project.vitest.state.getPaths();
  if (files.length === 0) return true;
  return files.some((file) => {
    try {
      return startsTemporalServer.test(readFileSync(file, 'utf8'));
    } catch {
      return true;
    }
  });
}

/**
 * One real Temporal dev server and one fresh PostgreSQL database for the whole run; each test
 * file then starts its own worker (on its own task queue), API and SMTP capture against them.
 * When the topology tests are in the run, the real Temporal server (platform/temporal-server.ts)
 * is found or built here too; those files start their own from the cache.
 */
export default async function setup(project: TestProject) {
  Runtime.install({ logger: new DefaultLogger('WARN') });
  const cli = await findOrBuildTemporalCli((m) => console.log(m));
  // The real server and its schema tool are built here, once, like the CLI (a few minutes with Go
  // on a fresh machine), not inside the first topology file's beforeAll and against its timeout.
  if (runStartsTemporalServer(project)) await findOrBuildTemporalServer((m) => console.log(m));
  const env = await startTemporal(cli);

  const base = process.env.TEST_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';
  const dbName = `jd_test_${Date.now()}_${process.pid}`;
  // Prepared once, never connected to afterwards: the run's database and every file's own
  // (startHarness({ freshDatabase })) are copies of it.
  const template = new URL(base);
  template.pathname = `/${dbName}_template`;
  const databaseTemplateUrl = template.toString();
  await prepareTestDatabase(databaseTemplateUrl);
  const databaseUrl = await copyDatabase(databaseTemplateUrl, dbName);

  // Bundling takes seconds; do it once and share the code with every test file's worker.
  const dir = mkdtempSync(path.join(os.tmpdir(), 'jd-bundle-'));
  const { code } = await bundleWorkflowCode({ ...workflowBundleOptions(), logger: new DefaultLogger('WARN') });
  const workflowBundlePath = path.join(dir, 'workflows.js');
  writeFileSync(workflowBundlePath, code);

  project.provide('temporalAddress', env.address);
  project.provide('databaseUrl', databaseUrl);
  project.provide('databaseTemplateUrl', databaseTemplateUrl);
  project.provide('workflowBundlePath', workflowBundlePath);
  project.provide('temporalCli', cli);

  return async () => {
    await env.teardown();
    const admin = new URL(base);
    admin.pathname = '/postgres';
    const client = new pg.Client({ connectionString: admin.toString() });
    await client.connect();
    // The run's database, its template and those some files made for themselves (startHarness({ freshDatabase })).
    const own = await client.query<{ datname: string }>(
      'select datname from pg_database where datname = $1 or datname like $2',
      [dbName, `${dbName}\\_%`],
    );
    for (const { datname } of own.rows) await client.query(`drop database if exists "${datname}" with (force)`);
    await client.end();
  };
}
