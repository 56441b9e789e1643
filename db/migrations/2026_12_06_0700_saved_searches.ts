import { type Kysely, sql } from 'kysely';

/**
 * Saved searches (issue 19). Frozen: a change is a new migration.
 *
 * `saved_searches`: a supplier user's searches over what is public (published statements, open
 * consultations): words, CPV prefixes (a prefix matches every code below it), buyers' countries
 * and kinds, each with its own e-mail setting. Each has an Atom feed reached by a secret in its
 * address of which only the SHA-256 is stored, as for the calendar feed: rotating it replaces the
 * hash (the old address answers 404 at once), deleting the search revokes it. The e-mails go
 * through the outbox under a key per (search, document, version), so nothing here records them.
 */
export async function up(db: Kysely<any>): Promise<void> {
  await db.schema
    .createTable('saved_searches')
    .addColumn('id', 'uuid', (c) => c.primaryKey().defaultTo(sql`gen_random_uuid()`))
    .addColumn('user_id', 'uuid', (c) => c.notNull().references('users.id').onDelete('cascade'))
    .addColumn('organisation_id', 'uuid', (c) => c.notNull().references('organisations.id').onDelete('cascade'))
    .addColumn('name', 'text', (c) => c.notNull())
    .addColumn('words', 'text', (c) => c.notNull().defaultTo(''))
    .addColumn('cpv_prefixes', sql`text[]`, (c) => c.notNull().defaultTo(sql`'{}'`))
    .addColumn('countries', sql`text[]`, (c) => c.notNull().defaultTo(sql`'{}'`))
    .addColumn('kinds', sql`text[]`, (c) =>
      c.notNull().check(sql`cardinality(kinds) > 0 and kinds <@ array['statement', 'consultation']::text[]`),
    )
    .addColumn('email', 'boolean', (c) => c.notNull().defaultTo(true))
    .addColumn('feed_token_hash', 'text', (c) => c.notNull().unique())
    .addColumn('feed_rotated_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .addColumn('feed_last_used_at', 'timestamptz')
    .addColumn('created_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .addColumn('updated_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .execute();
  await db.schema
    .createIndex('saved_searches_by_user')
    .on('saved_searches')
    .columns(['user_id', 'created_at'])
    .execute();
  // The fan-out reads only the searches that e-mail, in id order (a keyset).
  await sql`create index saved_searches_emailing on saved_searches (id) where email`.execute(db);
}

export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.dropTable('saved_searches').ifExists().execute();
}
