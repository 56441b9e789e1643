import { checkCriticalMass, type CriticalMassVerdict } from '../domain/critical-mass.js';
import { classifyJointProcurement } from '../domain/cross-border.js';
import { defaultRateMaxAgeDays } from '../domain/currency.js';
import type { LpSolver } from '../domain/disclosure/linear-program.js';
import { DomainError } from '../domain/errors.js';
import { type ExchangeRateTable, noRateTableSource } from '../domain/money.js';
import type { CriticalMassRules, Schedule } from '../domain/statement.js';
import { checkEuThresholds } from '../domain/thresholds.js';
import { contentHash } from '../platform/canonical-json.js';
import { aggregateConfirmedNeeds, findRateTable, findSnapshot, insertSnapshot } from './aggregation.js';
import { findProcurementRoute } from './agreements.js';
import { appendAudit, hasAuditEvent } from './audit.js';
import type { Tx } from './database.js';
import { snapshotDisclosure } from './disclosure.js';
import { refreshPilotSummary } from './projections/pilot-summary.js';
import { findStatement } from './statements.js';

export interface AggregateRequest {
  statementId: string;
  snapshotId: string;
  round: number;
  eventKey: string;
  /** Workflow time; also the date whose exchange rates apply. */
  at: string;
}

/** What the workflow keeps: the snapshot's id and hash and the verdict, not the aggregate itself. */
export interface AggregateOutcome {
  snapshotId: string;
  snapshotHash: string;
  criticalMassMet: boolean;
  failedRules: string[];
}

function outcomeOf(id: string, hash: string, verdict: CriticalMassVerdict): AggregateOutcome {
  return {
    snapshotId: id,
    snapshotHash: hash,
    criticalMassMet: verdict.met,
    failedRules: verdict.results.filter((r) => !r.met).map((r) => r.field),
  };
}

/**
 * Aggregates the confirmed needs in SQL, checks critical mass, EU thresholds and the kind of joint
 * procurement, and stores it all as one reproducible snapshot with its audit row, inside the
 * caller's transaction. Idempotent by `snapshotId` and `eventKey`. The workflow's aggregation uses
 * the rate table of its day (a stale one blocks it); the re-run after an organisation's correction
 * passes the rates its statement's snapshot used (`rates`), so only what the correction changed
 * changes. A broken rule throws a DomainError before anything is written.
 */
export async function storeAggregateSnapshot(
  trx: Tx,
  deps: { solver: LpSolver; exchangeRateMaxAgeDays?: number | undefined },
  request: AggregateRequest,
  rates?: ExchangeRateTable,
): Promise<AggregateOutcome> {
  const existing = await findSnapshot(trx, request.snapshotId);
  if (existing) return outcomeOf(existing.id, existing.snapshot_hash, existing.critical_mass as CriticalMassVerdict);
  if (await hasAuditEvent(trx, request.statementId, request.eventKey)) {
    throw new DomainError('conflict', 'This aggregation was recorded without its snapshot');
  }
  const statement = await findStatement(trx, request.statementId);
  const schedule = statement!.schedule as Schedule;
  const day = request.at.slice(0, 10);
  const table: ExchangeRateTable = rates ??
    (await findRateTable(trx, day)) ?? {
      // With every amount in EUR no table is needed; otherwise the aggregation names what is missing.
      date: day,
      source: noRateTableSource,
      rates: {},
    };
  const aggregate = await aggregateConfirmedNeeds(
    trx,
    request.statementId,
    table,
    rates ? undefined : { day, maxAgeDays: deps.exchangeRateMaxAgeDays ?? defaultRateMaxAgeDays },
  );
  const verdict = checkCriticalMass(statement!.critical_mass as CriticalMassRules, aggregate);
  const thresholds = checkEuThresholds(aggregate, schedule.expectedProcurementStart);
  // The route the lead chose: through a central purchasing body no Art. 39(4) agreement is needed.
  const crossBorder = classifyJointProcurement(aggregate.buyers, await findProcurementRoute(trx, request.statementId));
  const hash = contentHash({ aggregate, verdict, thresholds, crossBorder });
  const computedAt = new Date(request.at);
  await insertSnapshot(trx, {
    id: request.snapshotId,
    statementId: request.statementId,
    round: request.round,
    computedAt,
    rateDate: table.date,
    aggregate,
    criticalMass: verdict,
    thresholds,
    crossBorder,
    hash,
  });
  // What participants and Commission staff may see of it, decided once for the snapshot.
  const disclosure = await snapshotDisclosure(trx, deps.solver, request.snapshotId);
  await appendAudit(trx, {
    chain: request.statementId,
    eventKey: request.eventKey,
    statementId: request.statementId,
    actorUserId: null,
    actorOrgId: null,
    action: 'aggregate_computed',
    data: {
      snapshotId: request.snapshotId,
      snapshotHash: hash,
      round: request.round,
      rateTable: { date: table.date, source: table.source },
      needVersions: aggregate.versionIds.length,
      buyers: aggregate.totals.buyers,
      countries: aggregate.totals.countries,
      criticalMassMet: verdict.met,
      failedRules: verdict.results.filter((r) => !r.met).map((r) => r.field),
      crossBorder: crossBorder.kind,
      withheldCells: Object.keys(disclosure.withheld).length,
    },
    at: computedAt,
  });
  await refreshPilotSummary(trx, request.statementId);
  return outcomeOf(request.snapshotId, hash, verdict);
}
