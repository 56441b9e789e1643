import { type Kysely, sql } from 'kysely';

/**
 * Issue 13 (sessions, sign-in links, tokens, rate limits). Frozen once merged: change the schema
 * with a new migration.
 *
 * - sign-in links: bound to the browser that asked (`browser_hash`), revocable (one live link per
 *   address), and, opened in another browser, confirmed there (`confirm_hash`).
 * - sessions: a public id to list and end one, when it was last used (idle timeout), where from.
 * - API tokens: scopes; every token expires (old ones within 365 days of this migration).
 * - users: disabled by an administrator, or removed from their organisation.
 * - supplier registrations: pending until the e-mailed link is followed, so registering squats no
 *   address.
 * - rate_limits: the counters of rate-limiter-flexible's PostgreSQL store, shared by every process.
 */
export async function up(db: Kysely<any>): Promise<void> {
  await db.schema
    .alterTable('sign_in_tokens')
    .addColumn('browser_hash', 'text')
    .addColumn('confirm_hash', 'text')
    .addColumn('revoked_at', 'timestamptz')
    .execute();
  await sql`create index sign_in_tokens_live on sign_in_tokens (user_id) where used_at is null and revoked_at is null`.execute(
    db,
  );

  await db.schema
    .alterTable('sessions')
    .addColumn('id', 'uuid', (c) =>
      c
        .notNull()
        .unique()
        .defaultTo(sql`gen_random_uuid()`),
    )
    .addColumn('last_seen_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .addColumn('ip', 'text')
    .addColumn('user_agent', 'text')
    .execute();
  await sql`create index sessions_user on sessions (user_id) where revoked_at is null`.execute(db);

  await db.schema
    .alterTable('api_tokens')
    .addColumn('scopes', sql`text[]`, (c) => c.notNull().defaultTo(sql`'{read,write,admin}'::text[]`))
    .execute();
  await sql`update api_tokens set expires_at = now() + interval '365 days' where expires_at is null and revoked_at is null`.execute(
    db,
  );

  await db.schema
    .alterTable('users')
    .addColumn('disabled_at', 'timestamptz')
    .addColumn('removed_at', 'timestamptz')
    .execute();

  await db.schema
    .createTable('supplier_registrations')
    .addColumn('token_hash', 'text', (c) => c.primaryKey())
    .addColumn('email', 'text', (c) => c.notNull())
    .addColumn('payload', 'jsonb', (c) => c.notNull())
    .addColumn('browser_hash', 'text')
    .addColumn('confirm_hash', 'text')
    .addColumn('created_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .addColumn('expires_at', 'timestamptz', (c) => c.notNull())
    .addColumn('used_at', 'timestamptz')
    .addColumn('revoked_at', 'timestamptz')
    .execute();
  await sql`create index supplier_registrations_email on supplier_registrations (lower(email)) where used_at is null and revoked_at is null`.execute(
    db,
  );

  await db.schema
    .createTable('rate_limits')
    .addColumn('key', 'varchar(255)', (c) => c.primaryKey())
    .addColumn('points', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('expire', 'bigint')
    .execute();
}

export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.dropTable('rate_limits').ifExists().execute();
  await db.schema.dropTable('supplier_registrations').ifExists().execute();
  await db.schema.alterTable('users').dropColumn('disabled_at').dropColumn('removed_at').execute();
  await db.schema.alterTable('api_tokens').dropColumn('scopes').execute();
  await db.schema
    .alterTable('sessions')
    .dropColumn('id')
    .dropColumn('last_seen_at')
    .dropColumn('ip')
    .dropColumn('user_agent')
    .execute();
  await db.schema
    .alterTable('sign_in_tokens')
    .dropColumn('browser_hash')
    .dropColumn('confirm_hash')
    .dropColumn('revoked_at')
    .execute();
}
