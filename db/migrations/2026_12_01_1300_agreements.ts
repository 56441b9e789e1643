import { type Kysely, sql } from 'kysely';

/**
 * Joint procurement agreements (Directive 2014/24/EU Art. 38-39): one per published statement.
 * The agreement workflow is the source of truth for its process; these tables hold the
 * documents (terms, rendered HTML and PDF, comments, signatures) and the read model.
 */
export async function up(db: Kysely<any>): Promise<void> {
  await db.schema
    .createTable('agreements')
    .addColumn('statement_id', 'uuid', (c) => c.primaryKey().references('statements.id'))
    .addColumn('lead_org_id', 'uuid', (c) => c.notNull().references('organisations.id'))
    .addColumn('status', 'text', (c) => c.notNull())
    .addColumn('current_version', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('current_version_id', 'uuid')
    .addColumn('signature_deadline', 'timestamptz')
    .addColumn('started_by', 'uuid', (c) => c.notNull().references('users.id'))
    .addColumn('started_at', 'timestamptz', (c) => c.notNull())
    .addColumn('in_force_at', 'timestamptz')
    .addColumn('cancel_reason', 'text')
    .addColumn('updated_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .execute();

  await db.schema
    .createTable('agreement_parties')
    .addColumn('statement_id', 'uuid', (c) => c.notNull().references('agreements.statement_id'))
    .addColumn('organisation_id', 'uuid', (c) => c.notNull().references('organisations.id'))
    .addColumn('status', 'text', (c) => c.notNull())
    .addColumn('status_reason', 'text')
    .addColumn('updated_at', 'timestamptz', (c) => c.notNull())
    .addPrimaryKeyConstraint('agreement_parties_pk', ['statement_id', 'organisation_id'])
    .execute();

  // The lead's latest proposal, checked by the API; the workflow turns it into a version.
  await db.schema
    .createTable('agreement_drafts')
    .addColumn('statement_id', 'uuid', (c) => c.primaryKey().references('agreements.statement_id'))
    .addColumn('content', 'jsonb', (c) => c.notNull())
    .addColumn('content_hash', 'text', (c) => c.notNull())
    .addColumn('updated_by', 'uuid', (c) => c.notNull().references('users.id'))
    .addColumn('updated_at', 'timestamptz', (c) => c.notNull())
    .execute();

  await db.schema
    .createTable('agreement_versions')
    .addColumn('id', 'uuid', (c) => c.primaryKey())
    .addColumn('statement_id', 'uuid', (c) => c.notNull().references('agreements.statement_id'))
    .addColumn('version', 'integer', (c) => c.notNull())
    .addColumn('content', 'jsonb', (c) => c.notNull())
    .addColumn('content_hash', 'text', (c) => c.notNull())
    .addColumn('note', 'text')
    .addColumn('html', 'text', (c) => c.notNull())
    .addColumn('pdf', 'bytea', (c) => c.notNull())
    .addColumn('pdf_hash', 'text', (c) => c.notNull())
    .addColumn('created_by', 'uuid', (c) => c.notNull().references('users.id'))
    .addColumn('created_at', 'timestamptz', (c) => c.notNull())
    .addUniqueConstraint('agreement_versions_statement_version_key', ['statement_id', 'version'])
    .execute();

  await db.schema
    .createTable('agreement_comments')
    .addColumn('id', 'uuid', (c) => c.primaryKey())
    .addColumn('statement_id', 'uuid', (c) => c.notNull().references('agreements.statement_id'))
    .addColumn('version_id', 'uuid', (c) => c.notNull().references('agreement_versions.id'))
    .addColumn('organisation_id', 'uuid', (c) => c.notNull().references('organisations.id'))
    .addColumn('user_id', 'uuid', (c) => c.notNull().references('users.id'))
    .addColumn('clause', 'text')
    .addColumn('text', 'text', (c) => c.notNull())
    .addColumn('created_at', 'timestamptz', (c) => c.notNull())
    .execute();
  await db.schema
    .createIndex('agreement_comments_version_idx')
    .on('agreement_comments')
    .columns(['version_id', 'created_at'])
    .execute();

  // A signature binds a user of a party to one version by its hash; an amendment clears it.
  await db.schema
    .createTable('agreement_signatures')
    .addColumn('version_id', 'uuid', (c) => c.notNull().references('agreement_versions.id'))
    .addColumn('organisation_id', 'uuid', (c) => c.notNull().references('organisations.id'))
    .addColumn('statement_id', 'uuid', (c) => c.notNull().references('agreements.statement_id'))
    .addColumn('user_id', 'uuid', (c) => c.notNull().references('users.id'))
    .addColumn('version_hash', 'text', (c) => c.notNull())
    .addColumn('signed_at', 'timestamptz', (c) => c.notNull())
    .addColumn('cleared_at', 'timestamptz')
    .addColumn('cleared_reason', 'text')
    .addPrimaryKeyConstraint('agreement_signatures_pk', ['version_id', 'organisation_id'])
    .execute();
}

export async function down(db: Kysely<any>): Promise<void> {
  for (const t of [
    'agreement_signatures',
    'agreement_comments',
    'agreement_versions',
    'agreement_drafts',
    'agreement_parties',
    'agreements',
  ]) {
    await db.schema.dropTable(t).ifExists().execute();
  }
}
