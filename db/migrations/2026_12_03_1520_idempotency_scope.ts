import { type Kysely, sql } from 'kysely';

/**
 * Idempotency keys scoped to the caller: one row per (organisation, route, key) with the hash of
 * the request it first carried, so another organisation's key is its own and a key reused with a
 * different request is refused (422). And free texts (reasons, justifications) kept in PostgreSQL:
 * workflow histories carry only their id and hash.
 */
export async function up(db: Kysely<any>): Promise<void> {
  await db.schema
    .createTable('idempotency_keys')
    .addColumn('organisation_id', 'uuid', (c) => c.notNull())
    .addColumn('route', 'text', (c) => c.notNull())
    .addColumn('key', 'text', (c) => c.notNull())
    .addColumn('request_hash', 'text', (c) => c.notNull())
    .addColumn('created_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .addPrimaryKeyConstraint('idempotency_keys_pk', ['organisation_id', 'route', 'key'])
    .execute();

  await db.schema
    .createTable('free_texts')
    .addColumn('id', 'uuid', (c) => c.primaryKey())
    .addColumn('statement_id', 'uuid', (c) => c.notNull())
    .addColumn('organisation_id', 'uuid', (c) => c.notNull())
    .addColumn('purpose', 'text', (c) => c.notNull())
    .addColumn('text', 'text', (c) => c.notNull())
    .addColumn('text_hash', 'text', (c) => c.notNull())
    .addColumn('created_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .execute();
  await db.schema.createIndex('free_texts_statement').on('free_texts').column('statement_id').execute();
}

export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.dropTable('free_texts').execute();
  await db.schema.dropTable('idempotency_keys').execute();
}
