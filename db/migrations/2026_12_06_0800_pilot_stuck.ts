import { type Kysely, sql } from 'kysely';

/**
 * Stuck pilots (issue 19): what the dashboard's read model needs to tell a pilot whose aggregation
 * is blocked by an exchange rate (domain/stuck-pilots.ts). Frozen: a change is a new migration.
 *
 * `blocked_codes`: while the statement is in aggregation and an attempt since it entered the stage
 * was blocked (the audit log's `aggregation_blocked`), the problem codes of the latest attempt
 * (`rate_missing`, `rate_stale`, …); null otherwise. `blocked_since`: when it first blocked in
 * this stage. The other reasons depend on the time of reading (a deadline long passed, a
 * shortfall left undecided) and are computed when read, from the columns already there.
 *
 * `pilot_stuck_refresh(statement)` computes both for one statement's row; db/projections/
 * pilot-summary.ts calls it after `pilot_summary_upsert`, under the same lock. A separate function,
 * so the row's older function stays as it was frozen.
 */
export async function up(db: Kysely<any>): Promise<void> {
  await db.schema
    .alterTable('pilot_summaries')
    .addColumn('blocked_codes', sql`text[]`)
    .addColumn('blocked_since', 'timestamptz')
    .execute();

  await sql`
    create function pilot_stuck_refresh(p_statement uuid) returns void
    language sql volatile as $fn$
      with
      st as (select s.stage, s.stage_entered_at from statements s where s.id = p_statement),
      -- The attempts blocked since the statement entered aggregation (none once it left it).
      blocks as (
        select a.at, a.seq, a.data from audit_events a, st
        where a.chain = p_statement::text and a.action = 'aggregation_blocked'
          and st.stage = 'aggregation' and a.at >= st.stage_entered_at
      ),
      latest as (select data from blocks order by at desc, seq desc limit 1)
      update pilot_summaries set
        blocked_codes = (
          select array(
            select distinct p ->> 'code' from jsonb_array_elements(coalesce(latest.data -> 'problems', '[]')) p
            where p ->> 'code' is not null order by 1)
          from latest),
        blocked_since = (select min(at) from blocks)
      where statement_id = p_statement
    $fn$`.execute(db);

  await sql`select pilot_stuck_refresh(id) from statements`.execute(db);

  const role = await sql<{
    n: number;
  }>`select count(*)::int as n from pg_roles where rolname = 'jointdemand_app'`.execute(db);
  if ((role.rows[0]?.n ?? 0) > 0)
    await sql`grant execute on function pilot_stuck_refresh(uuid) to jointdemand_app`.execute(db);
}

export async function down(db: Kysely<any>): Promise<void> {
  await sql`drop function if exists pilot_stuck_refresh(uuid)`.execute(db);
  await db.schema.alterTable('pilot_summaries').dropColumn('blocked_codes').dropColumn('blocked_since').execute();
}
