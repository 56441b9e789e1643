import { stringify } from 'csv-stringify/sync';
import type { Principal } from '../../domain/authorization.js';
import { spreadsheetRow } from '../../rules/text-hygiene.js';
import type { RequestMeta, ServiceContext } from '../context.js';
import { authorizeTracking } from './authorize-tracking.js';
import { loadDashboard, type DashboardFilter } from './get-dashboard.js';

const columns = [
  'id', 'title', 'stage', 'stage_entered_at', 'days_in_stage', 'next_deadline', 'overdue', 'published', 'grouping_kind', 'grouping',
  'sectors', 'cpv_codes', 'lead', 'lead_country', 'buyers', 'countries', 'value_eur', 'critical_mass_met', 'failed_rules',
  'above_eu_threshold', 'cross_border', 'suppliers_engaged', 'created_at',
] as const;

/** Every pilot matching the filters, one row each, as on the dashboard; amounts keep their exact decimals. */
export async function exportPilotsCsv(ctx: ServiceContext, principal: Principal, filter: DashboardFilter, meta: RequestMeta) {
  await authorizeTracking(ctx, principal, meta, 'exportPilots');
  const now = new Date();
  const dashboard = await loadDashboard(ctx, { ...filter, limit: 100_000, offset: 0 }, now);
  const yesNo = (b: boolean | null) => (b === null ? '' : b ? 'yes' : 'no');
  const rows = dashboard.pilots.map((p) => ({
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
    critical_mass_met: yesNo(p.criticalMassMet),
    failed_rules: (p.failedRules ?? []).join(' '),
    above_eu_threshold: yesNo(p.aboveEuThreshold),
    cross_border: yesNo(p.crossBorder),
    suppliers_engaged: p.suppliersEngaged,
    created_at: p.createdAt,
  }));
  // Titles and names are typed by users: every cell is neutralised (OWASP CSV injection).
  const cells = rows.map((r) => spreadsheetRow(r, columns));
  return { csv: stringify(cells, { header: true, columns: [...columns] }), filename: `pilots-${now.toISOString().slice(0, 10)}.csv` };
}
