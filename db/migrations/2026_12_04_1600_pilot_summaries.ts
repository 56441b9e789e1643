import { type Kysely, sql } from 'kysely';

/**
 * The dashboard's read model (issue 23 point 4): one row per pilot with everything the pilot
 * table, the filters and the totals need, so a dashboard request reads this table instead of
 * joining statements, participants, snapshots and the audit log over every pilot.
 *
 * `pilot_summary_upsert(statement, active statuses)` computes one statement's row from the
 * tables of record and writes it; `db/projections/pilot-summary.ts` calls it, in the transaction
 * that records each change, after taking the statement's audit chain head lock. The function is
 * defined here, frozen with the table; a later change to the row is a later migration that
 * replaces the function (`create or replace`) and backfills again.
 *
 * What the row holds, as Commission staff may see it:
 * - Only what the latest snapshot's disclosure pattern shows: the total (`value_eur`) is null
 *   when withheld (`value_withheld`), a threshold nature's position and estimate are null when
 *   withheld, withheld division values are counted (`withheld_divisions`), never stored.
 * - Buyers taking part (the active statuses) and their countries; the lead's name and country
 *   are joined when read, so a renamed organisation shows at once.
 * - The supplier organisations that acted on the statement (its audit chain), kept
 *   incrementally: `audit_seq` is how far the chain has been read; each refresh reads only
 *   the events after it.
 */
export async function up(db: Kysely<any>): Promise<void> {
  await db.schema
    .createTable('pilot_summaries')
    .addColumn('statement_id', 'uuid', (c) => c.primaryKey().references('statements.id'))
    .addColumn('title', 'text', (c) => c.notNull())
    .addColumn('stage', 'text', (c) => c.notNull())
    .addColumn('stage_entered_at', 'timestamptz', (c) => c.notNull())
    .addColumn('stage_deadline', 'timestamptz')
    .addColumn('created_at', 'timestamptz', (c) => c.notNull())
    .addColumn('lead_org_id', 'uuid', (c) => c.notNull())
    .addColumn('cpv_codes', sql`text[]`, (c) => c.notNull())
    .addColumn('grouping_kind', 'text')
    .addColumn('grouping_name', 'text')
    .addColumn('sectors', sql`text[]`, (c) => c.notNull())
    .addColumn('buyers', 'integer', (c) => c.notNull())
    .addColumn('countries', sql`text[]`, (c) => c.notNull())
    .addColumn('snapshot_at', 'timestamptz')
    .addColumn('value_eur', 'numeric')
    .addColumn('value_withheld', 'boolean', (c) => c.notNull())
    .addColumn('critical_mass_met', 'boolean')
    .addColumn('failed_rules', sql`text[]`)
    .addColumn('thresholds', 'jsonb')
    .addColumn('above_eu_threshold', 'boolean')
    .addColumn('cross_border', 'boolean')
    .addColumn('divisions', 'jsonb', (c) => c.notNull())
    .addColumn('withheld_divisions', 'integer', (c) => c.notNull())
    .addColumn('supplier_org_ids', sql`uuid[]`, (c) => c.notNull())
    .addColumn('audit_seq', 'integer', (c) => c.notNull())
    .addColumn('refreshed_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .execute();
  // The page order (newest first) and its cursor.
  await sql`create index pilot_summaries_page_idx on pilot_summaries (created_at desc, statement_id desc)`.execute(db);

  await sql`
    create function pilot_summary_upsert(p_statement uuid, p_active text[]) returns void
    language sql volatile as $fn$
      with
      st as (
        select s.id, s.title, s.stage, s.stage_entered_at, s.stage_deadline, s.created_at, s.lead_org_id, s.cpv_codes,
               g.kind as grouping_kind, g.name as grouping_name,
               case when g.sector is not null then array[g.sector::text]
                    else array(select distinct substr(c, 1, 2) from unnest(s.cpv_codes) c order by 1) end as sectors
        from statements s
        left join pilot_groupings g on g.statement_id = s.id
        where s.id = p_statement
      ),
      buyers as (
        -- Country codes are ASCII: byte order sorts them as well as the locale's, at half the cost.
        select count(*)::int as n, coalesce(array_agg(distinct o.country::text collate "C" order by o.country::text collate "C"), '{}') as countries
        from participants p
        join organisations o on o.id = p.organisation_id and o.kind = 'buyer'
        where p.statement_id = p_statement and p.status = any(p_active)
      ),
      previous as (
        select coalesce(max(audit_seq), 0) as audit_seq, coalesce(max(supplier_org_ids), '{}') as supplier_org_ids
        from pilot_summaries where statement_id = p_statement
      ),
      -- The statement chain's events since the last refresh (its own, when called after appending one).
      fresh as (
        select a.seq, a.actor_org_id from audit_events a
        where a.chain = p_statement::text and a.seq > (select audit_seq from previous)
      ),
      suppliers as (
        select coalesce(array_agg(distinct x order by x), '{}') as ids,
               greatest((select audit_seq from previous), (select max(seq) from fresh)) as audit_seq
        from (
          select unnest(supplier_org_ids) as x from previous
          union
          select f.actor_org_id from fresh f join organisations o on o.id = f.actor_org_id and o.kind = 'supplier'
        ) u
      ),
      sn as (
        select a.computed_at, a.total_value_eur, a.critical_mass_met, a.critical_mass, a.thresholds, a.cross_border,
               a.aggregate -> 'byCpv' as by_cpv,
               -- Cells withheld from Commission staff; a snapshot without a pattern yet withholds everything.
               a.disclosure -> 'withheld' as withheld
        from aggregate_snapshots a
        where a.statement_id = p_statement
        order by a.computed_at desc
        limit 1
      ),
      natures as (
        select x.ord, x.n ->> 'nature' as nature, x.n ->> 'position' as position, x.n ->> 'thresholdEur' as threshold,
               x.n ->> 'estimatedValueEur' as estimated, coalesce(sn.withheld ? ('nature:' || (x.n ->> 'nature')), true) as hidden
        from sn, jsonb_array_elements(sn.thresholds -> 'natures') with ordinality as x(n, ord)
        where sn.thresholds is not null and jsonb_typeof(sn.thresholds -> 'natures') = 'array'
      ),
      divisions as (
        select substr(e ->> 'cpvCode', 1, 2) as division, (e ->> 'valueEur')::numeric as value_eur,
               coalesce(sn.withheld ? ('cpv:' || (e ->> 'cpvCode')), true) as hidden
        from sn, jsonb_array_elements(sn.by_cpv) e
        where jsonb_typeof(sn.by_cpv) = 'array' and e ->> 'level' = 'division'
      )
      insert into pilot_summaries (
        statement_id, title, stage, stage_entered_at, stage_deadline, created_at, lead_org_id, cpv_codes,
        grouping_kind, grouping_name, sectors, buyers, countries,
        snapshot_at, value_eur, value_withheld, critical_mass_met, failed_rules, thresholds, above_eu_threshold, cross_border,
        divisions, withheld_divisions, supplier_org_ids, audit_seq, refreshed_at
      )
      select
        st.id, st.title, st.stage, st.stage_entered_at, st.stage_deadline, st.created_at, st.lead_org_id, st.cpv_codes,
        st.grouping_kind, st.grouping_name, st.sectors, buyers.n, buyers.countries,
        sn.computed_at,
        case when sn.computed_at is not null and not coalesce(sn.withheld ? 'total', true) then sn.total_value_eur end,
        coalesce(sn.computed_at is not null and coalesce(sn.withheld ? 'total', true), false),
        sn.critical_mass_met,
        case when sn.computed_at is not null then array(
          select r.v ->> 'rule' from jsonb_array_elements(coalesce(sn.critical_mass -> 'results', '[]')) with ordinality as r(v, ord)
          where not (r.v ->> 'met')::boolean
            -- A rule decided on a withheld figure is not named: it would bound the figure.
            and not coalesce(sn.withheld ? (case r.v ->> 'rule' when 'minTotalValueEur' then 'total'
                                                              when 'minQuantityPerCpv' then 'cpv:' || (r.v ->> 'cpvCode') else '' end), true)
          order by r.ord) end,
        (select jsonb_agg(jsonb_build_object('nature', n.nature, 'position', case when n.hidden then null else n.position end,
                                             'thresholdEur', n.threshold, 'estimatedValueEur', case when n.hidden then null else n.estimated end) order by n.ord)
         from natures n),
        -- Above a threshold only as far as the shown natures tell (a withheld one would be bounded by it).
        (select case when bool_or(not n.hidden and n.position = 'at-or-above') then true when bool_and(not n.hidden) then false end from natures n),
        (sn.cross_border ->> 'needsAgreement')::boolean,
        coalesce((select jsonb_agg(jsonb_build_object('division', d.division, 'valueEur', d.value_eur::text) order by d.division)
                  from divisions d where not d.hidden), '[]'),
        (select count(*)::int from divisions d where d.hidden),
        suppliers.ids, suppliers.audit_seq, now()
      from st
      cross join buyers
      cross join suppliers
      left join sn on true
      on conflict (statement_id) do update set
        title = excluded.title, stage = excluded.stage, stage_entered_at = excluded.stage_entered_at,
        stage_deadline = excluded.stage_deadline, created_at = excluded.created_at, lead_org_id = excluded.lead_org_id,
        cpv_codes = excluded.cpv_codes, grouping_kind = excluded.grouping_kind, grouping_name = excluded.grouping_name,
        sectors = excluded.sectors, buyers = excluded.buyers, countries = excluded.countries, snapshot_at = excluded.snapshot_at,
        value_eur = excluded.value_eur, value_withheld = excluded.value_withheld, critical_mass_met = excluded.critical_mass_met,
        failed_rules = excluded.failed_rules, thresholds = excluded.thresholds, above_eu_threshold = excluded.above_eu_threshold,
        cross_border = excluded.cross_border, divisions = excluded.divisions, withheld_divisions = excluded.withheld_divisions,
        supplier_org_ids = excluded.supplier_org_ids, audit_seq = excluded.audit_seq, refreshed_at = excluded.refreshed_at
    $fn$`.execute(db);

  // Every statement so far (the participant statuses that counted as taking part on this date).
  await sql`select pilot_summary_upsert(id, array['joined', 'submitted', 'confirmed']) from statements`.execute(db);

  const role = await sql<{
    n: number;
  }>`select count(*)::int as n from pg_roles where rolname = 'jointdemand_app'`.execute(db);
  if ((role.rows[0]?.n ?? 0) > 0) {
    await sql`grant select, insert, update on pilot_summaries to jointdemand_app`.execute(db);
    await sql`grant execute on function pilot_summary_upsert(uuid, text[]) to jointdemand_app`.execute(db);
  }
}

export async function down(db: Kysely<any>): Promise<void> {
  await sql`drop function if exists pilot_summary_upsert(uuid, text[])`.execute(db);
  await db.schema.dropTable('pilot_summaries').ifExists().execute();
}
