import { type Kysely, sql } from 'kysely';

export async function up(db: Kysely<any>): Promise<void> {
  // One row per survey version: a correction after the needs assessment opened adds a version,
  // and every submitted answer keeps the version it answered.
  await db.schema
    .createTable('surveys')
    .addColumn('statement_id', 'uuid', (c) => c.notNull().references('statements.id'))
    .addColumn('version', 'integer', (c) => c.notNull())
    .addColumn('questions', 'jsonb', (c) => c.notNull())
    .addColumn('survey_hash', 'text', (c) => c.notNull())
    .addColumn('created_by', 'uuid', (c) => c.references('users.id'))
    .addColumn('created_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .addPrimaryKeyConstraint('surveys_pk', ['statement_id', 'version'])
    .execute();

  // A participant's working copy, saved freely while the stage is open; never aggregated.
  await db.schema
    .createTable('need_drafts')
    .addColumn('statement_id', 'uuid', (c) => c.notNull().references('statements.id'))
    .addColumn('organisation_id', 'uuid', (c) => c.notNull().references('organisations.id'))
    .addColumn('lines', 'jsonb', (c) => c.notNull())
    .addColumn('answers', 'jsonb', (c) => c.notNull())
    .addColumn('updated_by', 'uuid', (c) => c.notNull().references('users.id'))
    .addColumn('updated_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .addPrimaryKeyConstraint('need_drafts_pk', ['statement_id', 'organisation_id'])
    .execute();

  // Submitted versions are immutable; only their status moves (superseded, confirmed, withdrawn).
  await db.schema
    .createTable('need_versions')
    .addColumn('id', 'uuid', (c) => c.primaryKey())
    .addColumn('statement_id', 'uuid', (c) => c.notNull().references('statements.id'))
    .addColumn('organisation_id', 'uuid', (c) => c.notNull().references('organisations.id'))
    .addColumn('version', 'integer', (c) => c.notNull())
    .addColumn('survey_version', 'integer', (c) => c.notNull())
    .addColumn('lines', 'jsonb', (c) => c.notNull())
    .addColumn('answers', 'jsonb', (c) => c.notNull())
    .addColumn('content_hash', 'text', (c) => c.notNull())
    .addColumn('status', 'text', (c) =>
      c.notNull().check(sql`status in ('submitted','superseded','confirmed','withdrawn')`),
    )
    .addColumn('submitted_by', 'uuid', (c) => c.notNull().references('users.id'))
    .addColumn('submitted_at', 'timestamptz', (c) => c.notNull())
    .addColumn('confirmed_by', 'uuid', (c) => c.references('users.id'))
    .addColumn('confirmed_at', 'timestamptz')
    .addUniqueConstraint('need_versions_org_version_key', ['statement_id', 'organisation_id', 'version'])
    .execute();
  await db.schema
    .createIndex('need_versions_statement_status_idx')
    .on('need_versions')
    .columns(['statement_id', 'status'])
    .execute();

  // The lines of each version in columns, for aggregation in SQL with exact NUMERIC arithmetic.
  await db.schema
    .createTable('need_lines')
    .addColumn('version_id', 'uuid', (c) => c.notNull().references('need_versions.id'))
    .addColumn('line_no', 'integer', (c) => c.notNull())
    .addColumn('statement_id', 'uuid', (c) => c.notNull())
    .addColumn('organisation_id', 'uuid', (c) => c.notNull())
    .addColumn('cpv_code', 'char(8)', (c) => c.notNull())
    .addColumn('quantity', sql`numeric(21,6)`, (c) => c.notNull())
    .addColumn('unit', 'text', (c) => c.notNull())
    .addColumn('unit_price', sql`numeric(21,6)`, (c) => c.notNull())
    .addColumn('currency', 'char(3)', (c) => c.notNull())
    .addColumn('from_year', 'integer', (c) => c.notNull())
    .addColumn('to_year', 'integer', (c) => c.notNull())
    .addColumn('framework_months', 'integer')
    .addColumn('optional_quantity', sql`numeric(21,6)`, (c) => c.notNull())
    .addColumn('renewal_count', 'integer', (c) => c.notNull())
    .addColumn('renewal_quantity', sql`numeric(21,6)`, (c) => c.notNull())
    .addPrimaryKeyConstraint('need_lines_pk', ['version_id', 'line_no'])
    .execute();
  await db.schema.createIndex('need_lines_statement_idx').on('need_lines').column('statement_id').execute();
}

export async function down(db: Kysely<any>): Promise<void> {
  for (const table of ['need_lines', 'need_versions', 'need_drafts', 'surveys']) {
    await db.schema.dropTable(table).ifExists().execute();
  }
}
