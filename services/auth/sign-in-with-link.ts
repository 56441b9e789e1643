import { recordSecurityEvent } from '../../db/audit.js';
import { consumeSignInToken, insertSession, newSecret } from '../../db/credentials.js';
import { markEmailVerified } from '../../db/organisations.js';
import { DomainError } from '../../domain/errors.js';
import type { RequestMeta, ServiceContext } from '../context.js';

/** Exchanges a sign-in token (once) for a session. Following the link also proves the address. */
export async function signInWithLink(
  ctx: ServiceContext,
  token: string,
  meta: RequestMeta,
): Promise<{ sessionId: string; expiresAt: Date; userId: string }> {
  const result = await ctx.db.transaction().execute(async (trx) => {
    const userId = await consumeSignInToken(trx, token);
    if (!userId) return undefined;
    const sessionId = newSecret();
    const expiresAt = new Date(Date.now() + ctx.config.SESSION_TTL_HOURS * 3_600_000);
    await insertSession(trx, userId, sessionId, expiresAt);
    await markEmailVerified(trx, userId);
    return { sessionId, expiresAt, userId };
  });
  if (!result) {
    await recordSecurityEvent(ctx.db, { kind: 'sign_in_failed', ip: meta.ip, method: meta.method, path: meta.path });
    throw new DomainError('unauthenticated', 'This sign-in link is not valid: it was used already, has expired, or was mistyped');
  }
  await recordSecurityEvent(ctx.db, { kind: 'sign_in', userId: result.userId, ip: meta.ip });
  return result;
}
