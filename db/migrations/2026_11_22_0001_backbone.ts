import { type Kysely, sql } from 'kysely';

// Frozen in time: a migration never imports application code, so later refactors cannot change
// what an old migration does.
export async function up(db: Kysely<any>): Promise<void> {
  await sql`create extension if not exists pgcrypto`.execute(db);

  await db.schema
    .createTable('organisations')
    .addColumn('id', 'uuid', (c) => c.primaryKey().defaultTo(sql`gen_random_uuid()`))
    .addColumn('kind', 'text', (c) => c.notNull().check(sql`kind in ('buyer','supplier','commission','operator')`))
    .addColumn('name', 'text', (c) => c.notNull())
    .addColumn('country', 'char(2)', (c) => c.notNull())
    .addColumn('buyer_legal_type', 'text')
    .addColumn('nuts', 'text')
    .addColumn('sme', 'boolean')
    .addColumn('created_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .addCheckConstraint('buyer_has_legal_type', sql`kind <> 'buyer' or buyer_legal_type is not null`)
    .addCheckConstraint('supplier_has_sme_flag', sql`kind <> 'supplier' or sme is not null`)
    .execute();

  await db.schema
    .createTable('users')
    .addColumn('id', 'uuid', (c) => c.primaryKey().defaultTo(sql`gen_random_uuid()`))
    .addColumn('organisation_id', 'uuid', (c) => c.notNull().references('organisations.id'))
    .addColumn('email', 'text', (c) => c.notNull())
    .addColumn('name', 'text', (c) => c.notNull())
    .addColumn('locale', 'text', (c) => c.notNull().defaultTo('en'))
    .addColumn('roles', sql`text[]`, (c) => c.notNull().defaultTo(sql`'{}'::text[]`))
    .addColumn('is_admin', 'boolean', (c) => c.notNull().defaultTo(false))
    .addColumn('email_verified_at', 'timestamptz')
    .addColumn('created_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .execute();
  await sql`create unique index users_email_key on users (lower(email))`.execute(db);
  await db.schema.createIndex('users_organisation_idx').on('users').column('organisation_id').execute();

  await db.schema
    .createTable('sign_in_tokens')
    .addColumn('token_hash', 'text', (c) => c.primaryKey())
    .addColumn('user_id', 'uuid', (c) => c.notNull().references('users.id'))
    .addColumn('purpose', 'text', (c) => c.notNull().defaultTo('sign_in'))
    .addColumn('created_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .addColumn('expires_at', 'timestamptz', (c) => c.notNull())
    .addColumn('used_at', 'timestamptz')
    .execute();

  await db.schema
    .createTable('sessions')
    .addColumn('id_hash', 'text', (c) => c.primaryKey())
    .addColumn('user_id', 'uuid', (c) => c.notNull().references('users.id'))
    .addColumn('created_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .addColumn('expires_at', 'timestamptz', (c) => c.notNull())
    .addColumn('revoked_at', 'timestamptz')
    .execute();

  await db.schema
    .createTable('api_tokens')
    .addColumn('id', 'uuid', (c) => c.primaryKey().defaultTo(sql`gen_random_uuid()`))
    .addColumn('token_hash', 'text', (c) => c.notNull().unique())
    .addColumn('user_id', 'uuid', (c) => c.notNull().references('users.id'))
    .addColumn('name', 'text', (c) => c.notNull())
    .addColumn('created_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .addColumn('expires_at', 'timestamptz')
    .addColumn('last_used_at', 'timestamptz')
    .addColumn('revoked_at', 'timestamptz')
    .execute();

  await db.schema
    .createTable('statements')
    .addColumn('id', 'uuid', (c) => c.primaryKey())
    .addColumn('lead_org_id', 'uuid', (c) => c.notNull().references('organisations.id'))
    .addColumn('created_by', 'uuid', (c) => c.notNull().references('users.id'))
    .addColumn('title', 'text', (c) => c.notNull())
    .addColumn('description', 'text', (c) => c.notNull())
    .addColumn('cpv_codes', sql`text[]`, (c) => c.notNull())
    .addColumn('schedule', 'jsonb', (c) => c.notNull())
    .addColumn('critical_mass', 'jsonb', (c) => c.notNull())
    .addColumn('details_hash', 'text', (c) => c.notNull())
    .addColumn('details_version', 'integer', (c) => c.notNull().defaultTo(1))
    .addColumn('stage', 'text', (c) => c.notNull())
    .addColumn('stage_entered_at', 'timestamptz', (c) => c.notNull())
    .addColumn('stage_deadline', 'timestamptz')
    .addColumn('cancel_reason', 'text')
    .addColumn('created_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .addColumn('updated_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .execute();
  await db.schema.createIndex('statements_lead_idx').on('statements').column('lead_org_id').execute();
  await db.schema.createIndex('statements_stage_idx').on('statements').column('stage').execute();

  await db.schema
    .createTable('participants')
    .addColumn('statement_id', 'uuid', (c) => c.notNull().references('statements.id'))
    .addColumn('organisation_id', 'uuid', (c) => c.notNull().references('organisations.id'))
    .addColumn('status', 'text', (c) => c.notNull())
    .addColumn('invited_at', 'timestamptz', (c) => c.notNull())
    .addColumn('invited_by', 'uuid', (c) => c.references('users.id'))
    .addColumn('responded_at', 'timestamptz')
    .addColumn('status_reason', 'text')
    .addColumn('updated_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .addPrimaryKeyConstraint('participants_pk', ['statement_id', 'organisation_id'])
    .execute();
  await db.schema.createIndex('participants_org_idx').on('participants').column('organisation_id').execute();

  await db.schema
    .createTable('outbox')
    .addColumn('id', 'uuid', (c) => c.primaryKey().defaultTo(sql`gen_random_uuid()`))
    .addColumn('key', 'text', (c) => c.notNull().unique())
    .addColumn('statement_id', 'uuid')
    .addColumn('recipient_user_id', 'uuid')
    .addColumn('to_address', 'text', (c) => c.notNull())
    .addColumn('locale', 'text', (c) => c.notNull())
    .addColumn('subject', 'text', (c) => c.notNull())
    .addColumn('text_body', 'text', (c) => c.notNull())
    .addColumn('headers', 'jsonb', (c) => c.notNull().defaultTo(sql`'{}'::jsonb`))
    // Sign-in links are secrets: their text is blanked once delivered.
    .addColumn('redact_after_send', 'boolean', (c) => c.notNull().defaultTo(false))
    .addColumn('status', 'text', (c) =>
      c
        .notNull()
        .defaultTo('pending')
        .check(sql`status in ('pending','sending','sent','failed')`),
    )
    .addColumn('attempts', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('lease_until', 'timestamptz')
    .addColumn('last_error', 'text')
    .addColumn('smtp_message_id', 'text', (c) => c.notNull())
    .addColumn('created_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .addColumn('sent_at', 'timestamptz')
    .execute();
  await sql`create index outbox_pending_idx on outbox (created_at) where status in ('pending','sending')`.execute(db);
  await sql`create index outbox_statement_pending_idx on outbox (statement_id) where status in ('pending','sending')`.execute(
    db,
  );

  await db.schema
    .createTable('audit_events')
    .addColumn('id', 'bigserial', (c) => c.primaryKey())
    .addColumn('chain', 'text', (c) => c.notNull())
    .addColumn('seq', 'integer', (c) => c.notNull())
    .addColumn('event_key', 'text')
    .addColumn('statement_id', 'uuid')
    .addColumn('actor_user_id', 'uuid')
    .addColumn('actor_org_id', 'uuid')
    .addColumn('action', 'text', (c) => c.notNull())
    .addColumn('data', 'jsonb', (c) => c.notNull())
    .addColumn('at', 'timestamptz', (c) => c.notNull())
    .addColumn('prev_hash', 'text', (c) => c.notNull())
    .addColumn('hash', 'text', (c) => c.notNull())
    .addUniqueConstraint('audit_events_chain_seq_key', ['chain', 'seq'])
    .addUniqueConstraint('audit_events_chain_event_key', ['chain', 'event_key'])
    .execute();
  await db.schema
    .createIndex('audit_events_statement_idx')
    .on('audit_events')
    .columns(['statement_id', 'at'])
    .execute();

  // The head row anchors each chain: removing the newest event would otherwise be undetectable.
  await db.schema
    .createTable('audit_chain_heads')
    .addColumn('chain', 'text', (c) => c.primaryKey())
    .addColumn('seq', 'integer', (c) => c.notNull())
    .addColumn('hash', 'text', (c) => c.notNull())
    .execute();

  // Append-only by construction; tampering then requires disabling the trigger, which the
  // hash chain still detects.
  await sql`
    create function audit_events_append_only() returns trigger language plpgsql as $$
    begin
      raise exception 'audit_events is append-only';
    end $$`.execute(db);
  await sql`
    create trigger audit_events_no_change before update or delete on audit_events
    for each row execute function audit_events_append_only()`.execute(db);

  await db.schema
    .createTable('security_events')
    .addColumn('id', 'bigserial', (c) => c.primaryKey())
    .addColumn('at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .addColumn('kind', 'text', (c) => c.notNull())
    .addColumn('user_id', 'uuid')
    .addColumn('ip', 'text')
    .addColumn('method', 'text')
    .addColumn('path', 'text')
    .addColumn('detail', 'jsonb', (c) => c.notNull().defaultTo(sql`'{}'::jsonb`))
    .execute();
}

export async function down(db: Kysely<any>): Promise<void> {
  for (const table of [
    'security_events',
    'audit_chain_heads',
    'audit_events',
    'outbox',
    'participants',
    'statements',
    'api_tokens',
    'sessions',
    'sign_in_tokens',
    'users',
    'organisations',
  ]) {
    await db.schema.dropTable(table).ifExists().execute();
  }
  await sql`drop function if exists audit_events_append_only()`.execute(db);
}
