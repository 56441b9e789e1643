import { type Kysely, sql } from 'kysely';

// Frozen in time: a migration never imports application code.
export async function up(db: Kysely<any>): Promise<void> {
  // The programme grouping a statement belongs to, as Commission staff track the pilots: a
  // community of practice or a working group, by name, and its sector (a CPV division).
  await db.schema
    .createTable('pilot_groupings')
    .addColumn('statement_id', 'uuid', (c) => c.primaryKey().references('statements.id'))
    .addColumn('kind', 'text', (c) => c.notNull().check(sql`kind in ('community_of_practice','working_group')`))
    .addColumn('name', 'text', (c) => c.notNull())
    .addColumn('sector', 'char(2)', (c) => c.check(sql`sector ~ '^[0-9]{2}$'`))
    .addColumn('updated_by', 'uuid', (c) => c.notNull().references('users.id'))
    .addColumn('updated_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .execute();
  await db.schema.createIndex('pilot_groupings_name_idx').on('pilot_groupings').column('name').execute();

  // Timelines and the weekly digest read stage changes only, by statement and by week.
  await sql`create index audit_events_stage_changes_idx on audit_events (statement_id, at) where action = 'stage_changed'`.execute(
    db,
  );
  await sql`create index audit_events_stage_changes_at_idx on audit_events (at) where action = 'stage_changed'`.execute(
    db,
  );
  // Suppliers engaged: distinct supplier organisations acting on a statement (few suppliers, many events).
  await sql`create index audit_events_actor_org_idx on audit_events (actor_org_id, statement_id) where actor_org_id is not null`.execute(
    db,
  );
  // The dashboard's page order and the overdue check.
  await sql`create index statements_created_idx on statements (created_at desc, id)`.execute(db);
  await sql`create index statements_deadline_idx on statements (stage_deadline) where stage_deadline is not null`.execute(
    db,
  );
  // Buyers taking part, per statement, without visiting the heap for the status.
  await sql`create index participants_statement_status_idx on participants (statement_id, status) include (organisation_id)`.execute(
    db,
  );
}

export async function down(db: Kysely<any>): Promise<void> {
  for (const index of [
    'participants_statement_status_idx',
    'statements_deadline_idx',
    'statements_created_idx',
    'audit_events_actor_org_idx',
    'audit_events_stage_changes_at_idx',
    'audit_events_stage_changes_idx',
  ]) {
    await sql`drop index if exists ${sql.raw(index)}`.execute(db);
  }
  await db.schema.dropTable('pilot_groupings').ifExists().execute();
}
