import { Kysely, PostgresDialect, sql, type Transaction } from 'kysely';
import pg from 'pg';

import type { Database } from './schema.js';

export type Db = Kysely<Database>;
export type Tx = Transaction<Database>;
/** Repositories accept either, so a use-case can compose several of them in one transaction. */
export type DbOrTx = Db | Tx;

// NUMERIC stays a string: money and quantities are exact decimals, never binary floats.
pg.types.setTypeParser(pg.types.builtins.NUMERIC, (v) => v);
// BIGINT ids and counts: keep exact.
pg.types.setTypeParser(pg.types.builtins.INT8, (v) => v);
// DATE stays a calendar date (YYYY-MM-DD), not a midnight in some time zone.
pg.types.setTypeParser(pg.types.builtins.DATE, (v) => v);

/**
 * `role`: the role every session acts as (`SET ROLE` at connect, e.g. `jointdemand_app`, which
 * may only append to the audit tables); `none` or absent keeps the connecting user's own rights
 * (migrations, tests setting a scene, tools). `onIdleClientError` hears (e.g. logs) a pooled
 * connection that ended while idle.
 */
export function createDb(
  connectionString: string,
  max = 10,
  role?: string,
  onIdleClientError: (error: Error) => void = () => {},
): Db {
  const options = role && role !== 'none' ? `-c role=${role}` : undefined;
  // A request never waits for a connection without end: when every one is busy for this long, it
  // fails (`isPoolExhausted`), and the API sheds it with 503 and Retry-After.
  const pool = new pg.Pool({
    connectionString,
    max,
    connectionTimeoutMillis: poolWaitMs,
    ...(options ? { options } : {}),
  });
  // PostgreSQL ends every connection when it restarts, fails over or an operator terminates them;
  // an idle client's error is emitted on the pool, and unheard it would end the process. The pool
  // has already dropped that client and connects again for the next query.
  pool.on('error', onIdleClientError);
  return new Kysely<Database>({ dialect: new PostgresDialect({ pool }) });
}

const poolWaitMs = 10_000;

/** The error of a query that found every pooled connection busy for `poolWaitMs`: overload, not a fault. */
export function isPoolExhausted(error: unknown): boolean {
  return error instanceof Error && error.message === 'timeout exceeded when trying to connect';
}

/** Node's codes for a connection that could not be made or was cut (the database stopped, restarting, failed over, unreachable). */
const connectionErrorCodes = new Set([
  'ECONNREFUSED',
  'ECONNRESET',
  'EPIPE',
  'ETIMEDOUT',
  'EHOSTUNREACH',
  'ENETUNREACH',
  'ENOTFOUND',
  'EAI_AGAIN',
]);

/**
 * The error of a query that could not reach PostgreSQL: the connection refused or cut (Node's
 * codes above; node-postgres's "Connection terminated…" when the server ended it under a query),
 * SQLSTATE class 08 (connection exception), or the server ending or refusing sessions while it
 * shuts down or starts (`57P01` admin shutdown, `57P02` crash shutdown, `57P03` cannot connect
 * now). The database is away, not the request wrong: the API answers 503 and the client repeats it.
 */
export function isDatabaseUnreachable(error: unknown): boolean {
  if (!(error instanceof Error)) return false;
  const code = (error as { code?: unknown }).code;
  if (typeof code === 'string') {
    if (connectionErrorCodes.has(code)) return true;
    if (/^08[0-9A-Z]{3}$/.test(code) || code === '57P01' || code === '57P02' || code === '57P03') return true;
  }
  return /^Connection terminated\b|^Client has encountered a connection error/.test(error.message);
}

/** The cheapest round trip: readiness probes use it to see the database answers. */
export async function pingDatabase(db: Db): Promise<void> {
  await sql`select 1`.execute(db);
}
