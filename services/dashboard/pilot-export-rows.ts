import { type PilotCursor, queryPilotPage } from '../../db/dashboard.js';
import { translatorFor } from '../../i18n/index.js';
import { deadlineStages } from '../../rules/stages.js';
import type { ServiceContext } from '../context.js';
import type { PilotView } from './dashboard-contracts.js';
import { type DashboardFilter, toPilotView } from './get-dashboard.js';

/** The languages the pilot exports are written in (the server catalogues'). */
export const exportLanguages = ['en', 'fr', 'de'] as const;
export type ExportLanguage = (typeof exportLanguages)[number];

export const pilotColumns = [
  'id',
  'title',
  'stage',
  'stage_entered_at',
  'days_in_stage',
  'next_deadline',
  'overdue',
  'stuck',
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
export type PilotColumn = (typeof pilotColumns)[number];

/**
 * A cell before it is written: text, a number (counts; the value as its exact decimal string,
 * flagged `decimal` so each format writes it as a number), a point in time, a yes/no, or empty.
 */
export type PilotCell =
  string | number | boolean | { decimal: string } | { date: string } | { dateTime: string } | null;

/** The words of a pilot export's coded values, in its language (the words the web uses). */
export interface PilotWords {
  stage: (stage: PilotView['stage']) => string;
  route: (route: PilotView['procurementRoute']['route']) => string;
  groupingKind: (kind: NonNullable<PilotView['grouping']>['kind']) => string;
  /** The reasons a pilot is stuck, in words, or `no`. */
  stuck: (stuck: PilotView['stuck']) => string;
}

/** The headers of the pilot exports, and the words of their coded values, in `lang`. */
export function pilotHeaders(lang: ExportLanguage): {
  sheet: string;
  yes: string;
  no: string;
  headers: string[];
  words: PilotWords;
} {
  const t = translatorFor(lang);
  const no = t('pilotExport.no');
  return {
    sheet: t('pilotExport.sheet'),
    yes: t('pilotExport.yes'),
    no,
    headers: pilotColumns.map((c) => t(`pilotExport.columns.${c}`)),
    words: {
      stage: (stage) => t(`pilotExport.stages.${stage}`),
      route: (route) => t(`pilotExport.routes.${route}`),
      groupingKind: (kind) => t(`pilotExport.groupingKinds.${kind}`),
      stuck: (stuck) => {
        if (!stuck) return no;
        const step = stuck.failedStep;
        return stuck.reasons
          .map((r) =>
            r === 'process_failure' && step
              ? t('pilotExport.stuckWithStep', {
                  reason: t(`pilotExport.stuckReasons.${r}`),
                  step: t(`pilotExport.failureSteps.${step.kind}`, {
                    stage: step.stage ? t(`pilotExport.stages.${step.stage}`) : '',
                  }),
                })
              : t(`pilotExport.stuckReasons.${r}`),
          )
          .join(', ');
      },
    },
  };
}

/** One pilot as the exports' cells, in column order: the same figures as on the dashboard, codes in `words`. */
export function pilotCells(p: PilotView, words: PilotWords): PilotCell[] {
  const converted = Boolean(p.conversion?.currencies.length);
  const cells: Record<PilotColumn, PilotCell> = {
    id: p.id,
    title: p.title,
    stage: words.stage(p.stage),
    stage_entered_at: { dateTime: p.stageEnteredAt },
    days_in_stage: p.daysInStage,
    next_deadline: p.nextDeadline ? { dateTime: p.nextDeadline } : null,
    overdue: p.overdue,
    stuck: words.stuck(p.stuck),
    published: p.published,
    grouping_kind: p.grouping ? words.groupingKind(p.grouping.kind) : null,
    grouping: p.grouping?.name ?? null,
    sectors: p.sectors.join(' '),
    cpv_codes: p.cpvCodes.join(' '),
    lead: p.lead.name,
    lead_country: p.lead.country,
    buyers: p.buyers,
    countries: p.countries.join(' '),
    value_eur: p.valueEur === null ? null : { decimal: p.valueEur },
    // Beside a value converted from other currencies, the rate table it was converted with.
    rates_date: converted && p.conversion ? { date: p.conversion.date } : null,
    rates_source: converted && p.conversion ? p.conversion.source : null,
    critical_mass_met: p.criticalMassMet,
    failed_rules: (p.failedRules ?? []).join(' '),
    above_eu_threshold: p.aboveEuThreshold,
    cross_border: p.crossBorder,
    procurement_route: words.route(p.procurementRoute.route),
    central_purchasing_body: p.procurementRoute.centralPurchasingBody
      ? `${p.procurementRoute.centralPurchasingBody.name} (${p.procurementRoute.centralPurchasingBody.country})`
      : null,
    suppliers_engaged: p.suppliersEngaged,
    created_at: { dateTime: p.createdAt },
  };
  return pilotColumns.map((c) => cells[c]);
}

/** Pilots read per query while an export is written. */
const exportPageSize = 1000;

/**
 * Every pilot matching the filters, as the dashboard shows them, a page of the read model at a
 * time (following the cursor), so memory stays flat however many pilots there are.
 */
export async function* pilotViewPages(
  ctx: ServiceContext,
  filter: DashboardFilter,
  now: Date,
): AsyncGenerator<PilotView[], void, undefined> {
  let after: PilotCursor | undefined;
  do {
    const page = await queryPilotPage(ctx.db, { ...filter, now, limit: exportPageSize, after, deadlineStages });
    if (page.pilots.length > 0) yield page.pilots.map((p) => toPilotView(p, now));
    after = page.next ?? undefined;
  } while (after);
}
