import { type Kysely, sql } from 'kysely';

/**
 * Suppliers' subscriptions, the market consultation (Art. 40), the statement text and its
 * approvals, and publication with its signatories.
 */
export async function up(db: Kysely<any>): Promise<void> {
  // Server-wide secrets kept in the database so every API and worker process shares them
  // without configuration (e.g. the key that signs unsubscribe links).
  await db.schema
    .createTable('app_secrets')
    .addColumn('name', 'text', (c) => c.primaryKey())
    .addColumn('secret', 'text', (c) => c.notNull())
    .addColumn('created_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .execute();

  // One subscription per supplier user: CPV prefixes (2 to 8 digits) and countries of interest
  // (empty: every country). Unsubscribing keeps the row with active = false.
  await db.schema
    .createTable('supplier_subscriptions')
    .addColumn('user_id', 'uuid', (c) => c.primaryKey().references('users.id'))
    .addColumn('organisation_id', 'uuid', (c) => c.notNull().references('organisations.id'))
    .addColumn('cpv_prefixes', sql`text[]`, (c) => c.notNull())
    .addColumn('countries', sql`text[]`, (c) => c.notNull().defaultTo(sql`'{}'::text[]`))
    .addColumn('active', 'boolean', (c) => c.notNull().defaultTo(true))
    .addColumn('unsubscribed_at', 'timestamptz')
    .addColumn('updated_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .execute();
  await db.schema
    .createIndex('supplier_subscriptions_org_idx')
    .on('supplier_subscriptions')
    .column('organisation_id')
    .execute();

  // The consultation of one statement: the lead's request-for-information questions.
  await db.schema
    .createTable('consultations')
    .addColumn('statement_id', 'uuid', (c) => c.primaryKey().references('statements.id'))
    .addColumn('questions', 'jsonb', (c) => c.notNull())
    .addColumn('questions_version', 'integer', (c) => c.notNull())
    .addColumn('updated_by', 'uuid', (c) => c.references('users.id'))
    .addColumn('updated_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .execute();

  // A buyer's consent to be named on the public consultation page.
  await db.schema
    .createTable('consultation_name_consents')
    .addColumn('statement_id', 'uuid', (c) => c.notNull().references('statements.id'))
    .addColumn('organisation_id', 'uuid', (c) => c.notNull().references('organisations.id'))
    .addColumn('agreed', 'boolean', (c) => c.notNull())
    .addColumn('decided_by', 'uuid', (c) => c.notNull().references('users.id'))
    .addColumn('decided_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .addPrimaryKeyConstraint('consultation_name_consents_pk', ['statement_id', 'organisation_id'])
    .execute();

  // One response per supplier organisation, editable until the deadline.
  await db.schema
    .createTable('consultation_responses')
    .addColumn('statement_id', 'uuid', (c) => c.notNull().references('statements.id'))
    .addColumn('supplier_org_id', 'uuid', (c) => c.notNull().references('organisations.id'))
    .addColumn('answers', 'jsonb', (c) => c.notNull())
    .addColumn('revision', 'integer', (c) => c.notNull().defaultTo(1))
    .addColumn('updated_by', 'uuid', (c) => c.notNull().references('users.id'))
    .addColumn('created_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .addColumn('updated_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .addPrimaryKeyConstraint('consultation_responses_pk', ['statement_id', 'supplier_org_id'])
    .execute();

  // Suppliers' questions and the lead's answers; published without the asker (Art. 41).
  await db.schema
    .createTable('consultation_questions')
    .addColumn('id', 'uuid', (c) => c.primaryKey().defaultTo(sql`gen_random_uuid()`))
    .addColumn('statement_id', 'uuid', (c) => c.notNull().references('statements.id'))
    .addColumn('number', 'integer', (c) => c.notNull())
    .addColumn('supplier_org_id', 'uuid', (c) => c.notNull().references('organisations.id'))
    .addColumn('asked_by', 'uuid', (c) => c.notNull().references('users.id'))
    .addColumn('question', 'text', (c) => c.notNull())
    .addColumn('asked_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .addColumn('answer', 'text')
    .addColumn('answered_by', 'uuid', (c) => c.references('users.id'))
    .addColumn('answered_at', 'timestamptz')
    .addUniqueConstraint('consultation_questions_number_uq', ['statement_id', 'number'])
    .execute();

  // Every contact with a supplier during the consultation (Art. 40: to be documented).
  await db.schema
    .createTable('supplier_contacts')
    .addColumn('id', 'bigserial', (c) => c.primaryKey())
    .addColumn('statement_id', 'uuid', (c) => c.notNull().references('statements.id'))
    .addColumn('supplier_org_id', 'uuid', (c) => c.references('organisations.id'))
    .addColumn('user_id', 'uuid', (c) => c.references('users.id'))
    .addColumn('kind', 'text', (c) => c.notNull())
    .addColumn('detail', 'jsonb', (c) => c.notNull())
    .addColumn('at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .execute();
  await db.schema
    .createIndex('supplier_contacts_statement_idx')
    .on('supplier_contacts')
    .columns(['statement_id', 'id'])
    .execute();

  await db.schema
    .createTable('market_summaries')
    .addColumn('id', 'uuid', (c) => c.primaryKey())
    .addColumn('statement_id', 'uuid', (c) => c.notNull().references('statements.id'))
    .addColumn('summary', 'jsonb', (c) => c.notNull())
    .addColumn('summary_hash', 'text', (c) => c.notNull())
    .addColumn('computed_at', 'timestamptz', (c) => c.notNull())
    .execute();
  await db.schema
    .createIndex('market_summaries_statement_idx')
    .on('market_summaries')
    .columns(['statement_id', 'computed_at'])
    .execute();

  // The statement text: versions are immutable. A lead's edit is written as a draft under its
  // hash first; the workflow's decision turns it into the next version.
  await db.schema
    .createTable('statement_text_drafts')
    .addColumn('statement_id', 'uuid', (c) => c.notNull().references('statements.id'))
    .addColumn('text_hash', 'text', (c) => c.notNull())
    .addColumn('text', 'text', (c) => c.notNull())
    .addColumn('created_by', 'uuid', (c) => c.notNull().references('users.id'))
    .addColumn('created_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .addPrimaryKeyConstraint('statement_text_drafts_pk', ['statement_id', 'text_hash'])
    .execute();
  await db.schema
    .createTable('statement_texts')
    .addColumn('statement_id', 'uuid', (c) => c.notNull().references('statements.id'))
    .addColumn('version', 'integer', (c) => c.notNull())
    .addColumn('text', 'text', (c) => c.notNull())
    .addColumn('text_hash', 'text', (c) => c.notNull())
    .addColumn('locale', 'text', (c) => c.notNull())
    .addColumn('created_by', 'uuid', (c) => c.references('users.id'))
    .addColumn('created_at', 'timestamptz', (c) => c.notNull())
    .addPrimaryKeyConstraint('statement_texts_pk', ['statement_id', 'version'])
    .execute();
  await db.schema
    .createTable('statement_approvals')
    .addColumn('statement_id', 'uuid', (c) => c.notNull().references('statements.id'))
    .addColumn('text_version', 'integer', (c) => c.notNull())
    .addColumn('organisation_id', 'uuid', (c) => c.notNull().references('organisations.id'))
    .addColumn('decision', 'text', (c) => c.notNull())
    .addColumn('comment', 'text')
    .addColumn('decided_by', 'uuid', (c) => c.notNull().references('users.id'))
    .addColumn('decided_at', 'timestamptz', (c) => c.notNull())
    .addPrimaryKeyConstraint('statement_approvals_pk', ['statement_id', 'text_version', 'organisation_id'])
    .execute();

  // Each publication of a statement is a version (the first, then one per late signatory).
  await db.schema
    .createTable('publications')
    .addColumn('id', 'uuid', (c) => c.primaryKey())
    .addColumn('statement_id', 'uuid', (c) => c.notNull().references('statements.id'))
    .addColumn('version', 'integer', (c) => c.notNull())
    .addColumn('text_version', 'integer', (c) => c.notNull())
    .addColumn('signatory_org_ids', sql`uuid[]`, (c) => c.notNull())
    .addColumn('release', 'jsonb', (c) => c.notNull())
    .addColumn('published_at', 'timestamptz', (c) => c.notNull())
    .addUniqueConstraint('publications_version_uq', ['statement_id', 'version'])
    .execute();
  await db.schema.createIndex('publications_published_idx').on('publications').column('published_at').execute();

  // Who signed the published statement: the approving buyers, then late signatories.
  await db.schema
    .createTable('signatories')
    .addColumn('statement_id', 'uuid', (c) => c.notNull().references('statements.id'))
    .addColumn('organisation_id', 'uuid', (c) => c.notNull().references('organisations.id'))
    .addColumn('since_version', 'integer', (c) => c.notNull())
    .addColumn('late', 'boolean', (c) => c.notNull())
    .addColumn('joined_at', 'timestamptz', (c) => c.notNull())
    .addPrimaryKeyConstraint('signatories_pk', ['statement_id', 'organisation_id'])
    .execute();
  await db.schema
    .createTable('signatory_requests')
    .addColumn('statement_id', 'uuid', (c) => c.notNull().references('statements.id'))
    .addColumn('organisation_id', 'uuid', (c) => c.notNull().references('organisations.id'))
    .addColumn('requested_by', 'uuid', (c) => c.notNull().references('users.id'))
    .addColumn('requested_at', 'timestamptz', (c) => c.notNull())
    .addColumn('status', 'text', (c) => c.notNull())
    .addColumn('decided_at', 'timestamptz')
    .addPrimaryKeyConstraint('signatory_requests_pk', ['statement_id', 'organisation_id'])
    .execute();
}

export async function down(db: Kysely<any>): Promise<void> {
  for (const table of [
    'signatory_requests',
    'signatories',
    'publications',
    'statement_approvals',
    'statement_texts',
    'statement_text_drafts',
    'market_summaries',
    'supplier_contacts',
    'consultation_questions',
    'consultation_responses',
    'consultation_name_consents',
    'consultations',
    'supplier_subscriptions',
    'app_secrets',
  ]) {
    await db.schema.dropTable(table).ifExists().execute();
  }
}
