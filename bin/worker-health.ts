import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';

import type { NativeConnection, State as WorkerState } from '@temporalio/worker';

import { type Db, pingDatabase } from '../db/database.js';
import type { Logger } from '../platform/logger.js';
import { within } from '../platform/within.js';

export interface WorkerHealthDeps {
  db: Db;
  connection: NativeConnection;
  /** The SDK worker's state: ready only while it is RUNNING. */
  state: () => WorkerState;
  /** True from the first shutdown signal on: /readyz answers 503 at once, before any check. */
  stopping: () => boolean;
  logger?: Logger;
  /** How long each dependency may take to answer before it counts as failed. */
  timeoutMs?: number;
}

type Check = { ok: true } | { ok: false; error: string };

async function check(fn: () => Promise<unknown>, timeoutMs: number): Promise<Check> {
  try {
    await within(fn(), timeoutMs);
    return { ok: true };
  } catch (error) {
    return { ok: false, error: (error as Error).message };
  }
}

/** What /readyz answers: 200 when the worker runs and Temporal and the database answer, else 503 naming what failed. */
export async function workerReadiness(
  deps: WorkerHealthDeps,
): Promise<{ status: 200 | 503; body: { status: string; state: WorkerState; checks?: Record<string, Check> } }> {
  const state = deps.state();
  if (deps.stopping() || state !== 'RUNNING')
    return { status: 503, body: { status: deps.stopping() ? 'stopping' : 'not ready', state } };
  const timeoutMs = deps.timeoutMs ?? 2000;
  const [database, temporal] = await Promise.all([
    check(() => pingDatabase(deps.db), timeoutMs),
    check(() => deps.connection.workflowService.getSystemInfo({}), timeoutMs),
  ]);
  const checks = { database, temporal };
  const ready = database.ok && temporal.ok;
  if (!ready) deps.logger?.warn({ checks }, 'worker not ready');
  return { status: ready ? 200 : 503, body: { status: ready ? 'ready' : 'not ready', state, checks } };
}

/**
 * The worker's probes on a small HTTP port of its own: /livez (the process and its event loop
 * answer) and /readyz (see `workerReadiness`). Not the API: no routes, no authentication; bind it
 * where only the orchestrator reaches it.
 */
export async function startWorkerHealthServer(
  deps: WorkerHealthDeps,
  listen: { port: number; host: string },
): Promise<{ server: Server; port: number; close: () => Promise<void> }> {
  const server = createServer((req, res) => {
    const reply = (status: number, body: unknown) => {
      res.writeHead(status, { 'content-type': 'application/json', 'cache-control': 'no-store' });
      res.end(JSON.stringify(body));
    };
    const path = (req.url ?? '/').split('?')[0];
    if (req.method !== 'GET' && req.method !== 'HEAD') return reply(405, { status: 'method not allowed' });
    if (path === '/livez') return reply(200, { status: 'ok' });
    if (path === '/readyz') {
      workerReadiness(deps).then(
        (r) => reply(r.status, r.body),
        (error: unknown) => reply(503, { status: 'not ready', error: (error as Error).message }),
      );
      return;
    }
    reply(404, { status: 'not found' });
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(listen.port, listen.host, () => resolve());
  });
  return {
    server,
    port: (server.address() as AddressInfo).port,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
