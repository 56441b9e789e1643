import { sql } from 'kysely';
import type { DbOrTx } from './database.js';

/**
 * The read side of pilot tracking: every joint statement as a pilot, with its stage, deadline,
 * participants, latest aggregate and supplier engagement, filtered and totalled in one SQL
 * statement (one snapshot, one round trip) that returns JSON.
 *
 * - Buyers taking part are participants in one of `activeStatuses` (the lead included).
 * - Value and verdicts come from each pilot's latest aggregate snapshot (see aggregation.ts).
 * - Suppliers engaged are the distinct supplier organisations that acted on the statement, as
 *   the audit log records every supplier contact (consultation answers, questions): whatever
 *   the market engagement stage writes there is counted without a change here.
 * - A pilot's sectors are its grouping's sector when one is set, otherwise the CPV divisions of
 *   its codes; the sector filter matches any of them.
 * - Stage counts ignore the stage filter (they say how many pilots each stage would show);
 *   everything else honours every filter.
 */
export interface PilotFilter {
  statementId?: string | undefined;
  grouping?: string | undefined;
  sector?: string | undefined;
  country?: string | undefined;
  stage?: string | undefined;
  overdue?: boolean | undefined;
}

export interface DashboardQuery extends PilotFilter {
  now: Date;
  limit: number;
  offset: number;
  activeStatuses: readonly string[];
  deadlineStages: readonly string[];
}

export interface PilotRecord {
  id: string;
  title: string;
  stage: string;
  stage_entered_at: string;
  stage_deadline: string | null;
  created_at: string;
  overdue: boolean;
  cpv_codes: string[];
  sectors: string[];
  grouping_kind: 'community_of_practice' | 'working_group' | null;
  grouping_name: string | null;
  lead_id: string;
  lead_name: string;
  lead_country: string;
  buyers: number;
  countries: string[];
  value_eur: string | null;
  snapshot_at: string | null;
  critical_mass_met: boolean | null;
  failed_rules: string[] | null;
  /** Position and value null where the snapshot's disclosure pattern withholds the nature. */
  thresholds: { nature: string; position: string | null; thresholdEur: string; estimatedValueEur: string | null }[] | null;
  above_eu_threshold: boolean | null;
  cross_border: boolean | null;
  suppliers: number;
}

export interface DashboardRecord {
  pilots: PilotRecord[];
  matching: number;
  by_stage: Record<string, number>;
  /** `value_eur` adds up the pilots whose total is shown; `value_withheld_pilots` counts the others. */
  totals: { pilots: number; buyers: number; countries: number; value_eur: string; value_withheld_pilots: number; suppliers: number; overdue: number; published: number };
  by_division: { division: string; value_eur: string; pilots: number }[];
  /** Division values of pilots that their disclosure pattern withholds (left out of `by_division`). */
  withheld_divisions: number;
  buyers_by_country: { country: string; buyers: number }[];
}

export async function queryDashboard(db: DbOrTx, q: DashboardQuery): Promise<DashboardRecord> {
  // JIT compilation costs more than this query ever runs (it measured ~240 ms of 320 ms when a
  // filter inflated the planner's estimate): off for this statement's transaction only.
  const run = async (conn: DbOrTx) => {
    await sql`set local jit = off`.execute(conn);
    return dashboardSql(conn, q);
  };
  return db.isTransaction ? run(db) : db.transaction().execute(run);
}

async function dashboardSql(db: DbOrTx, q: DashboardQuery): Promise<DashboardRecord> {
  const { rows } = await sql<{ result: DashboardRecord }>`
    with
    base as materialized (
      select s.id, s.title, s.stage, s.stage_entered_at, s.stage_deadline, s.created_at, s.lead_org_id, s.cpv_codes,
             g.kind as grouping_kind, g.name as grouping_name,
             case when g.sector is not null then array[g.sector::text]
                  else array(select distinct substr(c, 1, 2) from unnest(s.cpv_codes) c order by 1) end as sectors,
             (s.stage_deadline is not null and s.stage = any(${q.deadlineStages}::text[]) and s.stage_deadline < ${q.now}) as overdue
      from statements s
      left join pilot_groupings g on g.statement_id = s.id
      where (${q.statementId ?? null}::uuid is null or s.id = ${q.statementId ?? null}::uuid)
        and (${q.grouping ?? null}::text is null or g.name = ${q.grouping ?? null}::text)
        and (${q.country ?? null}::text is null or s.id in (
              select p.statement_id from organisations o join participants p on p.organisation_id = o.id
              where o.country = ${q.country ?? null}::text and p.status = any(${q.activeStatuses}::text[])))
    ),
    scoped as materialized (
      select * from base
      where (${q.sector ?? null}::text is null or ${q.sector ?? null}::text = any(sectors))
        and (${q.overdue ?? null}::boolean is null or overdue = ${q.overdue ?? null}::boolean)
    ),
    pilots as materialized (
      select * from scoped where ${q.stage ?? null}::text is null or stage = ${q.stage ?? null}::text
    ),
    buyers as materialized (
      select p.statement_id, p.organisation_id as org_id, o.country::text as country
      from pilots x
      join participants p on p.statement_id = x.id and p.status = any(${q.activeStatuses}::text[])
      join organisations o on o.id = p.organisation_id and o.kind = 'buyer'
    ),
    -- Each buyer organisation once, with its country: totals and the map count from it.
    buyer_orgs as materialized (select distinct org_id, country from buyers),
    buyer_counts as (
      select statement_id, count(*)::int as buyers, array_agg(distinct country order by country) as countries
      from buyers group by statement_id
    ),
    snapshots as materialized (
      select distinct on (a.statement_id) a.statement_id, a.computed_at, a.total_value_eur, a.critical_mass_met,
             a.critical_mass, a.thresholds, a.cross_border, a.aggregate -> 'byCpv' as by_cpv,
             -- Cells the snapshot's disclosure pattern withholds from Commission staff: null (everything
             -- withheld, through the coalesce(…, true) below) for a snapshot that has none yet.
             a.disclosure -> 'withheld' as withheld
      from aggregate_snapshots a
      where a.statement_id in (select id from pilots)
      order by a.statement_id, a.computed_at desc
    ),
    suppliers as materialized (
      select distinct a.statement_id, a.actor_org_id as org_id
      from organisations o
      join audit_events a on a.actor_org_id = o.id
      where o.kind = 'supplier' and a.statement_id in (select id from pilots)
    ),
    supplier_counts as (select statement_id, count(*)::int as suppliers from suppliers group by statement_id),
    page as (
      select * from pilots order by created_at desc, id limit ${q.limit} offset ${q.offset}
    ),
    divisions as (
      select substr(e ->> 'cpvCode', 1, 2) as division, (e ->> 'valueEur')::numeric as value_eur,
             coalesce(s.withheld ? ('cpv:' || (e ->> 'cpvCode')), true) as hidden
      from snapshots s, jsonb_array_elements(s.by_cpv) e
      where e ->> 'level' = 'division'
    ),
    natures as (
      select s.statement_id, n ->> 'nature' as nature, n ->> 'position' as position, n ->> 'thresholdEur' as threshold,
             n ->> 'estimatedValueEur' as estimated, coalesce(s.withheld ? ('nature:' || (n ->> 'nature')), true) as hidden
      from snapshots s, jsonb_array_elements(s.thresholds -> 'natures') n
      where s.thresholds is not null
    ),
    shown_totals as (
      select statement_id, total_value_eur from snapshots where not coalesce(withheld ? 'total', true)
    )
    select json_build_object(
      'pilots', coalesce((
        select json_agg(json_build_object(
          'id', pg.id, 'title', pg.title, 'stage', pg.stage, 'stage_entered_at', pg.stage_entered_at,
          'stage_deadline', pg.stage_deadline, 'created_at', pg.created_at, 'overdue', pg.overdue,
          'cpv_codes', pg.cpv_codes, 'sectors', pg.sectors, 'grouping_kind', pg.grouping_kind, 'grouping_name', pg.grouping_name,
          'lead_id', lead.id, 'lead_name', lead.name, 'lead_country', lead.country,
          'buyers', coalesce(bc.buyers, 0), 'countries', coalesce(bc.countries, '{}'),
          'value_eur', st.total_value_eur::text, 'snapshot_at', sn.computed_at, 'critical_mass_met', sn.critical_mass_met,
          'failed_rules', (select coalesce(json_agg(r ->> 'rule'), '[]') from jsonb_array_elements(sn.critical_mass -> 'results') r
                           where sn.critical_mass is not null and not (r ->> 'met')::boolean
                             -- A rule decided on a withheld figure is not named: it would bound the figure.
                             and not coalesce(sn.withheld ? (case r ->> 'rule' when 'minTotalValueEur' then 'total'
                                                                               when 'minQuantityPerCpv' then 'cpv:' || (r ->> 'cpvCode') else '' end), true)),
          'thresholds', (select json_agg(json_build_object('nature', n.nature, 'position', case when n.hidden then null else n.position end,
                                                            'thresholdEur', n.threshold, 'estimatedValueEur', case when n.hidden then null else n.estimated end))
                         from natures n where n.statement_id = sn.statement_id),
          -- Above a threshold only as far as the shown natures tell (a withheld one would be bounded by it).
          'above_eu_threshold', (select case when bool_or(not n.hidden and n.position = 'at-or-above') then true when bool_and(not n.hidden) then false end
                                 from natures n where n.statement_id = sn.statement_id),
          'cross_border', (sn.cross_border ->> 'needsAgreement')::boolean,
          'suppliers', coalesce(sc.suppliers, 0)
        ) order by pg.created_at desc, pg.id)
        from page pg
        join organisations lead on lead.id = pg.lead_org_id
        left join buyer_counts bc on bc.statement_id = pg.id
        left join snapshots sn on sn.statement_id = pg.id
        left join shown_totals st on st.statement_id = pg.id
        left join supplier_counts sc on sc.statement_id = pg.id
      ), '[]'),
      'matching', (select count(*) from pilots),
      'by_stage', coalesce((select json_object_agg(stage, n) from (select stage, count(*)::int as n from scoped group by stage) st), '{}'),
      'totals', json_build_object(
        'pilots', (select count(*) from pilots),
        'buyers', (select count(*) from buyer_orgs),
        'countries', (select count(distinct country) from buyer_orgs),
        'value_eur', (select coalesce(sum(total_value_eur), 0)::text from shown_totals),
        'value_withheld_pilots', (select count(*) from snapshots) - (select count(*) from shown_totals),
        'suppliers', (select count(distinct org_id) from suppliers),
        'overdue', (select count(*) from pilots where overdue),
        'published', (select count(*) from pilots where stage = 'published')
      ),
      'by_division', coalesce((
        select json_agg(json_build_object('division', division, 'value_eur', value_eur::text, 'pilots', pilots) order by division)
        from (select division, sum(value_eur) as value_eur, count(*) as pilots from divisions
              where not hidden group by division) d
      ), '[]'),
      'withheld_divisions', (select count(*) from divisions where hidden),
      'buyers_by_country', coalesce((
        select json_agg(json_build_object('country', country, 'buyers', n) order by country)
        from (select country, count(*) as n from buyer_orgs group by country) c
      ), '[]')
    ) as result
  `.execute(db);
  return rows[0]!.result;
}

/** The bare read of the same table, for the benchmark's baseline. */
export async function readAllStatements(db: DbOrTx) {
  return db.selectFrom('statements').selectAll().execute();
}

export async function stageChanges(db: DbOrTx, statementId: string): Promise<{ from: string; to: string; at: Date }[]> {
  const rows = await db
    .selectFrom('audit_events')
    .select(['data', 'at'])
    .where('statement_id', '=', statementId)
    .where('action', '=', 'stage_changed')
    .orderBy('at')
    .orderBy('seq')
    .execute();
  return rows.map((r) => ({ from: String(r.data.from), to: String(r.data.to), at: r.at }));
}

export async function upsertGrouping(
  db: DbOrTx,
  g: { statementId: string; kind: 'community_of_practice' | 'working_group'; name: string; sector: string | null; userId: string; at: Date },
) {
  const values = { kind: g.kind, name: g.name, sector: g.sector, updated_by: g.userId, updated_at: g.at };
  return db
    .insertInto('pilot_groupings')
    .values({ statement_id: g.statementId, ...values })
    .onConflict((oc) => oc.column('statement_id').doUpdateSet(values))
    .returningAll()
    .executeTakeFirstOrThrow();
}

export async function findGrouping(db: DbOrTx, statementId: string) {
  return db.selectFrom('pilot_groupings').selectAll().where('statement_id', '=', statementId).executeTakeFirst();
}

/** The groupings in use, for filter choices. */
export async function listGroupings(db: DbOrTx) {
  return db
    .selectFrom('pilot_groupings')
    .select(['kind', 'name', sql<string>`count(*)::int`.as('pilots')])
    .groupBy(['kind', 'name'])
    .orderBy('name')
    .execute();
}

/** Stage changes within [start, end), with the statement's title, oldest first (the weekly digest). */
export async function stageChangesBetween(db: DbOrTx, start: Date, end: Date) {
  const rows = await db
    .selectFrom('audit_events')
    .innerJoin('statements', 'statements.id', 'audit_events.statement_id')
    .select(['audit_events.statement_id', 'statements.title', 'audit_events.data', 'audit_events.at'])
    .where('audit_events.action', '=', 'stage_changed')
    .where('audit_events.at', '>=', start)
    .where('audit_events.at', '<', end)
    .orderBy('audit_events.at')
    .orderBy('audit_events.id')
    .execute();
  return rows.map((r) => ({ statementId: r.statement_id!, title: r.title, from: String(r.data.from), to: String(r.data.to), at: r.at }));
}

/** Users of Commission organisations: the digest's recipients. */
export async function commissionStaff(db: DbOrTx) {
  return db
    .selectFrom('users')
    .innerJoin('organisations', 'organisations.id', 'users.organisation_id')
    .select(['users.id', 'users.email', 'users.name', 'users.locale'])
    .where('organisations.kind', '=', 'commission')
    .orderBy('users.id')
    .execute();
}

/** Every published version of every published statement, as the OCDS release it was published with (oldest first). */
export async function publishedReleases(db: DbOrTx): Promise<{ release: unknown; published_at: Date }[]> {
  return db
    .selectFrom('publications')
    .innerJoin('statements', 'statements.id', 'publications.statement_id')
    .select(['publications.release', 'publications.published_at'])
    .where('statements.stage', '=', 'published')
    .orderBy('publications.published_at')
    .orderBy('publications.statement_id')
    .orderBy('publications.version')
    .execute();
}

/** Statements created within [start, end), with their lead's name (the weekly digest's new pilots). */
export async function statementsCreatedBetween(db: DbOrTx, start: Date, end: Date) {
  return db
    .selectFrom('statements')
    .innerJoin('organisations', 'organisations.id', 'statements.lead_org_id')
    .select(['statements.id', 'statements.title', 'statements.created_at', 'organisations.name as lead_name'])
    .where('statements.created_at', '>=', start)
    .where('statements.created_at', '<', end)
    .orderBy('statements.created_at')
    .orderBy('statements.id')
    .execute();
}
