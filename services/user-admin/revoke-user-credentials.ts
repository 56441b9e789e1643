import { appendPlatformAudit } from '../../db/audit.js';
import { revokeAllApiTokens, revokeSignInTokens } from '../../db/credentials.js';
import { revokeAllSessions } from '../../db/sessions.js';
import type { Principal } from '../../domain/authorization.js';
import type { RequestMeta, ServiceContext } from '../context.js';
import { lockTargetUser, requireAdministrator } from './require-admin.js';

/** An administrator ends a user's sessions and/or revokes its API tokens (say, a lost laptop). Audited. */
export async function revokeUserCredentials(
  ctx: ServiceContext,
  principal: Principal,
  userId: string,
  input: { sessions: boolean; tokens: boolean },
  meta: RequestMeta,
) {
  requireAdministrator(principal);
  return ctx.db.transaction().execute(async (trx) => {
    await lockTargetUser(trx, principal, userId);
    const sessionsEnded = input.sessions ? await revokeAllSessions(trx, userId) : 0;
    if (input.sessions) await revokeSignInTokens(trx, userId);
    const tokensRevoked = input.tokens ? await revokeAllApiTokens(trx, userId) : 0;
    await appendPlatformAudit(trx, principal, 'user_credentials_revoked', {
      userId,
      sessions: input.sessions,
      tokens: input.tokens,
      sessionsEnded,
      tokensRevoked,
      ip: meta.ip ?? null,
    });
    return { sessionsEnded, tokensRevoked };
  });
}
