import { stringify } from 'csv-stringify/sync';

import { type PilotCursor, queryPilotPage } from '../../db/dashboard.js';
import type { Principal } from '../../domain/authorization.js';
import { deadlineStages } from '../../rules/stages.js';
import { spreadsheetRow } from '../../rules/text-hygiene.js';
import type { RequestMeta, ServiceContext } from '../context.js';
import { authorizeTracking } from './authorize-tracking.js';
import type { PilotView } from './dashboard-contracts.js';
import { type DashboardFilter, toPilotView } from './get-dashboard.js';

const columns = [
  'id',
  'title',
  'stage',
  'stage_entered_at',
  'days_in_stage',
  'next_deadline',
  'overdue',
  'published',
  'grouping_kind',
  'grouping',
  'sectors',
  'cpv_codes',
  'lead',
  'lead_country',
  'buyers',
  'countries',
  'value_eur',
  'rates_date',
  'rates_source',
  'critical_mass_met',
  'failed_rules',
  'above_eu_threshold',
  'cross_border',
  'procurement_route',
  'central_purchasing_body',
  'suppliers_engaged',
  'created_at',
] as const;

/** Pilots read per query while the file is written. */
const exportPageSize = 1000;

/**
 * Every pilot matching the filters, one row each, as on the dashboard; amounts keep their exact
 * decimals. Authorised first; then `chunks` reads the read model a page at a time (following the
 * cursor) and yields the CSV text of each page, the header first, so memory stays flat however
 * many pilots there are.
 */
export async function exportPilotsCsv(
  ctx: ServiceContext,
  principal: Principal,
  filter: DashboardFilter,
  meta: RequestMeta,
) {
  await authorizeTracking(ctx, principal, meta, 'exportPilots');
  const now = new Date();
  return { chunks: csvChunks(ctx, filter, now), filename: `pilots-${now.toISOString().slice(0, 10)}.csv` };
}

async function* csvChunks(
  ctx: ServiceContext,
  filter: DashboardFilter,
  now: Date,
): AsyncGenerator<string, void, undefined> {
  yield stringify([], { header: true, columns: [...columns] });
  let after: PilotCursor | undefined;
  do {
    const page = await queryPilotPage(ctx.db, { ...filter, now, limit: exportPageSize, after, deadlineStages });
    if (page.pilots.length > 0)
      yield stringify(
        page.pilots.map((p) => csvRow(toPilotView(p, now))),
        { columns: [...columns] },
      );
    after = page.next ?? undefined;
  } while (after);
}

const yesNo = (b: boolean | null) => (b === null ? '' : b ? 'yes' : 'no');

function csvRow(p: PilotView) {
  // Titles and names are typed by users: every cell is neutralised (OWASP CSV injection).
  return spreadsheetRow(
    {
      id: p.id,
      title: p.title,
      stage: p.stage,
      stage_entered_at: p.stageEnteredAt,
      days_in_stage: p.daysInStage,
      next_deadline: p.nextDeadline ?? '',
      overdue: yesNo(p.overdue),
      published: yesNo(p.published),
      grouping_kind: p.grouping?.kind ?? '',
      grouping: p.grouping?.name ?? '',
      sectors: p.sectors.join(' '),
      cpv_codes: p.cpvCodes.join(' '),
      lead: p.lead.name,
      lead_country: p.lead.country,
      buyers: p.buyers,
      countries: p.countries.join(' '),
      value_eur: p.valueEur ?? '',
      // Beside a value converted from other currencies, the rate table it was converted with.
      rates_date: p.conversion?.currencies.length ? p.conversion.date : '',
      rates_source: p.conversion?.currencies.length ? p.conversion.source : '',
      critical_mass_met: yesNo(p.criticalMassMet),
      failed_rules: (p.failedRules ?? []).join(' '),
      above_eu_threshold: yesNo(p.aboveEuThreshold),
      cross_border: yesNo(p.crossBorder),
      procurement_route: p.procurementRoute.route,
      central_purchasing_body: p.procurementRoute.centralPurchasingBody
        ? `${p.procurementRoute.centralPurchasingBody.name} (${p.procurementRoute.centralPurchasingBody.country})`
        : '',
      suppliers_engaged: p.suppliersEngaged,
      created_at: p.createdAt,
    },
    columns,
  );
}
