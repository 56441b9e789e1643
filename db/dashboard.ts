import { sql } from 'kysely';

import { stuckThresholdsAt } from '../domain/stuck-pilots.js';
import type { DbOrTx } from './database.js';

/**
 * The read side of pilot tracking, from the read model `pilot_summaries` (one row per pilot,
 * kept by `refreshPilotSummary` in db/projections/pilot-summary.ts whenever a change is recorded;
 * see its migration for what a row holds): one page of the matching pilots, newest first, and
 * the figures over every matching pilot, in one SQL statement (one snapshot, one round trip).
 *
 * - Buyers taking part are participants in one of `activeStatuses` (the lead included); the
 *   totals count each buyer organisation once across pilots, so they read the participants of
 *   the matching pilots (an index-only read); everything else comes from the read model.
 * - Value and verdicts are those of each pilot's latest aggregate snapshot, as far as its
 *   disclosure pattern shows them to Commission staff (the read model stores nothing withheld).
 * - Suppliers engaged are the distinct supplier organisations that acted on the statement, as
 *   its audit chain records every supplier contact (consultation answers, questions).
 * - A pilot's sectors are its grouping's sector when one is set, otherwise the CPV divisions of
 *   its codes; the sector filter matches any of them.
 * - Stage counts ignore the stage filter (they say how many pilots each stage would show);
 *   everything else honours every filter.
 * - Pages follow a cursor (the last row's creation time and id), so a pilot created or moved
 *   while someone pages neither shifts nor repeats the rows that follow.
 */
export interface PilotFilter {
  statementId?: string | undefined;
  grouping?: string | undefined;
  sector?: string | undefined;
  country?: string | undefined;
  stage?: string | undefined;
  overdue?: boolean | undefined;
  stuck?: boolean | undefined;
}

/** Where a page starts: after the pilot created at `createdAt` (PostgreSQL's full precision) with id `id`. */
export interface PilotCursor {
  createdAt: string;
  id: string;
}

export interface PilotPageQuery extends PilotFilter {
  now: Date;
  /** Pilots per page; 0 reads the figures only. */
  limit: number;
  after?: PilotCursor | undefined;
  deadlineStages: readonly string[];
}

export interface DashboardQuery extends PilotPageQuery {
  activeStatuses: readonly string[];
  /** Ignored: pages follow `after` (kept so older callers still type-check). */
  offset?: number;
}

export interface PilotRecord {
  id: string;
  title: string;
  stage: string;
  stage_entered_at: string;
  stage_deadline: string | null;
  /** As PostgreSQL writes it, to the microsecond: the cursor's time. */
  created_at: string;
  overdue: boolean;
  /** Whether any reason of the stuck rule holds (the view words which). */
  stuck: boolean;
  /** While a rate blocks the aggregation: the latest attempt's problem codes, and since when. */
  blocked_codes: string[] | null;
  blocked_since: string | null;
  /** While a process failure is open: the step as the workflow named it, and when it failed. */
  failure_step: string | null;
  failure_at: string | null;
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
  /** The rate table the latest snapshot converted with: its date, source and the currencies it converted (none: all in EUR). */
  rates: { date: string; source: string; currencies: string[] } | null;
  critical_mass_met: boolean | null;
  failed_rules: string[] | null;
  /** Position and value null where the snapshot's disclosure pattern withholds the nature. */
  thresholds:
    { nature: string; position: string | null; thresholdEur: string; estimatedValueEur: string | null }[] | null;
  above_eu_threshold: boolean | null;
  cross_border: boolean | null;
  /** The statement's procurement route (domain/cross-border.ts) and, on the CPB route, the CPB. */
  procurement_route: 'joint' | 'central_purchasing_body';
  cpb_name: string | null;
  cpb_country: string | null;
  suppliers: number;
}

export interface PilotPage {
  pilots: PilotRecord[];
  /** Where the next page starts, or null on the last page. */
  next: PilotCursor | null;
}

export interface DashboardRecord extends PilotPage {
  matching: number;
  by_stage: Record<string, number>;
  /** `value_eur` adds up the pilots whose total is shown; `value_withheld_pilots` counts the others. */
  totals: {
    pilots: number;
    buyers: number;
    countries: number;
    value_eur: string;
    value_withheld_pilots: number;
    suppliers: number;
    overdue: number;
    stuck: number;
    published: number;
  };
  by_division: { division: string; value_eur: string; pilots: number }[];
  /** Division values of pilots that their disclosure pattern withholds (left out of `by_division`). */
  withheld_divisions: number;
  buyers_by_country: { country: string; buyers: number }[];
}

/** The matching pilots (`pilots`, with `overdue` and `stuck`) and the same without the stage filter (`scoped`). */
function matchingPilots(q: PilotPageQuery) {
  // The stuck rule's thresholds at the time of reading (domain/stuck-pilots.ts `stuckCauses`; an
  // open process failure is stuck whatever the time).
  const stuckRule = stuckThresholdsAt(q.now);
  return sql`
    -- The columns the figures need (the page reads the rest of its own rows only).
    base as (
      select ps.statement_id, ps.stage, ps.created_at, ps.value_eur, ps.value_withheld, ps.divisions, ps.withheld_divisions, ps.supplier_org_ids,
             (ps.stage_deadline is not null and ps.stage = any(${q.deadlineStages}::text[]) and ps.stage_deadline < ${q.now}) as overdue,
             -- domain/stuck-pilots.ts: a process failure, a rate blocks the aggregation, a deadline passed long ago, a shortfall undecided.
             coalesce(
               ps.failure_at is not null
               or (ps.stage = 'aggregation' and ps.blocked_codes && ${stuckRule.rateCodes}::text[])
               or (ps.stage_deadline is not null and ps.stage = any(${q.deadlineStages}::text[]) and ps.stage_deadline < ${stuckRule.deadlineBefore})
               or (ps.stage = 'shortfall' and ps.stage_entered_at < ${stuckRule.shortfallEnteredBefore}),
             false) as stuck
      from pilot_summaries ps
      where (${q.statementId ?? null}::uuid is null or ps.statement_id = ${q.statementId ?? null}::uuid)
        and (${q.grouping ?? null}::text is null or ps.grouping_name = ${q.grouping ?? null}::text)
        and (${q.country ?? null}::text is null or ${q.country ?? null}::text = any(ps.countries))
        and (${q.sector ?? null}::text is null or ${q.sector ?? null}::text = any(ps.sectors))
    ),
    scoped as materialized (
      select * from base where (${q.overdue ?? null}::boolean is null or overdue = ${q.overdue ?? null}::boolean)
        and (${q.stuck ?? null}::boolean is null or stuck = ${q.stuck ?? null}::boolean)
    ),
    pilots as materialized (
      select * from scoped where ${q.stage ?? null}::text is null or stage = ${q.stage ?? null}::text
    ),
    -- One row more than the page: whether there is a next page.
    page as (
      select statement_id, created_at, overdue, stuck from pilots
      where ${q.after?.createdAt ?? null}::timestamptz is null
         or (created_at, statement_id) < (${q.after?.createdAt ?? null}::timestamptz, ${q.after?.id ?? null}::uuid)
      order by created_at desc, statement_id desc
      limit ${q.limit + 1}
    )`;
}

const pageRows = sql`
  coalesce((
    select json_agg(json_build_object(
      'id', pg.statement_id, 'title', pg.title, 'stage', pg.stage, 'stage_entered_at', pg.stage_entered_at,
      'stage_deadline', pg.stage_deadline, 'created_at', pg.created_at, 'overdue', x.overdue,
      'stuck', x.stuck, 'blocked_codes', pg.blocked_codes, 'blocked_since', pg.blocked_since,
      'failure_step', pg.failure_step, 'failure_at', pg.failure_at,
      'cpv_codes', pg.cpv_codes, 'sectors', pg.sectors, 'grouping_kind', pg.grouping_kind, 'grouping_name', pg.grouping_name,
      'lead_id', lead.id, 'lead_name', lead.name, 'lead_country', lead.country,
      'buyers', pg.buyers, 'countries', pg.countries,
      'value_eur', pg.value_eur::text, 'snapshot_at', pg.snapshot_at, 'critical_mass_met', pg.critical_mass_met,
      'failed_rules', pg.failed_rules, 'thresholds', pg.thresholds, 'above_eu_threshold', pg.above_eu_threshold,
      'cross_border', pg.cross_border, 'suppliers', cardinality(pg.supplier_org_ids),
      'procurement_route', coalesce(st.procurement_route ->> 'kind', 'joint'), 'cpb_name', cpb.name, 'cpb_country', cpb.country,
      -- The latest snapshot's rate table, printed beside the pilot's value (one index probe per row of the page).
      -- None for a snapshot written before aggregates named their table: snapshots are kept as computed.
      'rates', (
        select case when a.aggregate -> 'conversion' ->> 'source' is not null then json_build_object(
          'date', a.rate_date::text, 'source', a.aggregate -> 'conversion' ->> 'source',
          'currencies', coalesce((select json_agg(k order by k) from jsonb_object_keys(a.aggregate -> 'conversion' -> 'rates') k), '[]'::json))
        end
        from aggregate_snapshots a where a.statement_id = pg.statement_id order by a.computed_at desc limit 1)
    ) order by pg.created_at desc, pg.statement_id desc)
    from page x
    join pilot_summaries pg on pg.statement_id = x.statement_id
    join organisations lead on lead.id = pg.lead_org_id
    -- The route is the lead's choice, read with the page (a page's rows, by primary key).
    join statements st on st.id = pg.statement_id
    left join organisations cpb on cpb.id::text = st.procurement_route ->> 'centralPurchasingBodyOrgId'
  ), '[]')`;

function paged(pilots: PilotRecord[], limit: number): PilotPage {
  const more = limit > 0 && pilots.length > limit;
  const shown = pilots.slice(0, limit);
  const last = shown.at(-1);
  return { pilots: shown, next: more && last ? { createdAt: last.created_at, id: last.id } : null };
}

/** One page of the matching pilots and the figures over all of them. */
export async function queryDashboard(db: DbOrTx, q: DashboardQuery): Promise<DashboardRecord> {
  const { rows } = await sql<{ result: Omit<DashboardRecord, 'next'> }>`
    with
    ${matchingPilots(q)},
    -- Each buyer organisation taking part in a matching pilot, once.
    buyer_orgs as materialized (
      select o.id as org_id, o.country::text as country
      from organisations o
      where o.kind = 'buyer' and exists (
        select from participants p
        where p.organisation_id = o.id and p.status = any(${q.activeStatuses}::text[]) and p.statement_id in (select statement_id from pilots)
      )
    ),
    divisions as (
      select e ->> 'division' as division, (e ->> 'valueEur')::numeric as value_eur
      from pilots x, jsonb_array_elements(x.divisions) e
    )
    select json_build_object(
      'pilots', ${pageRows},
      'matching', (select count(*) from pilots),
      'by_stage', coalesce((select json_object_agg(stage, n) from (select stage, count(*)::int as n from scoped group by stage) st), '{}'),
      'totals', (
        select json_build_object(
          'pilots', count(*),
          'buyers', (select count(*) from buyer_orgs),
          'countries', (select count(distinct country) from buyer_orgs),
          'value_eur', coalesce(sum(value_eur), 0)::text,
          'value_withheld_pilots', count(*) filter (where value_withheld),
          'suppliers', (select count(distinct s) from pilots, unnest(supplier_org_ids) s),
          'overdue', count(*) filter (where overdue),
          'stuck', count(*) filter (where stuck),
          'published', count(*) filter (where stage = 'published')
        ) from pilots
      ),
      'by_division', coalesce((
        select json_agg(json_build_object('division', division, 'value_eur', value_eur::text, 'pilots', pilots) order by division)
        from (select division, sum(value_eur) as value_eur, count(*) as pilots from divisions group by division) d
      ), '[]'),
      'withheld_divisions', (select coalesce(sum(withheld_divisions), 0) from pilots),
      'buyers_by_country', coalesce((
        select json_agg(json_build_object('country', country, 'buyers', n) order by country)
        from (select country, count(*) as n from buyer_orgs group by country) c
      ), '[]')
    ) as result
  `.execute(db);
  const result = rows[0]!.result;
  return { ...result, ...paged(result.pilots, q.limit) };
}

/** One page of the matching pilots without the figures (the CSV export reads page after page). */
export async function queryPilotPage(db: DbOrTx, q: PilotPageQuery): Promise<PilotPage> {
  const { rows } = await sql<{ pilots: PilotRecord[] }>`
    with ${matchingPilots(q)}
    select ${pageRows} as pilots
  `.execute(db);
  return paged(rows[0]!.pilots, q.limit);
}

/** The bare read of the same table, for the benchmark's baseline. */
export async function readAllStatements(db: DbOrTx) {
  return db.selectFrom('statements').selectAll().execute();
}

export async function stageChanges(
  db: DbOrTx,
  statementId: string,
): Promise<{ from: string; to: string; at: Date; deadline: string | null }[]> {
  const rows = await db
    .selectFrom('audit_events')
    .select(['data', 'at'])
    .where('statement_id', '=', statementId)
    .where('action', '=', 'stage_changed')
    .orderBy('at')
    .orderBy('seq')
    .execute();
  return rows.map((r) => ({
    from: String(r.data.from),
    to: String(r.data.to),
    at: r.at,
    deadline: typeof r.data.deadline === 'string' ? r.data.deadline : null,
  }));
}

/** The deadlines moved while their stage ran, oldest first (a pilot's planned stage ends). */
export async function deadlineExtensions(
  db: DbOrTx,
  statementId: string,
): Promise<{ stage: string; deadline: string; at: Date }[]> {
  const rows = await db
    .selectFrom('audit_events')
    .select(['data', 'at'])
    .where('statement_id', '=', statementId)
    .where('action', '=', 'deadline_extended')
    .orderBy('at')
    .orderBy('seq')
    .execute();
  return rows
    .filter((r) => typeof r.data.deadline === 'string')
    .map((r) => ({ stage: String(r.data.stage), deadline: String(r.data.deadline), at: r.at }));
}

export async function upsertGrouping(
  db: DbOrTx,
  g: {
    statementId: string;
    kind: 'community_of_practice' | 'working_group';
    name: string;
    sector: string | null;
    userId: string;
    at: Date;
  },
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
  return rows.map((r) => ({
    statementId: r.statement_id!,
    title: r.title,
    from: String(r.data.from),
    to: String(r.data.to),
    at: r.at,
  }));
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
