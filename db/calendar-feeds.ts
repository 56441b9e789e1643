import { sql } from 'kysely';

import { activeUserWithOrganisation, type AuthenticatedUser, newSecret, secretHash } from './credentials.js';
import type { DbOrTx } from './database.js';

/**
 * Personal calendar feeds: one per user, reached by the secret in its URL. Only the secret's
 * SHA-256 is stored (as for API tokens); a new secret replaces the old one, whose URL stops
 * working at once.
 */
export async function rotateCalendarFeed(db: DbOrTx, userId: string): Promise<{ token: string; createdAt: Date }> {
  const token = newSecret('cal_');
  const row = await db
    .insertInto('calendar_feeds')
    .values({ user_id: userId, token_hash: secretHash(token) })
    .onConflict((oc) =>
      oc
        .column('user_id')
        .doUpdateSet({ token_hash: secretHash(token), created_at: sql<Date>`now()`, last_used_at: null }),
    )
    .returning('created_at')
    .executeTakeFirstOrThrow();
  return { token, createdAt: row.created_at };
}

export async function deleteCalendarFeed(db: DbOrTx, userId: string): Promise<boolean> {
  const result = await db.deleteFrom('calendar_feeds').where('user_id', '=', userId).executeTakeFirst();
  return Number(result.numDeletedRows) > 0;
}

export async function findCalendarFeed(db: DbOrTx, userId: string) {
  return db
    .selectFrom('calendar_feeds')
    .select(['created_at', 'last_used_at'])
    .where('user_id', '=', userId)
    .executeTakeFirst();
}

/** The user a feed secret belongs to (unless disabled or removed), or undefined; notes when it was last read. */
export async function userForCalendarToken(db: DbOrTx, token: string): Promise<AuthenticatedUser | undefined> {
  const row = await db
    .updateTable('calendar_feeds')
    .set({ last_used_at: sql<Date>`now()` })
    .where('token_hash', '=', secretHash(token))
    .returning('user_id')
    .executeTakeFirst();
  return row ? activeUserWithOrganisation(db, row.user_id) : undefined;
}
