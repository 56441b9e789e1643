import { appendPlatformAudit } from '../../db/audit.js';
import { findUserAccess, markUserRemoved, revokeAllApiTokens, revokeSignInTokens } from '../../db/credentials.js';
import { revokeAllSessions } from '../../db/sessions.js';
import type { Principal } from '../../domain/authorization.js';
import { DomainError } from '../../domain/errors.js';
import type { RequestMeta, ServiceContext } from '../context.js';
import { lockTargetUser, requireAdministrator, userAccessView } from './require-admin.js';

/**
 * An administrator removes a user from its organisation: the user keeps its place in the history
 * (audit actors, authors) but loses its roles and every credential, and can no longer sign in.
 * Audited.
 */
export async function removeMembership(
  ctx: ServiceContext,
  principal: Principal,
  organisationId: string,
  userId: string,
  meta: RequestMeta,
) {
  requireAdministrator(principal);
  return ctx.db.transaction().execute(async (trx) => {
    const user = await lockTargetUser(trx, principal, userId);
    if (user.organisation_id !== organisationId || user.removed_at)
      throw new DomainError('not_found', 'This user is not a member of this organisation');
    await markUserRemoved(trx, userId);
    const sessions = await revokeAllSessions(trx, userId);
    const tokens = await revokeAllApiTokens(trx, userId);
    await revokeSignInTokens(trx, userId);
    await appendPlatformAudit(trx, principal, 'membership_removed', {
      userId,
      organisationId,
      roles: user.roles,
      wasAdmin: user.is_admin,
      sessionsEnded: sessions,
      tokensRevoked: tokens,
      ip: meta.ip ?? null,
    });
    return userAccessView((await findUserAccess(trx, userId))!);
  });
}
