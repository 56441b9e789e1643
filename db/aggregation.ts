import { sql } from 'kysely';
import { missingRateError, missingRates, normaliseDecimal, type ExchangeRateTable } from '../domain/money.js';
import type { Aggregate, UnitQuantity } from '../domain/aggregation.js';
import { cpvAncestors, cpvLevel } from '../domain/cpv.js';
import type { DbOrTx } from './database.js';

/**
 * Aggregates the confirmed needs of a statement in SQL, with exact NUMERIC arithmetic, into the
 * same shape as the pure reference in domain/aggregation.ts (which the tests hold it to).
 *
 * A line's EUR value is (quantity + options + renewals) × unit price ÷ rate, truncated at 22
 * decimals by integer division and then rounded half-up to 20, exactly as domain/money.ts does.
 */
const lineValues = (statementId: string, rates: Record<string, string>) => sql`
  select l.version_id, l.organisation_id, o.country, o.buyer_legal_type, l.cpv_code, l.unit, l.currency, l.from_year,
         l.quantity,
         l.quantity + l.optional_quantity + l.renewal_count * l.renewal_quantity as total_quantity,
         case when l.currency = 'EUR'
           then (l.quantity + l.optional_quantity + l.renewal_count * l.renewal_quantity) * l.unit_price
           else round(div((l.quantity + l.optional_quantity + l.renewal_count * l.renewal_quantity) * l.unit_price * (10::numeric ^ 22),
                          (${JSON.stringify(rates)}::jsonb ->> l.currency)::numeric) * 0.0000000000000000000001, 20)
         end as value_eur
  from need_lines l
  join need_versions v on v.id = l.version_id and v.status = 'confirmed'
  join organisations o on o.id = l.organisation_id
  where l.statement_id = ${statementId} and v.statement_id = ${statementId}`;

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

export async function aggregateConfirmedNeeds(db: DbOrTx, statementId: string, rates: ExchangeRateTable): Promise<Aggregate> {
  const currencies = await confirmedCurrencies(db, statementId);
  const missing = missingRates(currencies, rates);
  if (missing.length > 0) throw missingRateError(missing);

  // One pass over the lines for every flat grouping; grouping() tells the sets apart.
  const flat = await sql<{
    g_country: number; g_year: number; g_type: number; g_code: number; g_unit: number;
    country: string | null; from_year: number | null; buyer_legal_type: string | null; cpv_code: string | null; unit: string | null;
    value_eur: string; lines: string; buyers: string; quantity: string; total_quantity: string;
  }>`
    with l as (${lineValues(statementId, rates.rates)})
    select grouping(country) as g_country, grouping(from_year) as g_year, grouping(buyer_legal_type) as g_type,
           grouping(cpv_code) as g_code, grouping(unit) as g_unit,
           country, from_year, buyer_legal_type, cpv_code, unit,
           sum(value_eur)::text as value_eur, count(*)::text as lines, count(distinct organisation_id)::text as buyers,
           sum(quantity)::text as quantity, sum(total_quantity)::text as total_quantity
    from l
    group by grouping sets ((), (country), (from_year), (buyer_legal_type), (cpv_code), (cpv_code, unit))`.execute(db);

  // Every node of the CPV tree a line falls under (its code and its ancestors, without repeats).
  const nodes = await sql<{ g_unit: number; node: string; unit: string | null; value_eur: string; lines: string; buyers: string; quantity: string; total_quantity: string }>`
    with l as (${lineValues(statementId, rates.rates)})
    select grouping(unit) as g_unit, node, unit,
           sum(value_eur)::text as value_eur, count(*)::text as lines, count(distinct organisation_id)::text as buyers,
           sum(quantity)::text as quantity, sum(total_quantity)::text as total_quantity
    from l
    cross join lateral (
      select distinct unnest(array[
        substr(l.cpv_code, 1, 2) || '000000', substr(l.cpv_code, 1, 3) || '00000',
        substr(l.cpv_code, 1, 4) || '0000', substr(l.cpv_code, 1, 5) || '000', l.cpv_code::text]) as node
    ) nodes
    group by grouping sets ((node), (node, unit))`.execute(db);

  const buyers = await sql<{ org_id: string; name: string; country: string; buyer_legal_type: string }>`
    select distinct o.id as org_id, o.name, o.country, o.buyer_legal_type
    from need_versions v join organisations o on o.id = v.organisation_id
    where v.statement_id = ${statementId} and v.status = 'confirmed'
      and exists (select 1 from need_lines l where l.version_id = v.id)`.execute(db);
  const versions = await sql<{ id: string }>`
    select distinct v.id from need_versions v
    where v.statement_id = ${statementId} and v.status = 'confirmed' and exists (select 1 from need_lines l where l.version_id = v.id)`.execute(db);

  const rows = flat.rows;
  const total = rows.find((r) => r.g_country && r.g_year && r.g_type && r.g_code && r.g_unit);
  const only = (key: 'g_country' | 'g_year' | 'g_type' | 'g_code') =>
    rows.filter((r) => !r[key] && (['g_country', 'g_year', 'g_type', 'g_code'] as const).every((k) => k === key || r[k]) && r.g_unit);
  const group = (r: { value_eur: string; lines: string; buyers: string }) => ({ valueEur: n(r.value_eur), lines: Number(r.lines), buyers: Number(r.buyers) });
  const quantity = (r: { unit: string | null; quantity: string; total_quantity: string }): UnitQuantity => ({
    unit: r.unit!,
    firmQuantity: n(r.quantity),
    totalQuantity: n(r.total_quantity),
  });
  const byKey = <T>(a: T[], key: (t: T) => string | number) => a.sort((x, y) => (key(x) < key(y) ? -1 : key(x) > key(y) ? 1 : 0));

  const directByCode = new Map(only('g_code').map((r) => [r.cpv_code!, r]));
  const directUnits = rows.filter((r) => !r.g_code && !r.g_unit);
  const nodeTotals = nodes.rows.filter((r) => r.g_unit);
  const nodeUnits = nodes.rows.filter((r) => !r.g_unit);

  return {
    totals: {
      valueEur: n(total?.value_eur),
      buyers: buyers.rows.length,
      countries: only('g_country').length,
      lines: Number(total?.lines ?? 0),
    },
    byCpv: byKey(nodeTotals, (r) => r.node).map((r) => {
      const direct = directByCode.get(r.node);
      return {
        cpvCode: r.node,
        level: cpvLevel(r.node),
        parentCode: cpvAncestors(r.node).at(-1) ?? null,
        ...group(r),
        quantities: byKey(nodeUnits.filter((u) => u.node === r.node).map(quantity), (q) => q.unit),
        direct: {
          valueEur: direct ? n(direct.value_eur) : '0',
          lines: direct ? Number(direct.lines) : 0,
          quantities: byKey(directUnits.filter((u) => u.cpv_code === r.node).map(quantity), (q) => q.unit),
        },
      };
    }),
    byCountry: byKey(only('g_country').map((r) => ({ country: r.country!.trim(), ...group(r) })), (r) => r.country),
    byDeliveryYear: byKey(only('g_year').map((r) => ({ year: r.from_year!, ...group(r) })), (r) => r.year),
    byBuyerType: byKey(only('g_type').map((r) => ({ buyerLegalType: r.buyer_legal_type!, ...group(r) })), (r) => r.buyerLegalType),
    buyers: byKey(
      buyers.rows.map((b) => ({ orgId: b.org_id, name: b.name, country: b.country.trim(), buyerLegalType: b.buyer_legal_type })),
      (b) => b.orgId,
    ),
    conversion: {
      date: rates.date,
      source: rates.source,
      rates: Object.fromEntries(currencies.filter((c) => c !== 'EUR').map((c) => [c, rates.rates[c]!])),
    },
    versionIds: versions.rows.map((v) => v.id).sort(),
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

export async function saveRateTable(db: DbOrTx, table: ExchangeRateTable, userId: string | null): Promise<void> {
  await db
    .insertInto('exchange_rate_tables')
    .values({ rate_date: table.date, source: table.source, rates: JSON.stringify(table.rates), created_by: userId })
    .onConflict((oc) => oc.column('rate_date').doUpdateSet({ source: table.source, rates: JSON.stringify(table.rates), created_by: userId }))
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
