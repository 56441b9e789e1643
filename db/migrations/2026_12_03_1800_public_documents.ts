import { type Kysely, sql } from 'kysely';

/**
 * What the public reads, rendered once when it changes rather than on every request: each
 * published version's page and OCDS package (one row per statement, document and version; a
 * retried publication finds its row), and the lists that change when a statement is published or
 * a consultation opens or closes (one row each, rewritten). The bytes are stored as they are
 * served, with the strong ETag that names them. Statements published before this migration are
 * rendered by their first reader (the rendering is application code, which a frozen migration
 * does not import).
 */
export async function up(db: Kysely<any>): Promise<void> {
  await db.schema
    .createTable('public_documents')
    .addColumn('statement_id', 'uuid', (c) => c.notNull().references('statements.id'))
    .addColumn('document', 'text', (c) => c.notNull().check(sql`document in ('statement', 'ocds')`))
    .addColumn('version', 'integer', (c) => c.notNull())
    .addColumn('body', 'text', (c) => c.notNull())
    .addColumn('etag', 'text', (c) => c.notNull())
    .addColumn('rendered_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .addPrimaryKeyConstraint('public_documents_pk', ['statement_id', 'document', 'version'])
    .execute();

  await db.schema
    .createTable('public_lists')
    .addColumn('list', 'text', (c) => c.primaryKey().check(sql`list in ('statements', 'atom', 'consultations')`))
    .addColumn('body', 'text', (c) => c.notNull())
    .addColumn('etag', 'text', (c) => c.notNull())
    .addColumn('rendered_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .execute();

  // The application renders and rewrites these; it never needs to truncate them.
  const role = await sql<{
    n: number;
  }>`select count(*)::int as n from pg_roles where rolname = 'jointdemand_app'`.execute(db);
  if ((role.rows[0]?.n ?? 0) > 0) {
    await sql`grant select, insert, update, delete on public_documents, public_lists to jointdemand_app`.execute(db);
  }
}

export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.dropTable('public_lists').execute();
  await db.schema.dropTable('public_documents').execute();
}
