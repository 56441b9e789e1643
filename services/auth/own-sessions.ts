import { recordSecurityEvent } from '../../db/audit.js';
import { revokeAllApiTokens } from '../../db/credentials.js';
import { listLiveSessions, revokeAllSessions, revokeSessionById } from '../../db/sessions.js';
import type { Principal } from '../../domain/authorization.js';
import { DomainError } from '../../domain/errors.js';
import type { RequestMeta, ServiceContext } from '../context.js';
import { iso } from '../iso.js';
import { authSettings } from './settings.js';

function requireSession(principal: Principal): void {
  if (principal.via !== 'session')
    throw new DomainError('forbidden', 'Sessions are managed from a signed-in session, not with an API token');
}

/** The caller's live sessions; `current` marks the one asking. */
export async function listOwnSessions(ctx: ServiceContext, principal: Principal, currentSessionId: string | undefined) {
  requireSession(principal);
  const rows = await listLiveSessions(ctx.db, principal.userId, authSettings(ctx).SESSION_IDLE_MINUTES);
  return rows.map((r) => ({
    id: r.id,
    createdAt: iso(r.created_at)!,
    lastSeenAt: iso(r.last_seen_at)!,
    expiresAt: iso(r.expires_at)!,
    ip: r.ip,
    userAgent: r.user_agent,
    current: r.id === currentSessionId,
  }));
}

export async function endOwnSession(ctx: ServiceContext, principal: Principal, sessionId: string): Promise<void> {
  requireSession(principal);
  if (!(await revokeSessionById(ctx.db, principal.userId, sessionId)))
    throw new DomainError('not_found', 'No live session with this id');
}

/**
 * Signs the caller out everywhere: every session (this one too) and, if asked, every API token.
 */
export async function signOutEverywhere(
  ctx: ServiceContext,
  principal: Principal,
  input: { includeTokens: boolean },
  meta: RequestMeta,
) {
  requireSession(principal);
  const { sessions, tokens } = await ctx.db.transaction().execute(async (trx) => ({
    sessions: await revokeAllSessions(trx, principal.userId),
    tokens: input.includeTokens ? await revokeAllApiTokens(trx, principal.userId) : 0,
  }));
  await recordSecurityEvent(ctx.db, {
    kind: 'signed_out_everywhere',
    userId: principal.userId,
    ip: meta.ip,
    detail: { sessions, tokens },
  });
  return { sessionsEnded: sessions, tokensRevoked: tokens };
}
