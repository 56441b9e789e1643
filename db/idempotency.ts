import { sql } from 'kysely';

import type { DbOrTx } from './database.js';

export interface IdempotencyClaim {
  organisationId: string;
  /** What the key is used for: the workflow and the operation (one per route). */
  route: string;
  key: string;
  /** Hash of the request the key stands for. */
  requestHash: string;
}

/**
 * Records an Idempotency-Key for its caller's organisation and route, or finds it recorded:
 * `first` the first time, `retry` when the same request comes again, `different` when the key
 * was used by this organisation on this route for another request.
 */
export async function claimIdempotencyKey(
  db: DbOrTx,
  claim: IdempotencyClaim,
): Promise<'first' | 'retry' | 'different'> {
  const inserted = await sql<{ request_hash: string }>`
    insert into idempotency_keys (organisation_id, route, key, request_hash)
    values (${claim.organisationId}, ${claim.route}, ${claim.key}, ${claim.requestHash})
    on conflict (organisation_id, route, key) do nothing
    returning request_hash`.execute(db);
  if (inserted.rows.length > 0) return 'first';
  const found = await sql<{ request_hash: string }>`
    select request_hash from idempotency_keys
    where organisation_id = ${claim.organisationId} and route = ${claim.route} and key = ${claim.key}`.execute(db);
  return found.rows[0]?.request_hash === claim.requestHash ? 'retry' : 'different';
}
