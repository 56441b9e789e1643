import { AsyncLocalStorage } from 'node:async_hooks';
import { randomBytes } from 'node:crypto';

import { traceMailHeader } from '../domain/trace-id.js';

/** The trace id of the request (API) or the activity (worker) this code runs for, if any. */
const storage = new AsyncLocalStorage<string>();

export function currentTraceId(): string | undefined {
  return storage.getStore();
}

/** Runs `fn` (and everything it awaits) under `traceId`; without one, as it is. */
export function withTraceId<T>(traceId: string | undefined, fn: () => T): T {
  return traceId ? storage.run(traceId, fn) : fn();
}

/** A fresh id, shaped like a W3C trace id (32 hex digits). */
export function newTraceId(): string {
  return randomBytes(16).toString('hex');
}

/** The header an e-mail enqueued now carries, naming the request that caused it. */
export function traceMailHeaders(): Record<string, string> {
  const traceId = currentTraceId();
  return traceId ? { [traceMailHeader]: traceId } : {};
}
