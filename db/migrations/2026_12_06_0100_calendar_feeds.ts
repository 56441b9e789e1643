import { type Kysely, sql } from 'kysely';

/**
 * Calendars of deadlines (issue 18). `calendar_feeds`: one personal feed per user, reached by a
 * secret in its URL (`/calendar/<token>.ics`) of which only the SHA-256 is stored, as for API
 * tokens; rotating it replaces the hash, so the old URL answers 404 at once. `outbox.calendar`:
 * an iCalendar document sent with the message as a `text/calendar; method=PUBLISH` attachment
 * (the invitation's deadlines), written with the message in the event's transaction.
 */
export async function up(db: Kysely<any>): Promise<void> {
  await db.schema
    .createTable('calendar_feeds')
    .addColumn('user_id', 'uuid', (c) => c.primaryKey().references('users.id').onDelete('cascade'))
    .addColumn('token_hash', 'text', (c) => c.notNull().unique())
    .addColumn('created_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .addColumn('last_used_at', 'timestamptz')
    .execute();
  await db.schema.alterTable('outbox').addColumn('calendar', 'text').execute();
}

export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.alterTable('outbox').dropColumn('calendar').execute();
  await db.schema.dropTable('calendar_feeds').ifExists().execute();
}
