import { type Kysely, sql } from 'kysely';

/**
 * The last state of a statement's process once its workflow has closed (cancelled, abandoned,
 * published and done), one row per query the API asks (`liveState`, `marketState`). Asking a
 * closed workflow replays its whole history on a worker at every read, and Temporal deletes
 * closed histories after the namespace's retention; the state no longer changes, so it is kept here.
 */
export async function up(db: Kysely<any>): Promise<void> {
  await db.schema
    .createTable('ended_process_states')
    .addColumn('statement_id', 'uuid', (c) => c.notNull().references('statements.id'))
    .addColumn('query', 'text', (c) => c.notNull())
    .addColumn('run_id', 'text', (c) => c.notNull())
    .addColumn('state', 'jsonb', (c) => c.notNull())
    .addColumn('kept_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .addPrimaryKeyConstraint('ended_process_states_pk', ['statement_id', 'query'])
    .execute();

  // Kept once and read; never changed or removed by the application.
  const role = await sql<{
    n: number;
  }>`select count(*)::int as n from pg_roles where rolname = 'jointdemand_app'`.execute(db);
  if ((role.rows[0]?.n ?? 0) > 0) {
    await sql`grant select, insert on ended_process_states to jointdemand_app`.execute(db);
  }
}

export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.dropTable('ended_process_states').execute();
}
