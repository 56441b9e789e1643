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

export function createDb(connectionString: string, max = 10): Db {
  return new Kysely<Database>({
    dialect: new PostgresDialect({ pool: new pg.Pool({ connectionString, max }) }),
  });
}

/** The cheapest round trip: readiness probes use it to see the database answers. */
export async function pingDatabase(db: Db): Promise<void> {
  await sql`select 1`.execute(db);
}
