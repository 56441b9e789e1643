import { createHmac, timingSafeEqual } from 'node:crypto';

import { canonicalJson } from './canonical-json.js';

/**
 * The boundary between the API and Temporal. Whoever can reach the Temporal frontend can send an
 * update with any arguments, so an actor named in them proves nothing. The API seals each
 * request it sends: an HMAC-SHA256, with a key only the API and the worker hold, over the
 * workflow, the update's name and id, and the whole request (the actor with its organisation,
 * roles and administrator claim, and every argument). The workflow has the seal checked before
 * the update changes anything; a request without a valid seal is refused and nothing is recorded.
 * A sealed request copied from a history can only be sent again with the same update id, which
 * Temporal and the workflow answer with the first answer.
 */
export interface SealedScope {
  workflowId: string;
  update: string;
  updateId: string;
}

export const sealField = 'seal';

function mac(key: string, scope: SealedScope, request: Record<string, unknown>): Buffer {
  const { [sealField]: _omitted, ...rest } = request;
  return createHmac('sha256', key)
    .update(canonicalJson({ ...scope, request: rest }))
    .digest();
}

/** The seal the API adds to a request (under `seal`). */
export function sealRequest(key: string, scope: SealedScope, request: Record<string, unknown>): string {
  return mac(key, scope, request).toString('base64url');
}

export function sealValid(key: string, scope: SealedScope, request: Record<string, unknown>): boolean {
  const given = request[sealField];
  if (typeof given !== 'string') return false;
  const expected = mac(key, scope, request);
  const actual = Buffer.from(given, 'base64url');
  return actual.length === expected.length && timingSafeEqual(actual, expected);
}
