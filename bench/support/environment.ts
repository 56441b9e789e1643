import { randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

import { Client, Connection } from '@temporalio/client';
import { DefaultLogger, NativeConnection, Runtime, Worker } from '@temporalio/worker';
import { sql } from 'kysely';
import pg from 'pg';

import { createApp } from '../../api/app.js';
import { answerMalformedRequests } from '../../api/client-errors.js';
import { createWorker } from '../../bin/create-worker.js';
import { newSecret, secretHash } from '../../db/credentials.js';
import { createDb, type Db } from '../../db/database.js';
import { migrateToLatest } from '../../db/migrate.js';
import { CPV_FILE, importReferenceFiles, locateReferenceData, UNITS_FILE } from '../../db/reference-data-files.js';
import { type CapturedMessage, type CaptureServer, startCaptureServer } from '../../mail/capture-server.js';
import { createSmtpMailer, type Mailer } from '../../mail/mailer.js';
import { loadConfig } from '../../platform/config.js';
import { freePort } from '../../platform/free-port.js';
import { createLogger } from '../../platform/logger.js';
import { findOrBuildTemporalCli, temporalCliVersion } from '../../platform/temporal-cli.js';
import { startTemporalDevServer } from '../../platform/temporal-dev-server.js';
import type { ServiceContext } from '../../services/context.js';
import { closePublicDocuments } from '../../services/publication/public-documents.js';
import { BenchClient } from './client.js';

/**
 * Everything a benchmark needs, started fresh and on its own (no vitest): a Temporal dev server
 * with its own SQLite file, a new PostgreSQL database with the reference lists, an SMTP capture
 * server, the application's worker, a worker for the baseline workflow, and the API on a free port.
 */
export interface BenchEnvironment {
  db: Db;
  temporal: Client;
  baseUrl: string;
  taskQueue: string;
  baselineTaskQueue: string;
  mail: CaptureServer;
  /** Every captured message's subject and recipients (the capture itself keeps only the last few). */
  /** What the SMTP capture received, in order, with when (ms since the epoch). */
  delivered: { subject: string; to: string[]; at: number }[];
  versions: { temporal: string; postgres: string };
  /** Where the services listen, for a worker started in a process of its own (`worker: false`). */
  endpoints: { databaseUrl: string; temporalAddress: string; smtpUrl: string };
  close(): Promise<void>;
}

/** `worker: false` starts no application worker here: the benchmark runs its own (e.g. in a process of its own). */
export async function startBenchEnvironment(
  log: (line: string) => void,
  options: { worker?: boolean } = {},
): Promise<BenchEnvironment> {
  const stops: (() => Promise<void>)[] = [];
  const close = async () => {
    for (const stop of stops.reverse()) {
      try {
        await stop();
      } catch (error) {
        log(`  (while stopping: ${(error as Error).message})`);
      }
    }
  };
  try {
    Runtime.install({ logger: new DefaultLogger('ERROR') });

    const cli = await findOrBuildTemporalCli(log);
    const dataDir = mkdtempSync(path.join(os.tmpdir(), 'jd-bench-temporal-'));
    const address = `127.0.0.1:${await freePort()}`;
    log(`  starting the Temporal dev server at ${address}`);
    // BENCH_SUGGEST_CONTINUE_AS_NEW (events) makes runs hand over sooner, to exercise continue-as-new.
    const suggestCan = process.env.BENCH_SUGGEST_CONTINUE_AS_NEW;
    const server = await startTemporalDevServer({
      cli,
      address,
      dataDir,
      uiPort: await freePort(),
      ...(suggestCan ? { dynamicConfig: { 'limit.historyCount.suggestContinueAsNew': Number(suggestCan) } } : {}),
    });
    stops.push(async () => {
      await server.stop();
      rmSync(dataDir, { recursive: true, force: true });
    });

    const admin = new URL(
      process.env.BENCH_DATABASE_URL ?? process.env.TEST_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres',
    );
    const databaseUrl = new URL(admin);
    const dbName = `jd_bench_${Date.now()}_${process.pid}`;
    databaseUrl.pathname = `/${dbName}`;
    log(`  migrating a fresh database ${dbName}`);
    await migrateToLatest(databaseUrl.toString());
    stops.push(async () => {
      if (process.env.BENCH_KEEP_DB) return log(`  kept the database ${dbName}`);
      admin.pathname = '/postgres';
      const client = new pg.Client({ connectionString: admin.toString() });
      await client.connect();
      await client.query(`drop database if exists "${dbName}" with (force)`);
      await client.end();
    });
    const db = createDb(databaseUrl.toString(), 20);
    stops.push(() => db.destroy());
    const dataFiles = locateReferenceData();
    if (!dataFiles)
      throw new Error(
        'Reference data (CPV 2008, UN/CEFACT Rec 20) not found: set REFERENCE_DATA_DIR to the shared data folder',
      );
    await importReferenceFiles(db, { cpv: path.join(dataFiles, CPV_FILE), units: path.join(dataFiles, UNITS_FILE) });
    const postgres = await sql<{ server_version: string }>`show server_version`.execute(db);

    const delivered: BenchEnvironment['delivered'] = [];
    const mail = await startCaptureServer({
      keep: 50,
      onMessage: (m: CapturedMessage) => delivered.push({ subject: m.subject, to: m.to, at: Date.now() }),
    });
    stops.push(() => mail.close());
    const mailer: Mailer = createSmtpMailer(
      `smtp://127.0.0.1:${mail.port}`,
      'jointdemand bench <bench@jointdemand.localhost>',
    );
    stops.push(async () => mailer.close());

    const connection = await Connection.connect({ address, connectTimeout: '30s' });
    stops.push(() => connection.close());
    const temporal = new Client({ connection, namespace: 'default' });

    const httpServer: Server = createServer();
    answerMalformedRequests(httpServer);
    await new Promise<void>((resolve) => httpServer.listen(0, '127.0.0.1', () => resolve()));
    stops.push(async () => {
      httpServer.closeAllConnections();
      await new Promise<void>((resolve) => httpServer.close(() => resolve()));
    });
    const baseUrl = `http://127.0.0.1:${(httpServer.address() as net.AddressInfo).port}`;
    const taskQueue = `jd-bench-${randomUUID()}`;
    const config = loadConfig({
      NODE_ENV: 'test',
      LOG_LEVEL: 'silent',
      DATABASE_URL: databaseUrl.toString(),
      TEMPORAL_ADDRESS: address,
      TEMPORAL_TASK_QUEUE: taskQueue,
      SMTP_URL: `smtp://127.0.0.1:${mail.port}`,
      PUBLIC_URL: baseUrl,
    });
    // BENCH_LOG_LEVEL=error shows what went wrong behind a failed request (on stderr).
    const ctx: ServiceContext = { db, temporal, config, logger: createLogger(process.env.BENCH_LOG_LEVEL ?? 'silent') };
    const { app } = createApp({ ctx, db, temporal, mailer, secureCookies: false, signInRateLimit: 1_000_000 });
    httpServer.on('request', app);
    stops.push(() => closePublicDocuments(ctx));

    if (options.worker !== false) {
      log('  bundling the workflows and starting the worker');
      const app_ = await createWorker({ db, mailer, publicUrl: baseUrl, address, namespace: 'default', taskQueue });
      const appRun = app_.worker.run();
      stops.push(async () => {
        app_.worker.shutdown();
        await appRun;
        await app_.connection.close();
      });
    }

    log('  bundling the baseline workflow and starting its worker');
    const baselineTaskQueue = `jd-bench-baseline-${randomUUID()}`;
    const baselineConnection = await NativeConnection.connect({ address });
    const baseline = await Worker.create({
      connection: baselineConnection,
      namespace: 'default',
      taskQueue: baselineTaskQueue,
      workflowsPath: fileURLToPath(new URL('./baseline-workflow.ts', import.meta.url)),
      activities: { async benchNoop() {} },
    });
    const baselineRun = baseline.run();
    stops.push(async () => {
      baseline.shutdown();
      await baselineRun;
      await baselineConnection.close();
    });

    return {
      db,
      temporal,
      baseUrl,
      taskQueue,
      baselineTaskQueue,
      mail,
      delivered,
      versions: {
        temporal: temporalCliVersion(cli).split('\n')[0] ?? '?',
        postgres: postgres.rows[0]?.server_version ?? '?',
      },
      endpoints: {
        databaseUrl: databaseUrl.toString(),
        temporalAddress: address,
        smtpUrl: `smtp://127.0.0.1:${mail.port}`,
      },
      close,
    };
  } catch (error) {
    await close();
    throw error;
  }
}

/**
 * Buyer organisations, each with one user and an API token, written in bulk (a few statements
 * for thousands of them) rather than one request or row at a time.
 */
export async function createBuyers(
  env: Pick<BenchEnvironment, 'db' | 'baseUrl'>,
  count: number,
  options: { prefix: string; countries: readonly string[] },
): Promise<{ orgId: string; userId: string; email: string; api: BenchClient }[]> {
  const out: { orgId: string; userId: string; email: string; api: BenchClient }[] = [];
  for (let start = 0; start < count; start += 1000) {
    const n = Math.min(1000, count - start);
    const indexes = Array.from({ length: n }, (_, k) => start + k);
    await env.db.transaction().execute(async (trx) => {
      const orgs = await trx
        .insertInto('organisations')
        .values(
          indexes.map((i) => ({
            kind: 'buyer' as const,
            name: `${options.prefix} buyer ${String(i).padStart(5, '0')}`,
            country: options.countries[i % options.countries.length]!,
            buyer_legal_type: 'la',
          })),
        )
        .returning(['id', 'name'])
        .execute();
      const byName = new Map(orgs.map((o) => [o.name, o.id]));
      const users = await trx
        .insertInto('users')
        .values(
          indexes.map((i) => ({
            organisation_id: byName.get(`${options.prefix} buyer ${String(i).padStart(5, '0')}`)!,
            email: `${options.prefix.toLowerCase()}-${i}-${randomUUID().slice(0, 6)}@bench.example`,
            name: `Buyer ${i}`,
            locale: 'en',
            roles: [],
          })),
        )
        .returning(['id', 'organisation_id', 'email'])
        .execute();
      const secrets = users.map(() => newSecret('jd_'));
      await trx
        .insertInto('api_tokens')
        .values(
          users.map((u, k) => ({
            user_id: u.id,
            name: 'bench',
            token_hash: secretHash(secrets[k]!),
            expires_at: null,
          })),
        )
        .execute();
      const userOf = new Map(users.map((u, k) => [u.organisation_id, { ...u, secret: secrets[k]! }]));
      for (const i of indexes) {
        const orgId = byName.get(`${options.prefix} buyer ${String(i).padStart(5, '0')}`)!;
        const u = userOf.get(orgId)!;
        out.push({ orgId, userId: u.id, email: u.email.toLowerCase(), api: new BenchClient(env.baseUrl, u.secret) });
      }
    });
  }
  return out;
}
