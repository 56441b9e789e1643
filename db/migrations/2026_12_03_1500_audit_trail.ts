import { type Kysely, sql } from 'kysely';

/**
 * Audit anchoring (issues 13 and 22).
 *
 * - Each event carries an HMAC (`mac`) of (chain, seq, hash) under a key the database does not
 *   hold, so someone with database access alone cannot append an event that verifies; the chain
 *   head is signed by its newest event's MAC. Events written before this migration have none:
 *   `unsigned_upto` records, per chain, how far that legacy prefix goes.
 * - `audit_checkpoints`: verified (seq, hash) points, MAC-signed, so a request verifies only
 *   what was appended since, and a rewrite below one is still caught (its hash is pinned).
 * - `audit_alerts`: breaks the nightly verification found, for the administrators' page.
 * - The application runs as `jointdemand_app`, a role that owns nothing: it may only INSERT
 *   events and checkpoints (no UPDATE, DELETE or TRUNCATE), may move a head forward but not
 *   remove one, and reads and writes every other table as before. Triggers refuse the same
 *   changes to everyone, the owner included, so bypassing them takes a deliberate DDL statement.
 *   Roles belong to the server, not the database, so the role is created only if missing.
 */
export const APP_ROLE = 'jointdemand_app';

export async function up(db: Kysely<any>): Promise<void> {
  await sql`alter table audit_events add column mac text`.execute(db);
  await sql`alter table audit_chain_heads add column unsigned_upto integer not null default 0`.execute(db);
  await sql`update audit_chain_heads set unsigned_upto = seq`.execute(db);

  await db.schema
    .createTable('audit_checkpoints')
    .addColumn('chain', 'text', (c) => c.notNull())
    .addColumn('seq', 'integer', (c) => c.notNull())
    .addColumn('hash', 'text', (c) => c.notNull())
    .addColumn('mac', 'text', (c) => c.notNull())
    .addColumn('created_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .addPrimaryKeyConstraint('audit_checkpoints_pk', ['chain', 'seq'])
    .execute();

  await db.schema
    .createTable('audit_alerts')
    .addColumn('id', 'bigserial', (c) => c.primaryKey())
    .addColumn('raised_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .addColumn('run_id', 'text', (c) => c.notNull())
    .addColumn('chain', 'text', (c) => c.notNull())
    .addColumn('seq', 'integer', (c) => c.notNull())
    .addColumn('issue', 'text', (c) => c.notNull())
    .addUniqueConstraint('audit_alerts_run_chain_key', ['run_id', 'chain'])
    .execute();

  await sql`
    create function audit_refuse_change() returns trigger language plpgsql as $$
    begin
      raise exception '% is append-only', tg_table_name;
    end $$`.execute(db);
  await sql`create trigger audit_events_no_truncate before truncate on audit_events for each statement execute function audit_refuse_change()`.execute(
    db,
  );
  await sql`create trigger audit_checkpoints_no_change before update or delete on audit_checkpoints for each row execute function audit_refuse_change()`.execute(
    db,
  );
  await sql`create trigger audit_checkpoints_no_truncate before truncate on audit_checkpoints for each statement execute function audit_refuse_change()`.execute(
    db,
  );
  await sql`create trigger audit_chain_heads_no_delete before delete on audit_chain_heads for each row execute function audit_refuse_change()`.execute(
    db,
  );
  await sql`create trigger audit_chain_heads_no_truncate before truncate on audit_chain_heads for each statement execute function audit_refuse_change()`.execute(
    db,
  );

  // Checked first: an owner without CREATEROLE (docker-compose's) finds the role made for it.
  await sql`
    do $$
    begin
      if not exists (select from pg_roles where rolname = 'jointdemand_app') then
        create role jointdemand_app login nosuperuser nocreatedb nocreaterole noinherit;
      end if;
    exception when duplicate_object or unique_violation then null;
    end $$`.execute(db);
  await sql`grant connect on database ${sql.id(await currentDatabase(db))} to jointdemand_app`.execute(db);
  await sql`grant usage on schema public to jointdemand_app`.execute(db);
  await sql`grant select, insert, update, delete on all tables in schema public to jointdemand_app`.execute(db);
  await sql`grant usage, select on all sequences in schema public to jointdemand_app`.execute(db);
  // Tables later migrations create (run by this same owner role) are the application's too.
  await sql`alter default privileges in schema public grant select, insert, update, delete on tables to jointdemand_app`.execute(
    db,
  );
  await sql`alter default privileges in schema public grant usage, select on sequences to jointdemand_app`.execute(db);
  await sql`revoke all on kysely_migration, kysely_migration_lock from jointdemand_app`.execute(db);
  await sql`revoke update, delete, truncate on audit_events, audit_checkpoints, audit_chain_heads from jointdemand_app`.execute(
    db,
  );
  // A head moves forward on each append; its legacy boundary is the migration's to set, never
  // the application's (a head it inserted with one could pass off unsigned rows as legacy).
  await sql`revoke insert on audit_chain_heads from jointdemand_app`.execute(db);
  await sql`grant insert (chain, seq, hash), update (seq, hash) on audit_chain_heads to jointdemand_app`.execute(db);
}

async function currentDatabase(db: Kysely<any>): Promise<string> {
  const { rows } = await sql<{ name: string }>`select current_database() as name`.execute(db);
  return rows[0]!.name;
}

export async function down(db: Kysely<any>): Promise<void> {
  await sql`alter default privileges in schema public revoke select, insert, update, delete on tables from jointdemand_app`.execute(
    db,
  );
  await sql`alter default privileges in schema public revoke usage, select on sequences from jointdemand_app`.execute(
    db,
  );
  await sql`revoke all on all tables in schema public from jointdemand_app`.execute(db);
  await sql`revoke all on all sequences in schema public from jointdemand_app`.execute(db);
  await sql`revoke all on schema public from jointdemand_app`.execute(db);
  await sql`drop trigger audit_events_no_truncate on audit_events`.execute(db);
  await sql`drop trigger audit_chain_heads_no_delete on audit_chain_heads`.execute(db);
  await sql`drop trigger audit_chain_heads_no_truncate on audit_chain_heads`.execute(db);
  await db.schema.dropTable('audit_alerts').execute();
  await db.schema.dropTable('audit_checkpoints').execute();
  await sql`drop function audit_refuse_change()`.execute(db);
  await sql`alter table audit_chain_heads drop column unsigned_upto`.execute(db);
  await sql`alter table audit_events drop column mac`.execute(db);
}
