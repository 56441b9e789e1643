import { type ChildProcess, spawn } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { chmodSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';

import { Client, Connection } from '@temporalio/client';
import { bundleWorkflowCode, DefaultLogger, Runtime } from '@temporalio/worker';
import pg from 'pg';

import { workflowBundleOptions } from '../../bin/create-worker.js';
import { createDb, type Db } from '../../db/database.js';
import { type CaptureServer, startCaptureServer } from '../../mail/capture-server.js';
import { freePort, freePortBlock } from '../../platform/free-port.js';
import { type PostgresCluster, startPostgresCluster } from '../../platform/pg-cluster.js';
import { startTemporalServer, type TemporalServer, temporalServerPorts } from '../../platform/temporal-server.js';
import { prepareTestDatabase } from './database.js';
import { ApiClient } from './harness.js';

/**
 * The production-like topology of issue 16 as real processes on this machine, without Docker:
 * the real Temporal server on PostgreSQL (databases of its own on the machine's server), the
 * application database on a PostgreSQL cluster of its own (so it can be stopped), an SMTP
 * capture server, two worker processes and two API processes sharing one task queue and one
 * database, each API on its own port. Every process can be killed (SIGKILL) and restarted;
 * stop() ends everything and drops what it created.
 */

export interface AppProcess {
  readonly name: string;
  readonly pid: number | undefined;
  /** SIGKILL, as a crash would. */
  kill(): Promise<void>;
  /** Starts it again (after kill), ready when it resolves. */
  start(): Promise<void>;
  running(): boolean;
}

export interface Topology {
  temporal: TemporalServer;
  /** The application's database cluster (stop/start/kill). */
  appPostgres: PostgresCluster;
  databaseUrl: string;
  /** The owner's connection (for setting the scene and checks). */
  db: Db;
  client: Client;
  mail: CaptureServer;
  taskQueue: string;
  workers: AppProcess[];
  apis: AppProcess[];
  apiUrls: string[];
  stop(): Promise<void>;
}

const adminUrl = process.env.TEST_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';

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

/** A node entry point (bin/worker.ts, bin/api.ts) as a child process, ready once `readyText` shows in its log. */
function nodeProcess(
  name: string,
  script: string,
  env: NodeJS.ProcessEnv,
  readyText: string,
  log: (line: string) => void,
): AppProcess {
  let child: ChildProcess | undefined;
  const alive = () => !!child && child.exitCode === null && child.signalCode === null;
  const start = () =>
    new Promise<void>((resolve, reject) => {
      if (alive()) return resolve();
      const proc = spawn(process.execPath, ['--import', 'tsx', path.resolve(script)], {
        env: { ...process.env, ...env },
        stdio: ['ignore', 'pipe', 'pipe'],
      });
      child = proc;
      const killOnExit = () => proc.kill('SIGKILL');
      process.once('exit', killOnExit);
      let output = '';
      let ready = false;
      const onData = (chunk: Buffer) => {
        const text = chunk.toString();
        for (const line of text.split('\n')) if (line.trim() && /"level":(4|5|6)0/.test(line)) log(`[${name}] ${line}`);
        if (ready) return;
        output += text;
        if (output.includes(readyText)) {
          ready = true;
          output = '';
          resolve();
        }
      };
      proc.stdout!.on('data', onData);
      proc.stderr!.on('data', onData);
      proc.once('exit', (code, signal) => {
        process.off('exit', killOnExit);
        if (!ready) reject(new Error(`${name} exited before it was ready (${code ?? signal}): ${output.slice(-3000)}`));
      });
    });
  return {
    name,
    get pid() {
      return child?.pid;
    },
    running: alive,
    start,
    kill: () =>
      new Promise<void>((resolve) => {
        const proc = child;
        if (!proc || !alive()) return resolve();
        proc.once('exit', () => resolve());
        proc.kill('SIGKILL');
      }),
  };
}

export async function startTopology(
  options: {
    workers?: number;
    apis?: number;
    log?: (line: string) => void;
    /** More settings for every worker and API process (e.g. WEBHOOK_ALLOW_HTTP_LOCALHOST). */
    env?: NodeJS.ProcessEnv;
  } = {},
): Promise<Topology> {
  const log = options.log ?? (() => {});
  try {
    Runtime.install({ logger: new DefaultLogger('ERROR') });
  } catch {
    /* installed already in this process */
  }
  const tag = `jd_topo_${process.pid}_${Date.now() % 1e6}_`;
  const dir = mkdtempSync(path.join(os.tmpdir(), 'jd-topology-'));
  // As root, the cluster runs as the postgres OS user, who must be able to reach its folder.
  chmodSync(dir, 0o755);
  const cleanups: (() => Promise<void>)[] = [];
  const cleanup = async () => {
    for (const fn of cleanups.reverse()) {
      try {
        await fn();
      } catch (error) {
        log(`cleanup: ${(error as Error).message}`);
      }
    }
    cleanups.length = 0;
  };
  try {
    const [temporal, appPostgres, bundle] = await Promise.all([
      (async () => {
        const server = await startTemporalServer({
          databaseUrl: adminUrl,
          databasePrefix: tag,
          frontendPort: await freePortBlock(temporalServerPorts),
          dataDir: path.join(dir, 'temporal'),
          log: (line) => log(`[temporal] ${line}`),
        });
        cleanups.push(async () => {
          await server.stop();
          await dropDatabases(tag);
        });
        return server;
      })(),
      (async () => {
        const cluster = await startPostgresCluster({
          port: await freePort(),
          dataDir: path.join(dir, 'app-postgres'),
          log: (line) => log(`[app-postgres] ${line}`),
        });
        cleanups.push(() => cluster.stop());
        return cluster;
      })(),
      (async () => {
        // With the workflow interceptors, as the test suite's and the Docker image's bundles.
        const { code } = await bundleWorkflowCode({ ...workflowBundleOptions(), logger: new DefaultLogger('WARN') });
        const file = path.join(dir, 'workflows.js');
        writeFileSync(file, code);
        return file;
      })(),
    ]);
    cleanups.unshift(async () => rmSync(dir, { recursive: true, force: true }));

    const url = new URL(appPostgres.url);
    url.pathname = '/jointdemand';
    const databaseUrl = url.toString();
    const admin = new pg.Client({ connectionString: appPostgres.url });
    await admin.connect();
    await admin.query('create database jointdemand');
    await admin.end();
    await prepareTestDatabase(databaseUrl);
    const db = createDb(databaseUrl, 4);
    cleanups.push(() => db.destroy());

    const mail = await startCaptureServer();
    cleanups.push(() => mail.close());
    const connection = await Connection.connect({ address: temporal.address, connectTimeout: '30s' });
    cleanups.push(() => connection.close());
    const client = new Client({ connection, namespace: 'default' });

    const taskQueue = `jd-topology-${randomUUID()}`;
    const apiPorts = await Promise.all(Array.from({ length: options.apis ?? 2 }, () => freePort()));
    const apiUrls = apiPorts.map((p) => `http://127.0.0.1:${p}`);
    const common: NodeJS.ProcessEnv = {
      NODE_ENV: 'test',
      LOG_LEVEL: 'info',
      DATABASE_URL: databaseUrl,
      DATABASE_POOL_SIZE: '5',
      TEMPORAL_ADDRESS: temporal.address,
      TEMPORAL_TASK_QUEUE: taskQueue,
      SMTP_URL: `smtp://127.0.0.1:${mail.port}`,
      PUBLIC_URL: apiUrls[0],
      WORKFLOW_BUNDLE: bundle,
      ...options.env,
    };
    const workers = Array.from({ length: options.workers ?? 2 }, (_, i) =>
      nodeProcess(`worker-${i + 1}`, 'bin/worker.ts', common, 'worker running', log),
    );
    const apis = apiPorts.map((port, i) =>
      nodeProcess(
        `api-${i + 1}`,
        'bin/api.ts',
        { ...common, PORT: String(port), PUBLIC_URL: apiUrls[i] },
        'API listening',
        log,
      ),
    );
    cleanups.push(async () => {
      await Promise.all([...workers, ...apis].map((p) => p.kill()));
    });
    // One worker first: its start creates the digest and audit schedules, which two at once would race for.
    await workers[0]!.start();
    await Promise.all([...workers.slice(1), ...apis].map((p) => p.start()));

    return {
      temporal,
      appPostgres,
      databaseUrl,
      db,
      client,
      mail,
      taskQueue,
      workers,
      apis,
      apiUrls,
      stop: cleanup,
    };
  } catch (error) {
    await cleanup();
    throw error;
  }
}

/**
 * An API client that spreads its requests over several API processes in turn, and repeats a
 * request whose connection failed (refused or reset: the process died) with the same
 * Idempotency-Key on the next process, as a client behind a load balancer would.
 */
export class RoundRobinClient extends ApiClient {
  private next = 0;
  /** Called before each change (not before its retries): a fault test strikes at the n-th change. */
  onChange: (() => void) | undefined;
  /** Called with the status of each change once answered. */
  onAnswer: ((status: number) => void) | undefined;
  constructor(
    readonly urls: string[],
    auth: { cookie?: string; bearer?: string } = {},
    readonly connectionRetries = 20,
  ) {
    super(urls[0]!, auth);
    Object.defineProperty(this, 'baseUrl', { get: () => this.urls[this.next % this.urls.length] });
  }

  override async request<T = any>(method: string, p: string, body?: unknown, headers: Record<string, string> = {}) {
    const changes = method !== 'GET' && method !== 'HEAD';
    const sent =
      changes && !Object.keys(headers).some((k) => k.toLowerCase() === 'idempotency-key')
        ? { ...headers, 'Idempotency-Key': randomUUID() }
        : headers;
    if (changes) this.onChange?.();
    for (let attempt = 0; ; attempt++) {
      this.next += 1;
      try {
        const res = await super.request<T>(method, p, body, sent);
        if (changes) this.onAnswer?.(res.status);
        return res;
      } catch (error) {
        if (attempt >= this.connectionRetries || !(error instanceof TypeError)) throw error;
        await new Promise((r) => setTimeout(r, 250));
      }
    }
  }
}

/** A seeded PRNG (mulberry32): the same seed gives the same run. */
export function seededRandom(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}
