import { appendPlatformAudit } from '../../db/audit.js';
import { findUserAccess, revokeAllApiTokens, revokeSignInTokens, setUserDisabled } from '../../db/credentials.js';
import { revokeAllSessions } from '../../db/sessions.js';
import type { Principal } from '../../domain/authorization.js';
import type { RequestMeta, ServiceContext } from '../context.js';
import { lockTargetUser, requireAdministrator, userAccessView } from './require-admin.js';

/**
 * An administrator disables a user (or enables it again). Disabling ends every session, revokes
 * every API token and sign-in link at once; enabling gives none of them back. Audited.
 */
export async function setUserEnabled(
  ctx: ServiceContext,
  principal: Principal,
  userId: string,
  enabled: boolean,
  meta: RequestMeta,
) {
  requireAdministrator(principal);
  return ctx.db.transaction().execute(async (trx) => {
    await lockTargetUser(trx, principal, userId);
    await setUserDisabled(trx, userId, !enabled);
    const revoked = enabled
      ? { sessions: 0, tokens: 0 }
      : { sessions: await revokeAllSessions(trx, userId), tokens: await revokeAllApiTokens(trx, userId) };
    if (!enabled) await revokeSignInTokens(trx, userId);
    await appendPlatformAudit(trx, principal, enabled ? 'user_enabled' : 'user_disabled', {
      userId,
      sessionsEnded: revoked.sessions,
      tokensRevoked: revoked.tokens,
      ip: meta.ip ?? null,
    });
    return userAccessView((await findUserAccess(trx, userId))!);
  });
}
