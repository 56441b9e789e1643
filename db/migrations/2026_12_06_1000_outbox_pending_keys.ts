import { type Kysely, sql } from 'kysely';

/**
 * Unsent outbox messages by key (issue 23 point 3), for a delivery scoped by a key prefix (a
 * supplier fan-out, `deliverQueuedNotices`). Frozen: a change is a new migration.
 *
 * `key like 'prefix%'` cannot use the key's unique index under the database's collation, so such
 * a claim read `outbox_pending_idx` in age order through every other pending message (10,200 rows
 * read for 200 claimed in test/outbox-claims.test.ts), or the whole table. `text_pattern_ops`
 * makes the prefix a range of this index, which holds only unsent messages.
 */
export async function up(db: Kysely<any>): Promise<void> {
  await sql`create index outbox_pending_key_idx on outbox (key text_pattern_ops) where status in ('pending','sending')`.execute(
    db,
  );
}

export async function down(db: Kysely<any>): Promise<void> {
  await sql`drop index outbox_pending_key_idx`.execute(db);
}
