import { sql } from 'kysely';

import { activeUserWithOrganisation, authDb, type AuthenticatedUser, secretHash } from './credentials.js';
import type { DbOrTx } from './database.js';

export async function insertSession(
  db: DbOrTx,
  s: {
    userId: string;
    sessionId: string;
    expiresAt: Date;
    ip?: string | null | undefined;
    userAgent?: string | null | undefined;
  },
): Promise<void> {
  await authDb(db)
    .insertInto('sessions')
    .values({
      id_hash: secretHash(s.sessionId),
      user_id: s.userId,
      expires_at: s.expiresAt,
      ip: s.ip ?? null,
      user_agent: s.userAgent?.slice(0, 300) ?? null,
    })
    .execute();
}

export async function revokeSession(db: DbOrTx, sessionId: string): Promise<void> {
  await db
    .updateTable('sessions')
    .set({ revoked_at: sql<Date>`now()` })
    .where('id_hash', '=', secretHash(sessionId))
    .where('revoked_at', 'is', null)
    .execute();
}

/**
 * The session's user, if the session is live: not revoked, within its absolute lifetime, and used
 * within the idle timeout. Using it moves its last use on (written at most once a minute).
 */
export async function userForSession(
  db: DbOrTx,
  sessionId: string,
  idleMinutes: number,
): Promise<(AuthenticatedUser & { sessionPublicId: string }) | undefined> {
  const a = authDb(db);
  const session = await a
    .selectFrom('sessions')
    .select(['id', 'user_id', sql<boolean>`last_seen_at < now() - interval '1 minute'`.as('stale')])
    .where('id_hash', '=', secretHash(sessionId))
    .where('revoked_at', 'is', null)
    .where('expires_at', '>', sql<Date>`now()`)
    .where('last_seen_at', '>', sql<Date>`now() - make_interval(secs => ${idleMinutes * 60})`)
    .executeTakeFirst();
  if (!session) return undefined;
  if (session.stale)
    await a
      .updateTable('sessions')
      .set({ last_seen_at: sql<Date>`now()` })
      .where('id', '=', session.id)
      .execute();
  const auth = await activeUserWithOrganisation(db, session.user_id);
  return auth ? { ...auth, sessionPublicId: session.id } : undefined;
}

export interface SessionRow {
  id: string;
  created_at: Date;
  last_seen_at: Date;
  expires_at: Date;
  ip: string | null;
  user_agent: string | null;
}

/** The user's live sessions, the most recently used first. */
export async function listLiveSessions(db: DbOrTx, userId: string, idleMinutes: number): Promise<SessionRow[]> {
  return authDb(db)
    .selectFrom('sessions')
    .select(['id', 'created_at', 'last_seen_at', 'expires_at', 'ip', 'user_agent'])
    .where('user_id', '=', userId)
    .where('revoked_at', 'is', null)
    .where('expires_at', '>', sql<Date>`now()`)
    .where('last_seen_at', '>', sql<Date>`now() - make_interval(secs => ${idleMinutes * 60})`)
    .orderBy('last_seen_at', 'desc')
    .execute();
}

/** Ends one session of the user by its public id. */
export async function revokeSessionById(db: DbOrTx, userId: string, publicId: string): Promise<boolean> {
  const result = await authDb(db)
    .updateTable('sessions')
    .set({ revoked_at: sql<Date>`now()` })
    .where('id', '=', publicId)
    .where('user_id', '=', userId)
    .where('revoked_at', 'is', null)
    .executeTakeFirst();
  return Number(result.numUpdatedRows) > 0;
}

/** Ends every session of the user (but `exceptPublicId`); returns how many. */
export async function revokeAllSessions(db: DbOrTx, userId: string, exceptPublicId?: string): Promise<number> {
  let q = authDb(db)
    .updateTable('sessions')
    .set({ revoked_at: sql<Date>`now()` })
    .where('user_id', '=', userId)
    .where('revoked_at', 'is', null);
  if (exceptPublicId) q = q.where('id', '<>', exceptPublicId);
  const result = await q.executeTakeFirst();
  return Number(result.numUpdatedRows);
}
