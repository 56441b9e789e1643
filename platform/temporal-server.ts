import { type ChildProcess, spawn, spawnSync } from 'node:child_process';
import { chmodSync, copyFileSync, cpSync, existsSync, mkdirSync, readdirSync, renameSync, rmSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

import { Connection } from '@temporalio/client';
import { msToTs } from '@temporalio/common/lib/time.js';

import { executable, goBinary, machineCacheDir } from './executables.js';
import { portOpen } from './temporal-dev-server.js';

/** gRPC status codes (not a dependency of ours: @grpc/grpc-js comes with the Temporal client). */
const grpcStatus = { NOT_FOUND: 5, ALREADY_EXISTS: 6 } as const;

/**
 * The real Temporal server (not the dev server in the CLI) with PostgreSQL persistence, the
 * production shape of docker-compose.yml, built from the Go module proxy like the CLI
 * (platform/temporal-cli.ts): `go.temporal.io/server/cmd/server` and its schema tool
 * `cmd/tools/sql`, into a cache outside the clone together with the PostgreSQL schema files that
 * ship in the module.
 */
export const TEMPORAL_SERVER_VERSION = 'v1.29.1';
const MODULE = 'go.temporal.io/server';

export interface TemporalServerBinaries {
  /** The server: `temporal-server --config-file … start`. */
  server: string;
  /** The schema tool (`temporal-sql-tool`). */
  sqlTool: string;
  /** Versioned schema folders for `update-schema -d`. */
  schema: { temporal: string; visibility: string };
}

export function temporalServerCacheDir(): string {
  return machineCacheDir(`temporal-server-${TEMPORAL_SERVER_VERSION.replace(/^v/, '')}`);
}

function binariesIn(dir: string): TemporalServerBinaries {
  return {
    server: path.join(dir, 'temporal-server'),
    sqlTool: path.join(dir, 'temporal-sql-tool'),
    schema: {
      temporal: path.join(dir, 'schema', 'postgresql', 'v12', 'temporal', 'versioned'),
      visibility: path.join(dir, 'schema', 'postgresql', 'v12', 'visibility', 'versioned'),
    },
  };
}

function complete(binaries: TemporalServerBinaries): boolean {
  return (
    executable(binaries.server) &&
    executable(binaries.sqlTool) &&
    existsSync(path.join(binaries.schema.temporal, 'v1.0')) &&
    existsSync(path.join(binaries.schema.visibility, 'v1.0'))
  );
}

export class TemporalServerMissing extends Error {}

function makeWritable(dir: string) {
  chmodSync(dir, 0o755);
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const full = path.join(dir, entry.name);
    if (entry.isDirectory()) makeWritable(full);
    else chmodSync(full, 0o644);
  }
}

/**
 * $TEMPORAL_SERVER_DIR (a folder laid out like the cache), else the cache, else builds both
 * binaries with `go install` (CGO_ENABLED=0) into a staging folder and moves it into place only
 * when complete, so an interrupted build is never mistaken for a good one. The first build takes
 * a few minutes (213 s here with an empty Go build cache).
 */
export async function findOrBuildTemporalServer(
  log: (message: string) => void = console.log,
): Promise<TemporalServerBinaries> {
  const fromEnv = process.env.TEMPORAL_SERVER_DIR;
  if (fromEnv) {
    const binaries = binariesIn(fromEnv);
    if (!complete(binaries)) {
      throw new TemporalServerMissing(
        `TEMPORAL_SERVER_DIR=${fromEnv} must hold temporal-server, temporal-sql-tool and schema/postgresql/v12/{temporal,visibility}/versioned`,
      );
    }
    return binaries;
  }
  const cacheDir = temporalServerCacheDir();
  const cached = binariesIn(cacheDir);
  if (complete(cached)) return cached;

  const go = goBinary();
  if (!go) {
    throw new TemporalServerMissing(
      `The Temporal server ${TEMPORAL_SERVER_VERSION} is not in ${cacheDir} and Go is not installed to build it.\n` +
        '  Install Go (https://go.dev/dl/) so it can be built from source, or set TEMPORAL_SERVER_DIR to a folder\n' +
        '  with temporal-server, temporal-sql-tool and schema/postgresql/v12/{temporal,visibility}/versioned.',
    );
  }
  log(
    `Building the Temporal server ${TEMPORAL_SERVER_VERSION} and its schema tool with Go into ${cacheDir} (once per machine; this takes a few minutes)...`,
  );
  const staging = `${cacheDir}.build-${process.pid}`;
  rmSync(staging, { recursive: true, force: true });
  const gobin = path.join(staging, 'bin');
  mkdirSync(gobin, { recursive: true });
  const started = Date.now();
  const packages = [
    `${MODULE}/cmd/server@${TEMPORAL_SERVER_VERSION}`,
    `${MODULE}/cmd/tools/sql@${TEMPORAL_SERVER_VERSION}`,
  ];
  const code = await new Promise<number>((resolve) => {
    const child = spawn(go, ['install', ...packages], {
      env: { ...process.env, GOBIN: gobin, CGO_ENABLED: process.env.CGO_ENABLED ?? '0' },
      stdio: ['ignore', 'inherit', 'inherit'],
    });
    child.on('exit', (c) => resolve(c ?? 1));
    child.on('error', () => resolve(1));
  });
  // `go install` names a binary after its package folder: cmd/server → server, cmd/tools/sql → sql.
  if (code !== 0 || !executable(path.join(gobin, 'server')) || !executable(path.join(gobin, 'sql'))) {
    rmSync(staging, { recursive: true, force: true });
    throw new TemporalServerMissing(
      `Building the Temporal server with \`go install ${packages.join(' ')}\` failed (exit ${code}).`,
    );
  }
  renameSync(path.join(gobin, 'server'), path.join(staging, 'temporal-server'));
  renameSync(path.join(gobin, 'sql'), path.join(staging, 'temporal-sql-tool'));
  rmSync(gobin, { recursive: true, force: true });

  // The schema files ship in the module, which `go install` has just put in the module cache.
  const modCache = spawnSync(go, ['env', 'GOMODCACHE'], { encoding: 'utf8' }).stdout.trim();
  const moduleDir = path.join(modCache, `${MODULE}@${TEMPORAL_SERVER_VERSION}`);
  const schemaFrom = path.join(moduleDir, 'schema', 'postgresql', 'v12');
  if (!existsSync(schemaFrom)) {
    rmSync(staging, { recursive: true, force: true });
    throw new TemporalServerMissing(`The PostgreSQL schema files were not found at ${schemaFrom} after the build.`);
  }
  cpSync(schemaFrom, path.join(staging, 'schema', 'postgresql', 'v12'), { recursive: true });
  // The module cache is read-only; the copies are made writable so the cache can be removed or rebuilt.
  makeWritable(path.join(staging, 'schema'));

  rmSync(cacheDir, { recursive: true, force: true });
  mkdirSync(path.dirname(cacheDir), { recursive: true });
  renameSync(staging, cacheDir);
  log(`Temporal server ready in ${cacheDir} (built in ${Math.round((Date.now() - started) / 1000)} s)`);
  return cached;
}

/** The nine ports one server uses, counted up from the frontend's, so servers side by side need only distinct bases. */
export function temporalServerPorts(frontendPort: number) {
  return {
    FRONTEND_GRPC_PORT: frontendPort,
    FRONTEND_HTTP_PORT: frontendPort + 1,
    FRONTEND_MEMBERSHIP_PORT: frontendPort + 2,
    HISTORY_GRPC_PORT: frontendPort + 3,
    HISTORY_MEMBERSHIP_PORT: frontendPort + 4,
    MATCHING_GRPC_PORT: frontendPort + 5,
    MATCHING_MEMBERSHIP_PORT: frontendPort + 6,
    WORKER_GRPC_PORT: frontendPort + 7,
    WORKER_MEMBERSHIP_PORT: frontendPort + 8,
  };
}

/** The committed configuration template (deploy/temporal/config.yaml.tmpl), found from this file up to the repository root. */
export function temporalConfigTemplate(): string {
  let dir = path.dirname(fileURLToPath(import.meta.url));
  for (;;) {
    const candidate = path.join(dir, 'deploy', 'temporal', 'config.yaml.tmpl');
    if (existsSync(candidate)) return candidate;
    const parent = path.dirname(dir);
    if (parent === dir)
      throw new TemporalServerMissing(
        'deploy/temporal/config.yaml.tmpl was not found above ' + fileURLToPath(import.meta.url),
      );
    dir = parent;
  }
}

export interface TemporalServerOptions {
  /** A PostgreSQL URL with the right to create databases (its path names the database to connect to for that, default `postgres`). */
  databaseUrl: string;
  /** Put before `temporal` and `temporal_visibility`: lower-case letters, digits and `_` only. */
  databasePrefix?: string;
  /** The frontend's gRPC port; the server's other eight ports follow it (temporalServerPorts). */
  frontendPort: number;
  /** Holds the rendered configuration; the server keeps nothing else on disk. */
  dataDir: string;
  /** Registered if missing; default `default`. */
  namespace?: string;
  /** How long closed workflows are kept; default 7 days. */
  retentionSeconds?: number;
  /** Only the address the services bind to and advertise; default 127.0.0.1. */
  host?: string;
  binaries?: TemporalServerBinaries;
  /** The server's log lines (level $TEMPORAL_SERVER_LOG_LEVEL, default warn) and progress messages. */
  log?: (line: string) => void;
  /** Grace period of stop() between SIGTERM and SIGKILL; default 15 s. */
  stopTimeoutMs?: number;
}

export interface TemporalServer {
  /** host:port of the frontend, for TEMPORAL_ADDRESS. */
  address: string;
  databases: { temporal: string; visibility: string };
  /** The current server process (changes with restart). */
  readonly pid: number | undefined;
  /** SIGTERM, then SIGKILL after the grace period. */
  stop(): Promise<void>;
  /** SIGKILL at once, as a crash would. */
  kill(): Promise<void>;
  /** Stops the server if it runs and starts it again on the same databases and ports, ready when it resolves. */
  restart(): Promise<void>;
}

interface SqlTarget {
  host: string;
  port: string;
  user: string;
  password: string;
  adminDatabase: string;
}

function sqlTarget(databaseUrl: string): SqlTarget {
  const url = new URL(databaseUrl);
  return {
    host: url.hostname || '127.0.0.1',
    port: url.port || '5432',
    user: decodeURIComponent(url.username) || 'postgres',
    password: decodeURIComponent(url.password),
    adminDatabase: decodeURIComponent(url.pathname.replace(/^\//, '')) || 'postgres',
  };
}

function run(file: string, args: string[], env: NodeJS.ProcessEnv): Promise<{ code: number; output: string }> {
  return new Promise((resolve) => {
    const child = spawn(file, args, { env, stdio: ['ignore', 'pipe', 'pipe'] });
    let output = '';
    child.stdout.on('data', (c: Buffer) => (output += c.toString()));
    child.stderr.on('data', (c: Buffer) => (output += c.toString()));
    child.on('error', (error) => resolve({ code: 1, output: output + error.message }));
    child.on('exit', (code) => resolve({ code: code ?? 1, output }));
  });
}

async function sqlTool(binaries: TemporalServerBinaries, target: SqlTarget, database: string, args: string[]) {
  const global = ['--plugin', 'postgres12', '--endpoint', target.host, '--port', target.port, '--user', target.user];
  // The password goes in the environment (SQL_PASSWORD), not on a command line other users can read.
  const env = { ...process.env, SQL_PASSWORD: target.password };
  const result = await run(binaries.sqlTool, [...global, '--database', database, ...args], env);
  if (result.code !== 0) {
    throw new Error(
      `temporal-sql-tool ${args[0]} on database ${database} failed (exit ${result.code}):\n${result.output.trim()}`,
    );
  }
}

/**
 * Creates the database if missing and brings its schema to the newest version the server ships:
 * `setup-schema -v 0.0` only creates the version tables (and skips an existing schema),
 * `update-schema -d` applies every versioned step not yet applied. Safe to repeat.
 */
async function prepareDatabase(
  binaries: TemporalServerBinaries,
  target: SqlTarget,
  database: string,
  schemaDir: string,
) {
  await sqlTool(binaries, target, database, ['create-database', '--defaultdb', target.adminDatabase]);
  await sqlTool(binaries, target, database, ['setup-schema', '-v', '0.0']);
  await sqlTool(binaries, target, database, ['update-schema', '-d', schemaDir]);
}

export function temporalDatabaseNames(prefix = '') {
  if (!/^[a-z0-9_]*$/.test(prefix))
    throw new Error(`databasePrefix ${JSON.stringify(prefix)}: use lower-case letters, digits and _ only`);
  return { temporal: `${prefix}temporal`, visibility: `${prefix}temporal_visibility` };
}

/** Drops a server's two databases (stop the server first: PostgreSQL refuses to drop a database in use). */
export async function dropTemporalDatabases(options: {
  databaseUrl: string;
  databasePrefix?: string;
  binaries?: TemporalServerBinaries;
}) {
  const binaries = options.binaries ?? (await findOrBuildTemporalServer());
  const target = sqlTarget(options.databaseUrl);
  const names = temporalDatabaseNames(options.databasePrefix);
  for (const name of [names.temporal, names.visibility]) {
    await sqlTool(binaries, target, name, ['drop-database', '--force', '--defaultdb', target.adminDatabase]);
  }
}

async function waitForFrontend(address: string, timeoutMs: number, exited: () => string | undefined): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  let lastError: unknown;
  while (Date.now() < deadline) {
    const exit = exited();
    if (exit) throw new Error(exit);
    try {
      const connection = await Connection.connect({ address, connectTimeout: 1000 });
      try {
        await connection.workflowService.getSystemInfo({});
        return;
      } finally {
        await connection.close();
      }
    } catch (error) {
      lastError = error;
      await new Promise((r) => setTimeout(r, 500));
    }
  }
  throw new Error(
    `The Temporal server did not answer at ${address} within ${timeoutMs / 1000} s: ${(lastError as Error)?.message}`,
  );
}

/** Registers the namespace if missing, then waits until the frontend accepts calls in it (its namespace cache refreshes every few seconds). */
async function ensureNamespace(
  address: string,
  namespace: string,
  retentionSeconds: number,
  log: (line: string) => void,
) {
  const connection = await Connection.connect({ address, connectTimeout: '10s' });
  try {
    try {
      await connection.workflowService.describeNamespace({ namespace });
    } catch (error) {
      if ((error as { code?: number }).code !== grpcStatus.NOT_FOUND) throw error;
      log(`Registering the Temporal namespace ${namespace}`);
      try {
        await connection.workflowService.registerNamespace({
          namespace,
          workflowExecutionRetentionPeriod: msToTs(retentionSeconds * 1000),
        });
      } catch (registerError) {
        // Another process registered it at the same moment.
        if ((registerError as { code?: number }).code !== grpcStatus.ALREADY_EXISTS) throw registerError;
      }
    }
    const deadline = Date.now() + 60_000;
    for (;;) {
      try {
        await connection.workflowService.countWorkflowExecutions({ namespace });
        return;
      } catch (error) {
        if (Date.now() > deadline)
          throw new Error(`The namespace ${namespace} did not become usable: ${(error as Error).message}`);
        await new Promise((r) => setTimeout(r, 500));
      }
    }
  } finally {
    await connection.close();
  }
}

/**
 * The real Temporal server on PostgreSQL: creates its two databases if missing, sets up or
 * upgrades their schema with the schema tool, renders deploy/temporal/config.yaml.tmpl with this
 * server's ports and database, starts every service (frontend, history, matching, worker) in one
 * process, waits until the frontend answers and registers the namespace if missing.
 */
export async function startTemporalServer(options: TemporalServerOptions): Promise<TemporalServer> {
  const log = options.log ?? (() => {});
  const binaries = options.binaries ?? (await findOrBuildTemporalServer(log));
  const target = sqlTarget(options.databaseUrl);
  const databases = temporalDatabaseNames(options.databasePrefix);
  const host = options.host ?? '127.0.0.1';
  const ports = temporalServerPorts(options.frontendPort);
  const address = `${host}:${options.frontendPort}`;
  const namespace = options.namespace ?? 'default';
  const stopTimeoutMs = options.stopTimeoutMs ?? 15_000;

  const busy: string[] = [];
  for (const [name, port] of Object.entries(ports)) if (await portOpen(host, port)) busy.push(`${name} ${port}`);
  if (busy.length > 0) {
    throw new Error(
      `The Temporal server's ports are in use on ${host}: ${busy.join(', ')} (choose another frontendPort)`,
    );
  }

  log(`Preparing the Temporal databases ${databases.temporal} and ${databases.visibility}`);
  await prepareDatabase(binaries, target, databases.temporal, binaries.schema.temporal);
  await prepareDatabase(binaries, target, databases.visibility, binaries.schema.visibility);

  const configDir = path.join(options.dataDir, 'config');
  mkdirSync(configDir, { recursive: true });
  copyFileSync(temporalConfigTemplate(), path.join(configDir, 'development.yaml'));
  const env: NodeJS.ProcessEnv = {
    ...process.env,
    LOG_LEVEL: process.env.TEMPORAL_SERVER_LOG_LEVEL ?? 'warn',
    NUM_HISTORY_SHARDS: '4',
    DBNAME: databases.temporal,
    VISIBILITY_DBNAME: databases.visibility,
    POSTGRES_SEEDS: target.host,
    DB_PORT: target.port,
    POSTGRES_USER: target.user,
    POSTGRES_PWD: target.password,
    BIND_ON_IP: host,
    TEMPORAL_BROADCAST_ADDRESS: host,
    ...Object.fromEntries(Object.entries(ports).map(([k, v]) => [k, String(v)])),
  };

  let child: ChildProcess | undefined;
  const spawnServer = async () => {
    const tail: string[] = [];
    const proc = spawn(
      binaries.server,
      ['--root', options.dataDir, '--config', 'config', '--env', 'development', '--allow-no-auth', 'start'],
      // Its own process group, as the dev server: a Ctrl-C in the terminal reaches only us.
      { env, stdio: ['ignore', 'pipe', 'pipe'], detached: true },
    );
    child = proc;
    const killOnExit = () => proc.kill('SIGKILL');
    process.once('exit', killOnExit);
    proc.once('exit', () => process.off('exit', killOnExit));
    const forward = (chunk: Buffer) => {
      for (const line of chunk.toString().split('\n')) {
        if (!line.trim()) continue;
        tail.push(line);
        if (tail.length > 30) tail.shift();
        log(line);
      }
    };
    proc.stdout.on('data', forward);
    proc.stderr.on('data', forward);
    let spawnError: Error | undefined;
    proc.once('error', (error) => (spawnError = error));
    try {
      await waitForFrontend(address, 120_000, () =>
        spawnError || proc.exitCode !== null || proc.signalCode !== null
          ? `The Temporal server exited (${spawnError?.message ?? proc.exitCode ?? proc.signalCode}) before it answered; its last lines:\n${tail.join('\n')}`
          : undefined,
      );
    } catch (error) {
      proc.kill('SIGKILL');
      throw error;
    }
    log(`Temporal server (PostgreSQL) answering at ${address}, pid ${proc.pid}`);
  };

  const end = (signal: NodeJS.Signals, graceMs: number) =>
    new Promise<void>((resolve) => {
      const proc = child;
      if (!proc || proc.exitCode !== null || proc.signalCode !== null) return resolve();
      proc.once('exit', () => resolve());
      proc.kill(signal);
      if (signal !== 'SIGKILL') setTimeout(() => proc.kill('SIGKILL'), graceMs).unref();
    });

  await spawnServer();
  try {
    await ensureNamespace(address, namespace, options.retentionSeconds ?? 7 * 24 * 3600, log);
  } catch (error) {
    await end('SIGKILL', 0);
    throw error;
  }

  return {
    address,
    databases,
    get pid() {
      return child?.pid;
    },
    stop: () => end('SIGTERM', stopTimeoutMs),
    kill: () => end('SIGKILL', 0),
    restart: async () => {
      await end('SIGTERM', stopTimeoutMs);
      await spawnServer();
    },
  };
}
