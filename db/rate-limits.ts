import { CompiledQuery } from 'kysely';

import type { Db } from './database.js';

/**
 * rate-limiter-flexible's PostgreSQL store runs its own parameterised statements on a
 * `pg`-like client (`query({ text, values })` answering `{ rows, rowCount }`); this one runs them
 * through the application's pool. The table (`rate_limits`) is made by a migration.
 */
export function rateLimitStoreClient(db: Db): {
  query(q: { text: string; values?: unknown[] }): Promise<{ rows: unknown[]; rowCount: number }>;
} {
  return {
    async query(q) {
      const result = await db.executeQuery(CompiledQuery.raw(q.text, q.values ?? []));
      const affected = result.numAffectedRows;
      return {
        rows: result.rows as unknown[],
        rowCount: affected !== undefined ? Number(affected) : result.rows.length,
      };
    },
  };
}

export const RATE_LIMIT_TABLE = 'rate_limits';
