import { mkdtempSync, rmSync } from 'node:fs';
import { chmod } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';

import { Client, Connection } from '@temporalio/client';
import { bundleWorkflowCode, DefaultLogger, NativeConnection, Runtime, Worker } from '@temporalio/worker';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { freePortBlock, portFree } from '../platform/free-port.js';
import { type PostgresCluster, startPostgresCluster } from '../platform/pg-cluster.js';
import {
  findOrBuildTemporalServer,
  startTemporalServer,
  type TemporalServer,
  type TemporalServerBinaries,
  temporalServerPorts,
} from '../platform/temporal-server.js';
import { proceed, type ServerRestartActivities, serverRestartWorkflow } from './support/server-restart-workflow.js';

/**
 * The production topology's Temporal server (issue 16): the real server v1.29.1 with PostgreSQL
 * persistence, on databases of this file's own on the machine's PostgreSQL, restarted while a
 * workflow is between its steps; and a PostgreSQL cluster of a test's own, stopped and started.
 * The first run builds the server with Go (minutes; cached in ~/.cache/jointdemand after that).
 */
const adminUrl = process.env.TEST_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';
const prefix = `jd_tsrv_${process.pid}_${Date.now() % 1e6}_`;
const verbose = process.env.TEMPORAL_SERVER_TEST_LOG === '1';
const log = (line: string) => {
  if (verbose) console.log(`[temporal-server] ${line}`);
};

async function dropDatabases(like: string) {
  const client = new pg.Client({ connectionString: adminUrl });
  await client.connect();
  try {
    const rows = await client.query<{ datname: string }>('select datname from pg_database where datname like $1', [
      `${like}%`,
    ]);
    for (const { datname } of rows.rows) await client.query(`drop database if exists "${datname}" with (force)`);
  } finally {
    await client.end();
  }
}

describe('the real Temporal server on PostgreSQL', () => {
  let binaries: TemporalServerBinaries;
  let server: TemporalServer | undefined;
  let dataDir: string;

  beforeAll(async () => {
    try {
      Runtime.install({ logger: new DefaultLogger('ERROR') });
    } catch {
      /* installed already in this process */
    }
    // Built once per machine (a few minutes; 213 s here with an empty Go build cache), then found in the cache at once.
    binaries = await findOrBuildTemporalServer((m) => console.log(m));
    dataDir = mkdtempSync(path.join(os.tmpdir(), 'jd-temporal-server-'));
  }, 40 * 60_000);

  afterAll(async () => {
    await server?.kill();
    await dropDatabases(prefix);
    if (dataDir) rmSync(dataDir, { recursive: true, force: true });
  });

  it('sets up its databases idempotently, and a workflow completes across a server restart', async () => {
    const frontendPort = await freePortBlock(temporalServerPorts);
    const options = { databaseUrl: adminUrl, databasePrefix: prefix, frontendPort, dataDir, binaries, log };
    const first = await startTemporalServer(options);
    await first.stop();
    // Again on the existing schema and namespace: nothing to create, nothing fails.
    server = await startTemporalServer(options);
    expect(server.address).toBe(`127.0.0.1:${frontendPort}`);

    const versions = await Promise.all(
      [server.databases.temporal, server.databases.visibility].map(async (database) => {
        const client = new pg.Client({ connectionString: adminUrl.replace(/\/[^/]*$/, `/${database}`) });
        await client.connect();
        const { rows } = await client.query<{ curr_version: string }>('select curr_version from schema_version');
        await client.end();
        return rows[0]?.curr_version;
      }),
    );
    // The newest versioned steps shipped with v1.29.1 (schema/postgresql/v12/*/versioned).
    expect(versions).toEqual(['1.18', '1.9']);

    const taskQueue = `restart-${process.pid}`;
    const steps: number[] = [];
    const activities: ServerRestartActivities = {
      step: async (n) => {
        steps.push(n);
        return `step ${n}`;
      },
    };
    const { code } = await bundleWorkflowCode({
      workflowsPath: path.resolve('test/support/server-restart-workflow.ts'),
      logger: new DefaultLogger('WARN'),
    });
    const workerConnection = await NativeConnection.connect({ address: server.address });
    const worker = await Worker.create({
      connection: workerConnection,
      namespace: 'default',
      taskQueue,
      workflowBundle: { code },
      activities,
    });
    const running = worker.run();
    const connection = await Connection.connect({ address: server.address });
    const client = new Client({ connection, namespace: 'default' });
    try {
      const handle = await client.workflow.start(serverRestartWorkflow, {
        taskQueue,
        workflowId: `server-restart-${Date.now()}`,
        args: [4000],
      });
      // Step 1 done, the 4 s timer pending: restart the server under it (SIGTERM, a clean shutdown).
      const deadline = Date.now() + 60_000;
      while (steps.length < 1 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 100));
      expect(steps).toEqual([1]);
      const pidBefore = server.pid;
      const restartStarted = Date.now();
      await server.restart();
      const restartMs = Date.now() - restartStarted;
      expect(server.pid).not.toBe(pidBefore);
      console.log(`Temporal server (PostgreSQL) restarted in ${restartMs} ms`);

      // Then a crash: SIGKILL, no shutdown at all, and a start on the same databases.
      await until(async () => (await handle.fetchHistory()).events?.some((e) => e.timerFiredEventAttributes));
      await server.kill();
      const crashStarted = Date.now();
      await server.restart();
      console.log(`Temporal server (PostgreSQL) killed and started again in ${Date.now() - crashStarted} ms`);

      // The same client and worker connections carry on; the signal is accepted by the new process.
      await handle.signal(proceed);
      expect(await handle.result()).toEqual(['step 1', 'step 2']);
      expect(steps).toEqual([1, 2]);
      expect((await handle.describe()).status.name).toBe('COMPLETED');
    } finally {
      worker.shutdown();
      await running;
      await workerConnection.close();
      await connection.close();
    }
    await server.stop();
    expect(server.pid === undefined || !isAlive(server.pid)).toBe(true);
  });
});

async function until(check: () => Promise<boolean | undefined>, timeoutMs = 60_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error('timed out waiting');
    await new Promise((r) => setTimeout(r, 200));
  }
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

describe("a PostgreSQL cluster of a test's own", () => {
  let cluster: PostgresCluster | undefined;
  let dir: string;

  beforeAll(async () => {
    dir = mkdtempSync(path.join(os.tmpdir(), 'jd-pg-cluster-'));
    // As root the cluster runs as the postgres user, who must be able to reach its folder.
    await chmod(dir, 0o755);
  });
  afterAll(async () => {
    await cluster?.stop();
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  it('refuses connections while stopped and accepts them again after start, keeping its data', async () => {
    let port = 0;
    // Below the ephemeral range (32768+) and above the Temporal server ranges (20000–28998).
    for (let attempt = 0; attempt < 50 && !port; attempt++) {
      const candidate = 29_000 + Math.floor(Math.random() * 1000);
      if (await portFree(candidate)) port = candidate;
    }
    cluster = await startPostgresCluster({ port, dataDir: path.join(dir, 'cluster') });
    const query = async (sql: string) => {
      const client = new pg.Client({ connectionString: cluster!.url, connectionTimeoutMillis: 3000 });
      await client.connect();
      try {
        return (await client.query(sql)).rows;
      } finally {
        await client.end();
      }
    };
    await query('create table kept (n int); insert into kept values (42)');
    // A pool, as the application holds one: its idle connection dies with the server.
    const pool = new pg.Pool({ connectionString: cluster.url, max: 1, connectionTimeoutMillis: 3000 });
    pool.on('error', () => {});
    expect((await pool.query('select 1 as one')).rows).toEqual([{ one: 1 }]);

    await cluster.stop();
    expect(cluster.running()).toBe(false);
    await expect(query('select 1')).rejects.toThrow(/ECONNREFUSED/);
    await expect(pool.query('select 1')).rejects.toThrow();

    await cluster.start();
    expect(await query('select n from kept')).toEqual([{ n: 42 }]);
    expect((await pool.query('select 1 as one')).rows).toEqual([{ one: 1 }]);

    // A crash (SIGKILL to every server process) recovers from the WAL on the next start.
    await cluster.kill();
    await expect(query('select 1')).rejects.toThrow(/ECONNREFUSED/);
    await cluster.start();
    expect(await query('select n from kept')).toEqual([{ n: 42 }]);
    await pool.end();
  });
});
