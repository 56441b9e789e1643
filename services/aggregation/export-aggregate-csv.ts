import { stringify } from 'csv-stringify/sync';

import type { Aggregate } from '../../domain/aggregation.js';
import type { Principal } from '../../domain/authorization.js';
import type { CriticalMassVerdict } from '../../domain/critical-mass.js';
import { verdictLimits } from '../../domain/disclosure/protected-views.js';
import { shownAmount } from '../../domain/money.js';
import { completeThresholdCheck } from '../../domain/thresholds.js';
import { spreadsheetRow } from '../../rules/text-hygiene.js';
import type { RequestMeta, ServiceContext } from '../context.js';
import { authorizeStatement } from '../statements/authorize-statement.js';
import { loadLatestSnapshot } from './get-aggregate.js';

const columns = [
  'dimension',
  'key',
  'level',
  'parent',
  'value_eur',
  'lines',
  'buyers',
  'unit',
  'firm_quantity',
  'total_quantity',
  'rates_date',
  'rates_source',
] as const;
type Row = Partial<Record<(typeof columns)[number], string | number | null>>;

/**
 * The lead's spreadsheet of the aggregate: one row per group, and per unit for CPV nodes, so
 * quantities in different units stay in different rows. Amounts are shown by the one rule
 * (rules/money.ts): to the cent, or exactly where the cents would misread a verdict. Every
 * row with a value converted from another currency names the rate table's date and source beside
 * it (empty when every amount was in EUR), so a figure copied out of the file keeps its provenance.
 */
export async function exportAggregateCsv(
  ctx: ServiceContext,
  principal: Principal,
  statementId: string,
  meta: RequestMeta,
) {
  await authorizeStatement(ctx, principal, statementId, 'exportAggregate', meta);
  const snapshot = await loadLatestSnapshot(ctx, statementId);
  const a = snapshot.aggregate as Aggregate;
  const limits = verdictLimits(
    snapshot.critical_mass as CriticalMassVerdict,
    completeThresholdCheck(snapshot.thresholds),
  );
  const money = (exact: string) => shownAmount(exact, limits);
  const rows: Row[] = [
    {
      dimension: 'total',
      key: 'all',
      value_eur: money(a.totals.valueEur),
      lines: a.totals.lines,
      buyers: a.totals.buyers,
    },
  ];
  for (const n of a.byCpv) {
    const base = {
      dimension: 'cpv',
      key: n.cpvCode,
      level: n.level,
      parent: n.parentCode,
      value_eur: money(n.valueEur),
      lines: n.lines,
      buyers: n.buyers,
    };
    if (n.quantities.length === 0) rows.push(base);
    for (const q of n.quantities)
      rows.push({ ...base, unit: q.unit, firm_quantity: q.firmQuantity, total_quantity: q.totalQuantity });
  }
  for (const g of a.byCountry)
    rows.push({ dimension: 'country', key: g.country, value_eur: money(g.valueEur), lines: g.lines, buyers: g.buyers });
  for (const g of a.byDeliveryYear)
    rows.push({
      dimension: 'delivery_year',
      key: g.year,
      value_eur: money(g.valueEur),
      lines: g.lines,
      buyers: g.buyers,
    });
  for (const g of a.byBuyerType)
    rows.push({
      dimension: 'buyer_type',
      key: g.buyerLegalType,
      value_eur: money(g.valueEur),
      lines: g.lines,
      buyers: g.buyers,
    });
  const converted = Object.keys(a.conversion.rates).length > 0;
  const provenance: Row = converted ? { rates_date: a.conversion.date, rates_source: a.conversion.source } : {};
  // Every cell neutralised (OWASP CSV injection), whatever its column holds today.
  const csv = stringify(
    rows.map((r) => spreadsheetRow({ ...r, ...provenance }, columns)),
    { header: true, columns: [...columns] },
  );
  return {
    csv,
    filename: `aggregate-${statementId}-round-${snapshot.round}.csv`,
    snapshotHash: snapshot.snapshot_hash,
  };
}
