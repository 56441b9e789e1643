import { type ChildProcess, spawn } from 'node:child_process';
import { mkdirSync } from 'node:fs';
import net from 'node:net';
import path from 'node:path';

import { Connection } from '@temporalio/client';

export interface DevServer {
  address: string;
  uiUrl: string | null;
  process: ChildProcess | null;
  stop(): Promise<void>;
}

export function portOpen(host: string, port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = net.connect({ host, port });
    socket.once('connect', () => {
      socket.destroy();
      resolve(true);
    });
    socket.once('error', () => resolve(false));
  });
}

async function waitForTemporal(address: string, timeoutMs: number, child: ChildProcess): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  let lastError: unknown;
  while (Date.now() < deadline) {
    if (child.exitCode !== null) throw new Error(`temporal server exited with code ${child.exitCode}`);
    try {
      const connection = await Connection.connect({ address, connectTimeout: 1000 });
      await connection.workflowService.getSystemInfo({});
      await connection.close();
      return;
    } catch (error) {
      lastError = error;
      await new Promise((r) => setTimeout(r, 300));
    }
  }
  throw new Error(`Temporal did not become ready at ${address}: ${(lastError as Error)?.message}`);
}

/**
 * Starts `temporal server start-dev` with its SQLite file under the data directory, so a restart
 * keeps every workflow. If a Temporal server already answers at the address, it is used as is.
 *
 * The Web UI shows every workflow's history and can signal, update and terminate workflows
 * without any sign-in: it is bound to loopback (127.0.0.1) whatever address the frontend
 * listens on, and `ui: false` turns it off.
 */
export async function startTemporalDevServer(options: {
  cli: string;
  address: string;
  dataDir: string;
  uiPort?: number;
  /** Start the Web UI (on 127.0.0.1 only); default true. */
  ui?: boolean;
  /** Dynamic config overrides, e.g. a low `limit.historyCount.suggestContinueAsNew` to exercise continue-as-new in benchmarks. */
  dynamicConfig?: Record<string, string | number>;
  log?: (line: string) => void;
}): Promise<DevServer> {
  const [host, portText] = options.address.split(':') as [string, string];
  const port = Number(portText);
  if (await portOpen(host, port)) {
    return { address: options.address, uiUrl: null, process: null, stop: async () => {} };
  }
  mkdirSync(options.dataDir, { recursive: true });
  const uiPort = options.uiPort ?? port + 1000;
  const ui = options.ui ?? true;
  const child = spawn(
    options.cli,
    [
      'server',
      'start-dev',
      '--ip',
      host,
      '--port',
      String(port),
      ...(ui ? ['--ui-ip', '127.0.0.1', '--ui-port', String(uiPort)] : ['--headless']),
      '--db-filename',
      path.join(options.dataDir, 'temporal.sqlite'),
      '--log-level',
      'warn',
      ...Object.entries(options.dynamicConfig ?? {}).flatMap(([key, value]) => [
        '--dynamic-config-value',
        `${key}=${value}`,
      ]),
    ],
    // Its own process group: Ctrl-C in the terminal then reaches only us, and we stop the server
    // after the worker has drained, instead of the worker losing its server mid-shutdown.
    { stdio: ['ignore', 'pipe', 'pipe'], detached: true },
  );
  const killOnExit = () => child.kill('SIGKILL');
  process.once('exit', killOnExit);
  child.once('exit', () => process.off('exit', killOnExit));
  const forward = (chunk: Buffer) => {
    for (const line of chunk.toString().split('\n')) if (line.trim()) options.log?.(line);
  };
  child.stdout?.on('data', forward);
  child.stderr?.on('data', forward);
  await waitForTemporal(options.address, 60_000, child);
  return {
    address: options.address,
    uiUrl: ui ? `http://127.0.0.1:${uiPort}` : null,
    process: child,
    stop: () =>
      new Promise<void>((resolve) => {
        if (child.exitCode !== null) return resolve();
        child.once('exit', () => resolve());
        child.kill('SIGTERM');
        setTimeout(() => child.kill('SIGKILL'), 10_000).unref();
      }),
  };
}
