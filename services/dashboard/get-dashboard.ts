import { type PilotCursor, type PilotFilter, type PilotRecord, queryDashboard } from '../../db/dashboard.js';
import type { Principal } from '../../domain/authorization.js';
import { shownAmount } from '../../domain/money.js';
import { daysInStage } from '../../domain/pilot-tracking.js';
import { stuckOf } from '../../domain/stuck-pilots.js';
import { activeParticipantStatuses, deadlineStages, type Stage } from '../../rules/stages.js';
import type { RequestMeta, ServiceContext } from '../context.js';
import { authorizeTracking } from './authorize-tracking.js';
import { type DashboardView, encodePilotCursor, type PilotView } from './dashboard-contracts.js';

export type DashboardFilter = Omit<PilotFilter, 'statementId'>;
/** A page: how many pilots, and where it starts (after the previous page's last pilot). */
export interface PilotPaging {
  limit: number;
  cursor?: PilotCursor | undefined;
}

const iso = (v: string | null) => (v === null ? null : new Date(v).toISOString());

/**
 * The stuck rule over a read model row. The row knows an open process failure from its recorded
 * event; the pilot page may pass the live process's, which a run recorded before failures were
 * recorded keeps to itself.
 */
export function pilotStuck(r: PilotRecord, now: Date, processFailure: { at: Date } | null = null): PilotView['stuck'] {
  const recorded =
    r.failure_at !== null && r.failure_at !== undefined
      ? { at: new Date(r.failure_at), ...(r.failure_step ? { step: r.failure_step } : {}) }
      : null;
  const stuck = stuckOf(
    {
      stage: r.stage as Stage,
      stageEnteredAt: new Date(r.stage_entered_at),
      deadline: r.stage_deadline === null ? null : new Date(r.stage_deadline),
      aggregationBlocked:
        r.blocked_codes && r.blocked_since ? { codes: r.blocked_codes, since: new Date(r.blocked_since) } : null,
      processFailure: recorded ?? processFailure,
    },
    now,
  );
  return (
    stuck && {
      reasons: stuck.reasons,
      since: stuck.since.toISOString(),
      actors: stuck.actors,
      failedStep: stuck.failedStep ?? null,
    }
  );
}

export function toPilotView(r: PilotRecord, now: Date, processFailure: { at: Date } | null = null): PilotView {
  return {
    id: r.id,
    title: r.title,
    stage: r.stage as Stage,
    stageEnteredAt: iso(r.stage_entered_at)!,
    daysInStage: daysInStage(new Date(r.stage_entered_at), now),
    nextDeadline: iso(r.stage_deadline),
    overdue: r.overdue,
    stuck: pilotStuck(r, now, processFailure),
    published: r.stage === 'published',
    cpvCodes: r.cpv_codes,
    sectors: r.sectors,
    grouping: r.grouping_kind && r.grouping_name ? { kind: r.grouping_kind, name: r.grouping_name } : null,
    lead: { id: r.lead_id, name: r.lead_name, country: r.lead_country.trim() },
    buyers: r.buyers,
    countries: r.countries,
    // Shown to the cent by the one rule (rules/money.ts); the pilot summaries keep the exact sums.
    valueEur: r.value_eur === null ? null : shownAmount(r.value_eur),
    aggregatedAt: iso(r.snapshot_at),
    conversion: r.rates,
    criticalMassMet: r.critical_mass_met,
    failedRules: r.snapshot_at === null ? null : (r.failed_rules ?? []),
    thresholds: r.thresholds === null ? null : (r.thresholds as PilotView['thresholds']),
    aboveEuThreshold: r.above_eu_threshold,
    crossBorder: r.cross_border,
    procurementRoute: {
      route: r.procurement_route,
      centralPurchasingBody:
        r.procurement_route === 'central_purchasing_body' && r.cpb_name !== null
          ? { name: r.cpb_name, country: (r.cpb_country ?? '').trim() }
          : null,
    },
    suppliersEngaged: r.suppliers,
    createdAt: iso(r.created_at)!,
  };
}

/** Reads the dashboard without an authorisation check: for the digest and exports, which check first. */
export async function loadDashboard(
  ctx: ServiceContext,
  filter: PilotFilter & PilotPaging,
  now = new Date(),
  /** A process failure the live process keeps, for the one pilot whose page asked it. */
  processFailure: { at: Date } | null = null,
): Promise<DashboardView> {
  const { cursor, ...rest } = filter;
  const r = await queryDashboard(ctx.db, {
    ...rest,
    after: cursor,
    now,
    activeStatuses: activeParticipantStatuses,
    deadlineStages,
  });
  return {
    generatedAt: now.toISOString(),
    matching: Number(r.matching),
    nextCursor: r.next ? encodePilotCursor(r.next) : null,
    countsByStage: r.by_stage,
    totals: {
      pilots: Number(r.totals.pilots),
      buyers: Number(r.totals.buyers),
      countries: Number(r.totals.countries),
      valueEur: shownAmount(r.totals.value_eur),
      valueWithheldPilots: Number(r.totals.value_withheld_pilots),
      suppliersEngaged: Number(r.totals.suppliers),
      overdue: Number(r.totals.overdue),
      stuck: Number(r.totals.stuck),
      published: Number(r.totals.published),
    },
    valueByDivision: r.by_division.map((d) => ({
      division: d.division,
      valueEur: shownAmount(d.value_eur),
      pilots: Number(d.pilots),
    })),
    withheldDivisionValues: Number(r.withheld_divisions),
    buyersByCountry: r.buyers_by_country.map((c) => ({ country: c.country, buyers: Number(c.buyers) })),
    pilots: r.pilots.map((p) => toPilotView(p, now, p.id === filter.statementId ? processFailure : null)),
  };
}

/** One page of the pilots with their stage, participants, value and verdicts, and the totals over all of them, for Commission staff. */
export async function getDashboard(
  ctx: ServiceContext,
  principal: Principal,
  filter: DashboardFilter & PilotPaging,
  meta: RequestMeta,
): Promise<DashboardView> {
  await authorizeTracking(ctx, principal, meta, 'viewDashboard');
  return loadDashboard(ctx, filter);
}
