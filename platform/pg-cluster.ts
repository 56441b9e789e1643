import { spawn, spawnSync } from 'node:child_process';
import { chownSync, existsSync, mkdirSync, readdirSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';

import { executable } from './executables.js';

/**
 * A PostgreSQL cluster of its own (initdb + pg_ctl from Debian's server packages), on its own
 * port and data folder, for tests that stop, kill and start the application's database without
 * touching the machine's server. Trust authentication, TCP on 127.0.0.1 only, and its unix
 * socket inside the data folder (not /var/run/postgresql, which belongs to the machine's server).
 *
 * initdb and postgres refuse to run as root (a server running as root could be made to run
 * anything as root through SQL). When this process is root, they run as the `postgres` OS user
 * (`runuser -u postgres --`, which Debian's packages create) and the data folder is given to it;
 * every folder above it must then be traversable by that user.
 */

export interface PostgresCluster {
  /** postgres://postgres@127.0.0.1:<port>/postgres */
  url: string;
  port: number;
  dataDir: string;
  /** `pg_ctl stop -m fast`: ends the connections and shuts down cleanly. */
  stop(): Promise<void>;
  /** Starts it again on the same data (no-op if it runs). */
  start(): Promise<void>;
  /** SIGKILL to the postmaster and every backend, as a crash would; start() then recovers from the WAL. */
  kill(): Promise<void>;
  running(): boolean;
}

export class PostgresServerMissing extends Error {}

function newestBinDir(): string | undefined {
  const root = '/usr/lib/postgresql';
  if (!existsSync(root)) return undefined;
  const versions = readdirSync(root)
    .filter((v) => /^\d+(\.\d+)?$/.test(v) && executable(path.join(root, v, 'bin', 'initdb')))
    .sort((a, b) => Number(b) - Number(a));
  return versions[0] ? path.join(root, versions[0], 'bin') : undefined;
}

const isRoot = () => process.getuid?.() === 0;

function run(file: string, args: string[]): Promise<{ code: number; output: string }> {
  const [cmd, argv] = isRoot() ? ['runuser', ['-u', 'postgres', '--', file, ...args]] : [file, args];
  return new Promise((resolve) => {
    const child = spawn(cmd, argv, { stdio: ['ignore', 'pipe', 'pipe'] });
    let output = '';
    child.stdout.on('data', (c: Buffer) => (output += c.toString()));
    child.stderr.on('data', (c: Buffer) => (output += c.toString()));
    child.on('error', (error) => resolve({ code: 1, output: output + error.message }));
    child.on('exit', (code) => resolve({ code: code ?? 1, output }));
  });
}

async function mustRun(file: string, args: string[]): Promise<string> {
  const result = await run(file, args);
  if (result.code !== 0) {
    throw new Error(`${path.basename(file)} ${args.join(' ')} failed (exit ${result.code}):\n${result.output.trim()}`);
  }
  return result.output;
}

/**
 * $PG_BIN_DIR, else the newest /usr/lib/postgresql/<version>/bin, else (as root, with apt-get)
 * installs Debian's `postgresql` package, as scripts/ensure-deps.sh does for Chromium.
 */
export async function findPostgresBinDir(log: (line: string) => void = console.log): Promise<string> {
  const fromEnv = process.env.PG_BIN_DIR;
  if (fromEnv) {
    if (!executable(path.join(fromEnv, 'initdb')) || !executable(path.join(fromEnv, 'pg_ctl'))) {
      throw new PostgresServerMissing(`PG_BIN_DIR=${fromEnv} has no initdb and pg_ctl`);
    }
    return fromEnv;
  }
  const found = newestBinDir();
  if (found) return found;
  const aptGet = ['/usr/bin/apt-get', '/bin/apt-get'].find(executable);
  if (!isRoot() || !aptGet) {
    throw new PostgresServerMissing(
      "PostgreSQL's server programs (initdb, pg_ctl) are not in /usr/lib/postgresql/<version>/bin: install Debian's " +
        "'postgresql' package (as root: apt-get install postgresql) or set PG_BIN_DIR to a folder holding them.",
    );
  }
  log('Installing PostgreSQL for a test cluster of its own (apt-get install postgresql)...');
  const install = spawnSync('sh', ['-c', `${aptGet} update -qq && ${aptGet} install -y -qq postgresql >/dev/null`], {
    env: { ...process.env, DEBIAN_FRONTEND: 'noninteractive' },
    stdio: ['ignore', 'inherit', 'inherit'],
  });
  const installed = newestBinDir();
  if (install.status !== 0 || !installed) {
    throw new PostgresServerMissing(`apt-get install postgresql failed (exit ${install.status})`);
  }
  return installed;
}

function postgresIds(): { uid: number; gid: number } {
  const uid = Number(spawnSync('id', ['-u', 'postgres'], { encoding: 'utf8' }).stdout.trim());
  const gid = Number(spawnSync('id', ['-g', 'postgres'], { encoding: 'utf8' }).stdout.trim());
  if (!Number.isInteger(uid) || !Number.isInteger(gid) || uid === 0) {
    throw new PostgresServerMissing(
      "Running as root needs the `postgres` OS user (Debian's postgresql packages create it) to run initdb and postgres",
    );
  }
  return { uid, gid };
}

/** As root: the data folder goes to the postgres user, who must also be able to reach it. */
function handOver(dataDir: string) {
  const { uid, gid } = postgresIds();
  for (let dir = path.dirname(dataDir); ; dir = path.dirname(dir)) {
    const { mode, uid: owner } = statSync(dir);
    if (owner !== uid && (mode & 0o001) === 0) {
      throw new Error(
        `The postgres user cannot reach ${dataDir}: ${dir} is not traversable by others (chmod o+x ${dir}, or choose a data folder elsewhere)`,
      );
    }
    if (path.dirname(dir) === dir) break;
  }
  chownSync(dataDir, uid, gid);
}

function processAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

export async function startPostgresCluster(options: {
  port: number;
  /** Created if missing; holds pgdata/, the socket folder and postgres.log. Re-used if it holds a cluster already. */
  dataDir: string;
  log?: (line: string) => void;
}): Promise<PostgresCluster> {
  const log = options.log ?? (() => {});
  const bin = await findPostgresBinDir(log);
  const dataDir = path.resolve(options.dataDir);
  const pgdata = path.join(dataDir, 'pgdata');
  const socketDir = path.join(dataDir, 'socket');
  const logFile = path.join(dataDir, 'postgres.log');
  const pgCtl = path.join(bin, 'pg_ctl');
  mkdirSync(dataDir, { recursive: true });
  if (isRoot()) handOver(dataDir);
  if (!existsSync(path.join(pgdata, 'PG_VERSION'))) {
    log(`initdb ${pgdata}`);
    await mustRun(path.join(bin, 'initdb'), [
      '-D',
      pgdata,
      '-U',
      'postgres',
      '--auth=trust',
      '--encoding=UTF8',
      '--locale=C.UTF-8',
      '--no-instructions',
    ]);
  }
  await mustRun('/bin/mkdir', ['-p', socketDir]);
  // Settings on the command line, so a re-used data folder follows the port asked for now.
  const serverOptions = `-p ${options.port} -c listen_addresses=127.0.0.1 -k ${socketDir}`;

  const postmasterPid = (): number | undefined => {
    try {
      const pid = Number(readFileSync(path.join(pgdata, 'postmaster.pid'), 'utf8').split('\n')[0]);
      return Number.isInteger(pid) && pid > 0 && processAlive(pid) ? pid : undefined;
    } catch {
      return undefined;
    }
  };
  const start = async () => {
    if (postmasterPid()) return;
    await mustRun(pgCtl, ['-D', pgdata, '-l', logFile, '-o', serverOptions, '-w', '-t', '120', 'start']);
    log(`PostgreSQL cluster ${pgdata} listening on 127.0.0.1:${options.port}`);
  };
  const stop = async () => {
    if (!postmasterPid()) return;
    await mustRun(pgCtl, ['-D', pgdata, '-m', 'fast', '-w', '-t', '60', 'stop']);
  };
  const kill = async () => {
    const pid = postmasterPid();
    if (!pid) return;
    // The backends too: a postmaster killed alone leaves them holding the shared memory a while.
    let children: number[] = [];
    try {
      children = readFileSync(`/proc/${pid}/task/${pid}/children`, 'utf8')
        .trim()
        .split(/\s+/)
        .filter(Boolean)
        .map(Number);
    } catch {
      /* not Linux: the postmaster alone */
    }
    for (const p of [pid, ...children]) {
      try {
        process.kill(p, 'SIGKILL');
      } catch {
        /* gone already */
      }
    }
    const deadline = Date.now() + 30_000;
    while ([pid, ...children].some(processAlive) && Date.now() < deadline) await new Promise((r) => setTimeout(r, 100));
  };

  await start();
  // A test that fails before it stops its cluster must not leave a server behind.
  const stopOnExit = () => {
    if (!postmasterPid()) return;
    const argv = [pgCtl, '-D', pgdata, '-m', 'immediate', '-w', 'stop'];
    if (isRoot()) spawnSync('runuser', ['-u', 'postgres', '--', ...argv]);
    else spawnSync(argv[0]!, argv.slice(1));
  };
  process.once('exit', stopOnExit);

  return {
    url: `postgres://postgres@127.0.0.1:${options.port}/postgres`,
    port: options.port,
    dataDir,
    stop,
    start,
    kill,
    running: () => postmasterPid() !== undefined,
  };
}
