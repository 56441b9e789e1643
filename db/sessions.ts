import { sql } from 'kysely';

import {
  authDb,
  type AuthenticatedUser,
  authenticatedUserOf,
  secretHash,
  userAndOrganisationColumns,
} from './credentials.js';
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
 * within the idle timeout. Using it moves its last use on (written at most once a minute). One
 * statement: the session, its use and its user with the organisation.
 */
export async function userForSession(
  db: DbOrTx,
  sessionId: string,
  idleMinutes: number,
): Promise<(AuthenticatedUser & { sessionPublicId: string }) | undefined> {
  const row = await authDb(db)
    .with('live', (q) =>
      q
        .selectFrom('sessions')
        .select(['id', 'user_id'])
        .where('id_hash', '=', secretHash(sessionId))
        .where('revoked_at', 'is', null)
        .where('expires_at', '>', sql<Date>`now()`)
        .where('last_seen_at', '>', sql<Date>`now() - make_interval(secs => ${idleMinutes * 60})`),
    )
    .with('seen', (q) =>
      q
        .updateTable('sessions')
        .set({ last_seen_at: sql<Date>`now()` })
        .where('id', '=', (eb) => eb.selectFrom('live').select('id'))
        .where('last_seen_at', '<', sql<Date>`now() - interval '1 minute'`),
    )
    .selectFrom('live')
    .innerJoin('users', 'users.id', 'live.user_id')
    .innerJoin('organisations', 'organisations.id', 'users.organisation_id')
    .select([...userAndOrganisationColumns, 'live.id as session_id'])
    .where('users.disabled_at', 'is', null)
    .where('users.removed_at', 'is', null)
    .executeTakeFirst();
  if (!row) return undefined;
  const { session_id, ...user } = row;
  return { ...authenticatedUserOf(user), sessionPublicId: session_id };
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
