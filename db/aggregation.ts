import { sql } from 'kysely';

import type { Aggregate, UnitQuantity } from '../domain/aggregation.js';
import { cpvLevel, cpvParent, cpvUnlistedAncestors } from '../domain/cpv.js';
import { staleRates, unusableRatesError } from '../domain/currency.js';
import { type ExchangeRateTable, missingRates, normaliseDecimal } from '../domain/money.js';
import type { DbOrTx } from './database.js';

/**
 * Aggregates the confirmed needs of a statement in SQL, with exact NUMERIC arithmetic, into the
 * same shape as the pure reference in domain/aggregation.ts (which the tests hold it to).
 *
 * A line's EUR value is (quantity + options + renewals) × unit price ÷ rate, truncated at 22
 * decimals by integer division and then rounded half-up to 20, exactly as domain/money.ts does.
 * That per-line conversion is most of the cost, so it is done once per line, in one statement
 * (one snapshot) that returns every grouping:
 *
 * 1. `sums`: one pass over the confirmed lines, summing by (code, unit, currency) and by (buyer,
 *    delivery year). Everything else is rolled up from these few rows: the CPV tree from the
 *    code rows, buyers, countries, legal types and years from the buyer rows.
 * 2. `runs`: distinct buyers per CPV node without a distinct count over every (buyer, node) pair
 *    (which costs more than all the sums). Lines in (buyer, code) order put each buyer's codes
 *    that share a prefix next to each other, so a line opens a new (buyer, node at level L) run
 *    exactly when its buyer or the first L digits of its code differ from the line before; a
 *    repeated code opens none. A node's buyers are the runs opened at its level.
 *
 * The CPV tree follows Regulation 213/2008 (Annex I) to the last significant digit, as
 * domain/cpv.ts has it: a code's nodes are the code cut after each of its digits (2 for a division,
 * 3 group, 4 class, 5 category, then 6, 7 and 8), except the cuts the list does not have
 * (`cpvUnlistedAncestors`, passed from the domain so the rule is written once). A node with L
 * significant digits covers exactly the codes whose first L digits are its own, so its buyers
 * are the runs opened at L.
 */
const statementSql = (
  statementId: string,
  rateCurrencies: string[],
  rateValues: string[],
  unlistedAncestors: readonly string[],
) => sql<AggregateRow>`
  with
  lines as not materialized (
    select l.organisation_id as org, l.cpv_code::text as code, l.unit, l.currency::text as currency, l.from_year as year,
           l.unit_price, l.quantity, l.quantity + l.optional_quantity + l.renewal_count * l.renewal_quantity as total_quantity
    from need_lines l
    join need_versions v on v.id = l.version_id and v.statement_id = l.statement_id and v.status = 'confirmed'
    where l.statement_id = ${statementId}
  ),
  sums as materialized (
    select grouping(org) = 1 as per_code, code, unit, currency, org, year,
           sum(value_eur) as value_eur, count(*) as lines, sum(quantity) as quantity, sum(total_quantity) as total_quantity
    from (
      select l.*,
             case when l.currency = 'EUR' then l.total_quantity * l.unit_price
                  else round(div(l.total_quantity * l.unit_price * 10000000000000000000000::numeric, r.rate) * 0.0000000000000000000001, 20)
             end as value_eur
      -- offset 0 keeps the total quantity computed once per line, not once per use
      from (select * from lines offset 0) l
      left join unnest(${rateCurrencies}::text[], ${rateValues}::numeric[]) as r(currency, rate) on r.currency = l.currency
    ) valued
    group by grouping sets ((code, unit, currency), (org, year))
  ),
  by_code as materialized (
    select code, unit, sum(value_eur) as value_eur, sum(lines) as lines, sum(quantity) as quantity, sum(total_quantity) as total_quantity
    from sums where per_code group by code, unit
  ),
  tree as materialized (
    select distinct c.code, n.node, greatest(2, length(rtrim(n.node, '0'))) as level
    from (select distinct code from by_code) c
    cross join lateral (select substr(c.code, 1, d) || repeat('0', 8 - d) as node from generate_series(2, 8) d) n
    where n.node = c.code or n.node <> all(${unlistedAncestors}::text[])
  ),
  ordered as (
    select code, org is distinct from lag(org) over w as new_buyer, lag(code) over w as previous
    from (select org, code collate "C" as code from lines) p
    window w as (order by org, code)
  ),
  runs as (
    select code,
           count(*) filter (where new_buyer or substr(previous, 1, 2) <> substr(code, 1, 2)) as opened_2,
           count(*) filter (where new_buyer or substr(previous, 1, 3) <> substr(code, 1, 3)) as opened_3,
           count(*) filter (where new_buyer or substr(previous, 1, 4) <> substr(code, 1, 4)) as opened_4,
           count(*) filter (where new_buyer or substr(previous, 1, 5) <> substr(code, 1, 5)) as opened_5,
           count(*) filter (where new_buyer or substr(previous, 1, 6) <> substr(code, 1, 6)) as opened_6,
           count(*) filter (where new_buyer or substr(previous, 1, 7) <> substr(code, 1, 7)) as opened_7,
           count(*) filter (where new_buyer or previous <> code) as opened_8
    from ordered group by code
  ),
  node_buyers as (
    select t.node, sum(case t.level when 2 then r.opened_2 when 3 then r.opened_3 when 4 then r.opened_4
                                    when 5 then r.opened_5 when 6 then r.opened_6 when 7 then r.opened_7 else r.opened_8 end) as buyers
    from tree t join runs r on r.code = t.code group by t.node
  ),
  node_sums as (
    select t.node, b.unit, grouping(b.unit) = 1 as all_units,
           sum(b.value_eur) as value_eur, sum(b.lines) as lines, sum(b.quantity) as quantity, sum(b.total_quantity) as total_quantity
    from by_code b join tree t on t.code = b.code
    group by grouping sets ((t.node), (t.node, b.unit))
  ),
  direct as (
    select code, unit, grouping(unit) = 1 as all_units,
           sum(value_eur) as value_eur, sum(lines) as lines, sum(quantity) as quantity, sum(total_quantity) as total_quantity
    from by_code group by grouping sets ((code), (code, unit))
  ),
  buyers as materialized (
    select o.id, o.name, o.country::text as country, o.buyer_legal_type, sum(s.value_eur) as value_eur, sum(s.lines) as lines
    from sums s join organisations o on o.id = s.org
    where not s.per_code group by o.id
  )
  select case when s.all_units then 'node' else 'node_unit' end as kind, s.node as key, s.unit, s.value_eur::text, s.lines::text,
         nb.buyers::text, s.quantity::text, s.total_quantity::text, null::text as name, null::text as country, null::text as legal_type
    from node_sums s join node_buyers nb on nb.node = s.node
  union all
  select case when all_units then 'direct' else 'direct_unit' end, code, unit, value_eur::text, lines::text, null, quantity::text, total_quantity::text, null, null, null
    from direct
  union all
  select 'year', year::text, null, sum(value_eur)::text, sum(lines)::text, count(*)::text, null, null, null, null, null
    from sums where not per_code group by year
  union all
  select 'country', country, null, sum(value_eur)::text, sum(lines)::text, count(*)::text, null, null, null, null, null from buyers group by country
  union all
  select 'type', buyer_legal_type, null, sum(value_eur)::text, sum(lines)::text, count(*)::text, null, null, null, null, null from buyers group by buyer_legal_type
  union all
  select 'total', null, null, sum(value_eur)::text, sum(lines)::text, count(*)::text, null, null, null, null, null from buyers
  union all
  select 'buyer', id::text, null, null, null, null, null, null, name, country, buyer_legal_type from buyers
  union all
  select distinct 'currency', currency, null, null, null, null, null, null, null, null, null from sums where per_code
  union all
  select 'version', v.id::text, null, null, null, null, null, null, null, null, null
    from need_versions v
    where v.statement_id = ${statementId} and v.status = 'confirmed' and exists (select 1 from need_lines l where l.version_id = v.id)`;

interface AggregateRow {
  kind:
    | 'node'
    | 'node_unit'
    | 'direct'
    | 'direct_unit'
    | 'year'
    | 'country'
    | 'type'
    | 'total'
    | 'buyer'
    | 'currency'
    | 'version';
  key: string | null;
  unit: string | null;
  value_eur: string | null;
  lines: string | null;
  buyers: string | null;
  quantity: string | null;
  total_quantity: string | null;
  name: string | null;
  country: string | null;
  legal_type: string | null;
}

const n = (v: string | null | undefined) => normaliseDecimal(v ?? '0');

export async function confirmedCurrencies(db: DbOrTx, statementId: string): Promise<string[]> {
  const rows = await db
    .selectFrom('need_lines')
    .innerJoin('need_versions', 'need_versions.id', 'need_lines.version_id')
    .select('need_lines.currency')
    .distinct()
    .where('need_lines.statement_id', '=', statementId)
    .where('need_versions.status', '=', 'confirmed')
    .execute();
  return rows.map((r) => r.currency).sort();
}

export async function aggregateConfirmedNeeds(
  db: DbOrTx,
  statementId: string,
  rates: ExchangeRateTable,
  /** The day converted for and the oldest rate allowed then (domain/currency.ts `staleRates`); none: any age. */
  freshness?: { day: string; maxAgeDays: number },
): Promise<Aggregate> {
  // Only usable rates go to SQL (a zero or malformed one would fail there obscurely); a line in a
  // currency without one gets no value, and the currencies that occurred are checked below,
  // before any of it is used.
  const usable = Object.keys(rates.rates).filter((c) => c !== 'EUR' && missingRates([c], rates).length === 0);
  const { rows } = await statementSql(
    statementId,
    usable,
    usable.map((c) => rates.rates[c]!),
    cpvUnlistedAncestors,
  ).execute(db);

  const of = (kind: AggregateRow['kind']) => rows.filter((r) => r.kind === kind);
  const currencies = of('currency')
    .map((r) => r.key!.trim())
    .sort();
  const missing = missingRates(currencies, rates);
  const stale = freshness ? staleRates(currencies, rates, freshness.day, freshness.maxAgeDays) : [];
  if (missing.length > 0 || stale.length > 0) throw unusableRatesError(missing, stale);

  const byKey = <T>(a: T[], key: (t: T) => string | number) =>
    a.sort((x, y) => (key(x) < key(y) ? -1 : key(x) > key(y) ? 1 : 0));
  const group = (r: AggregateRow) => ({
    valueEur: n(r.value_eur),
    lines: Number(r.lines ?? 0),
    buyers: Number(r.buyers ?? 0),
  });
  const quantity = (r: AggregateRow): UnitQuantity => ({
    unit: r.unit!,
    firmQuantity: n(r.quantity),
    totalQuantity: n(r.total_quantity),
  });
  const perKey = (list: AggregateRow[]) => {
    const map = new Map<string, AggregateRow[]>();
    for (const r of list) {
      const rowsOfKey = map.get(r.key!);
      if (rowsOfKey) rowsOfKey.push(r);
      else map.set(r.key!, [r]);
    }
    return map;
  };
  const nodeUnits = perKey(of('node_unit'));
  const direct = new Map(of('direct').map((r) => [r.key!, r]));
  const directUnits = perKey(of('direct_unit'));
  const total = of('total')[0];
  const byCountry = of('country');

  return {
    totals: {
      valueEur: n(total?.value_eur),
      buyers: Number(total?.buyers ?? 0),
      countries: byCountry.length,
      lines: Number(total?.lines ?? 0),
    },
    byCpv: byKey(of('node'), (r) => r.key!).map((r) => {
      const code = r.key!;
      const own = direct.get(code);
      return {
        cpvCode: code,
        level: cpvLevel(code),
        parentCode: cpvParent(code),
        ...group(r),
        quantities: byKey((nodeUnits.get(code) ?? []).map(quantity), (q) => q.unit),
        direct: {
          valueEur: own ? n(own.value_eur) : '0',
          lines: own ? Number(own.lines) : 0,
          quantities: byKey((directUnits.get(code) ?? []).map(quantity), (q) => q.unit),
        },
      };
    }),
    byCountry: byKey(
      byCountry.map((r) => ({ country: r.key!.trim(), ...group(r) })),
      (r) => r.country,
    ),
    byDeliveryYear: byKey(
      of('year').map((r) => ({ year: Number(r.key), ...group(r) })),
      (r) => r.year,
    ),
    byBuyerType: byKey(
      of('type').map((r) => ({ buyerLegalType: r.key!, ...group(r) })),
      (r) => r.buyerLegalType,
    ),
    buyers: byKey(
      of('buyer').map((b) => ({
        orgId: b.key!,
        name: b.name!,
        country: b.country!.trim(),
        buyerLegalType: b.legal_type!,
      })),
      (b) => b.orgId,
    ),
    conversion: {
      date: rates.date,
      source: rates.source,
      rates: Object.fromEntries(currencies.filter((c) => c !== 'EUR').map((c) => [c, rates.rates[c]!])),
    },
    versionIds: of('version')
      .map((v) => v.key!)
      .sort(),
  };
}

export async function findRateTable(db: DbOrTx, onOrBefore: string): Promise<ExchangeRateTable | undefined> {
  const row = await db
    .selectFrom('exchange_rate_tables')
    .selectAll()
    .where('rate_date', '<=', onOrBefore)
    .orderBy('rate_date', 'desc')
    .limit(1)
    .executeTakeFirst();
  return row ? { date: row.rate_date, source: row.source, rates: row.rates } : undefined;
}

export async function findRateTableOn(db: DbOrTx, date: string): Promise<ExchangeRateTable | undefined> {
  const row = await db.selectFrom('exchange_rate_tables').selectAll().where('rate_date', '=', date).executeTakeFirst();
  return row ? { date: row.rate_date, source: row.source, rates: row.rates } : undefined;
}

export async function listRateTables(
  db: DbOrTx,
  page: { limit: number; offset: number },
): Promise<ExchangeRateTable[]> {
  const rows = await db
    .selectFrom('exchange_rate_tables')
    .selectAll()
    .orderBy('rate_date', 'desc')
    .limit(page.limit)
    .offset(page.offset)
    .execute();
  return rows.map((row) => ({ date: row.rate_date, source: row.source, rates: row.rates }));
}

export async function saveRateTable(db: DbOrTx, table: ExchangeRateTable, userId: string | null): Promise<void> {
  await db
    .insertInto('exchange_rate_tables')
    .values({ rate_date: table.date, source: table.source, rates: JSON.stringify(table.rates), created_by: userId })
    .onConflict((oc) =>
      oc
        .column('rate_date')
        .doUpdateSet({ source: table.source, rates: JSON.stringify(table.rates), created_by: userId }),
    )
    .execute();
}

export async function insertSnapshot(
  db: DbOrTx,
  s: {
    id: string;
    statementId: string;
    round: number;
    computedAt: Date;
    rateDate: string;
    aggregate: Aggregate;
    criticalMass: { met: boolean };
    thresholds: unknown;
    crossBorder: unknown;
    hash: string;
  },
): Promise<void> {
  await db
    .insertInto('aggregate_snapshots')
    .values({
      id: s.id,
      statement_id: s.statementId,
      round: s.round,
      computed_at: s.computedAt,
      rate_date: s.rateDate,
      version_ids: s.aggregate.versionIds,
      aggregate: JSON.stringify(s.aggregate),
      critical_mass: JSON.stringify(s.criticalMass),
      thresholds: JSON.stringify(s.thresholds),
      cross_border: JSON.stringify(s.crossBorder),
      critical_mass_met: s.criticalMass.met,
      total_value_eur: s.aggregate.totals.valueEur,
      snapshot_hash: s.hash,
    })
    .onConflict((oc) => oc.column('id').doNothing())
    .execute();
}

export async function findSnapshot(db: DbOrTx, id: string) {
  return db.selectFrom('aggregate_snapshots').selectAll().where('id', '=', id).executeTakeFirst();
}

export async function latestSnapshot(db: DbOrTx, statementId: string) {
  return db
    .selectFrom('aggregate_snapshots')
    .selectAll()
    .where('statement_id', '=', statementId)
    .orderBy('computed_at', 'desc')
    .limit(1)
    .executeTakeFirst();
}
