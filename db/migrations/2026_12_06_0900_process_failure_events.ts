import { type Kysely, sql } from 'kysely';

/**
 * Process failures on the dashboard (issue 19): a step the statement workflow took on its own that
 * failed for good is recorded as the audit event `process_failed` (step and type, at the failure's
 * time), so the read model can flag the pilot without asking the live process. Frozen: a change is
 * a new migration.
 *
 * `failure_step`, `failure_at`: the latest `process_failed` of the statement's chain while no later
 * event says it is over (domain/stuck-pilots.ts `endsProcessFailure`: the actions are passed in,
 * so the rule stays there); null otherwise.
 *
 * `pilot_failure_refresh(statement, ends, endsUnlessMail)` computes both for one statement's row;
 * db/projections/pilot-summary.ts calls it after `pilot_stuck_refresh`, under the same lock. A
 * partial index finds a chain's latest failure without reading the chain: the refresh runs for
 * every recorded event, and a large statement's chain has tens of thousands.
 */
export async function up(db: Kysely<any>): Promise<void> {
  await db.schema
    .alterTable('pilot_summaries')
    .addColumn('failure_step', 'text')
    .addColumn('failure_at', 'timestamptz')
    .execute();

  await sql`create index audit_events_process_failed_idx on audit_events (chain, seq) where action = 'process_failed'`.execute(
    db,
  );

  await sql`
    create function pilot_failure_refresh(p_statement uuid, p_ends text[], p_ends_unless_mail text[]) returns void
    language sql volatile as $fn$
      with
      latest as (
        select a.seq, a.at, a.data ->> 'step' as step from audit_events a
        where a.chain = p_statement::text and a.action = 'process_failed'
        order by a.seq desc limit 1
      ),
      -- Still current: nothing recorded after it that ends it (read from the failure on, by (chain, seq)).
      open_failure as (
        select l.step, l.at from latest l
        where not exists (
          select from audit_events e
          where e.chain = p_statement::text and e.seq > l.seq
            and (e.action = any(p_ends) or (l.step is distinct from 'deliver mail' and e.action = any(p_ends_unless_mail)))
        )
      )
      update pilot_summaries set
        failure_step = (select step from open_failure),
        failure_at = (select at from open_failure)
      where statement_id = p_statement
    $fn$`.execute(db);

  // Nothing is recorded yet; run anyway so every row is as the function computes it.
  await sql`select pilot_failure_refresh(id, array['stage_changed', 'aggregation_blocked'], array['deadline_extended']) from statements`.execute(
    db,
  );

  const role = await sql<{
    n: number;
  }>`select count(*)::int as n from pg_roles where rolname = 'jointdemand_app'`.execute(db);
  if ((role.rows[0]?.n ?? 0) > 0)
    await sql`grant execute on function pilot_failure_refresh(uuid, text[], text[]) to jointdemand_app`.execute(db);
}

export async function down(db: Kysely<any>): Promise<void> {
  await sql`drop function if exists pilot_failure_refresh(uuid, text[], text[])`.execute(db);
  await sql`drop index if exists audit_events_process_failed_idx`.execute(db);
  await db.schema.alterTable('pilot_summaries').dropColumn('failure_step').dropColumn('failure_at').execute();
}
