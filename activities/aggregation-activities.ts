import { ApplicationFailure } from '@temporalio/activity';

import { aggregateConfirmedNeeds, findRateTable, findSnapshot, insertSnapshot } from '../db/aggregation.js';
import { findProcurementRoute } from '../db/agreements.js';
import { appendAudit, hasAuditEvent } from '../db/audit.js';
import type { Db, Tx } from '../db/database.js';
import { snapshotDisclosure } from '../db/disclosure.js';
import { refreshPilotSummary } from '../db/projections/pilot-summary.js';
import { findStatement } from '../db/statements.js';
import { checkCriticalMass, type CriticalMassVerdict } from '../domain/critical-mass.js';
import { classifyJointProcurement } from '../domain/cross-border.js';
import { defaultRateMaxAgeDays } from '../domain/currency.js';
import type { LpSolver } from '../domain/disclosure/linear-program.js';
import { DomainError } from '../domain/errors.js';
import type { ExchangeRateTable } from '../domain/money.js';
import type { CriticalMassRules, Schedule } from '../domain/statement.js';
import { checkEuThresholds } from '../domain/thresholds.js';
import { contentHash } from '../platform/canonical-json.js';

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

/** A broken rule (e.g. a missing exchange rate) is final for this attempt: the workflow waits for a fix. */
function asFailure(error: unknown): never {
  if (error instanceof DomainError) {
    throw ApplicationFailure.create({
      type: error.code,
      message: error.message,
      details: [error.problems],
      nonRetryable: true,
    });
  }
  throw error;
}

export interface AggregationDeps {
  db: Db;
  solver: LpSolver;
  /** The oldest exchange rate an aggregation may use, in days (EXCHANGE_RATE_MAX_AGE_DAYS). */
  exchangeRateMaxAgeDays?: number;
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
  deps: Omit<AggregationDeps, 'db'>,
  request: AggregateRequest,
  rates?: ExchangeRateTable,
): Promise<AggregateOutcome> {
  const existing = await findSnapshot(trx, request.snapshotId);
  if (existing) return outcomeOf(existing.id, existing.snapshot_hash, existing.critical_mass as CriticalMassVerdict);
  if (await hasAuditEvent(trx, request.statementId, request.eventKey)) {
    throw ApplicationFailure.create({
      type: 'conflict',
      message: 'This aggregation was recorded without its snapshot',
      nonRetryable: true,
    });
  }
  const statement = await findStatement(trx, request.statementId);
  const schedule = statement!.schedule as Schedule;
  const day = request.at.slice(0, 10);
  const table: ExchangeRateTable = rates ??
    (await findRateTable(trx, day)) ?? {
      // With every amount in EUR no table is needed; otherwise the aggregation names what is missing.
      date: day,
      source: 'no exchange-rate table on record',
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

export function createAggregationActivities(deps: AggregationDeps) {
  return {
    /** The workflow's aggregation: `storeAggregateSnapshot` in a transaction of its own. */
    async computeAggregate(request: AggregateRequest): Promise<AggregateOutcome> {
      return deps.db.transaction().execute(async (trx) => {
        try {
          return await storeAggregateSnapshot(trx, deps, request);
        } catch (error) {
          asFailure(error);
        }
      });
    },
  };
}

export type AggregationActivities = ReturnType<typeof createAggregationActivities>;
