import { createHash } from 'node:crypto';

import type { DbOrTx } from '../../db/database.js';
import { claimIdempotencyKey } from '../../db/idempotency.js';
import { DomainError } from '../../domain/errors.js';
import { contentHash } from '../../platform/canonical-json.js';
import type { ServiceContext } from '../context.js';

export const idempotencyKeyReused = { field: 'Idempotency-Key', rule: 'must not be reused for a different request' };

/**
 * An Idempotency-Key belongs to its caller's organisation and route: another organisation's key
 * of the same spelling is another request. The first use records the hash of the request; a
 * retry with the same request passes, the same key for a different request is a 422.
 * Returns the Temporal update id the request is sent with, fixed for every retry.
 */
export async function scopedUpdateId(
  ctx: Pick<ServiceContext, 'db'>,
  scope: { organisationId: string; workflowId: string; operation: string },
  idempotencyKey: string,
  request: unknown,
): Promise<string> {
  return (await claimScopedKey(ctx.db, scope, idempotencyKey, request)).updateId;
}

/**
 * `scopedUpdateId` in the caller's transaction, so the key is kept only with what the request
 * records (a refused request keeps no claim: sent again, corrected or not, it is a new request).
 * `retry`: the key was used before for this same request.
 */
export async function claimScopedKey(
  db: DbOrTx,
  scope: { organisationId: string; workflowId: string; operation: string },
  idempotencyKey: string,
  request: unknown,
): Promise<{ updateId: string; retry: boolean }> {
  const claim = await claimIdempotencyKey(db, {
    organisationId: scope.organisationId,
    route: `${scope.workflowId}/${scope.operation}`,
    key: idempotencyKey,
    requestHash: contentHash(request),
  });
  if (claim === 'different') {
    throw new DomainError('unprocessable', 'This Idempotency-Key was already used for a different request', [
      idempotencyKeyReused,
    ]);
  }
  return { updateId: updateIdOf(scope, idempotencyKey), retry: claim === 'retry' };
}

/** The update id a request with this key is sent with (`scopedUpdateId` without claiming the key). */
export function updateIdOf(
  scope: { organisationId: string; workflowId: string; operation: string },
  idempotencyKey: string,
): string {
  const scoped = createHash('sha256')
    .update(`${scope.organisationId}\n${scope.workflowId}/${scope.operation}\n${idempotencyKey}`)
    .digest('hex')
    .slice(0, 40);
  return `${scope.operation}:${scoped}`;
}
