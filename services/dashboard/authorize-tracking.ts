import { recordSecurityEvent } from '../../db/audit.js';
import { canTrackPilots, type Principal } from '../../domain/authorization.js';
import { DomainError } from '../../domain/errors.js';
import type { RequestMeta, ServiceContext } from '../context.js';

/** Pilot tracking is for Commission staff and administrators; every refusal is logged. */
export async function authorizeTracking(
  ctx: ServiceContext,
  principal: Principal,
  meta: RequestMeta,
  what: string,
): Promise<void> {
  const decision = canTrackPilots(principal);
  if (decision.allowed) return;
  await recordSecurityEvent(ctx.db, {
    kind: 'access_denied',
    userId: principal.userId,
    ip: meta.ip,
    method: meta.method,
    path: meta.path,
    detail: { action: what, reason: decision.reason },
  });
  throw new DomainError(decision.code, decision.reason);
}
