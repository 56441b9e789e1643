import {
  ActivityFailure,
  ApplicationFailure,
  condition,
  patched,
  proxyActivities,
  uuid4,
  workflowInfo,
} from '@temporalio/workflow';

import type { AggregationActivities } from '../../activities/aggregation-activities.js';
import { durationMs } from '../../domain/duration.js';
import type { FieldProblem } from '../../domain/errors.js';
import { nonRetryableFailureTypes } from '../../domain/process-failures.js';
import { operationOpen } from '../../rules/stages.js';
import {
  type DecideShortfallRequest,
  decideShortfallUpdate,
  type RetryAggregationRequest,
  retryAggregationUpdate,
} from './messages.js';
import { reject, type StatementProcess } from './process.js';

const { computeAggregate } = proxyActivities<AggregationActivities>({
  // Thousands of buyers' lines are aggregated in one SQL statement; a few minutes is generous.
  startToCloseTimeout: '5 minutes',
  // A killed worker is noticed when its heartbeats stop (the worker beats for every activity with
  // a heartbeat timeout, platform/activity-keep-alive.ts), not after the 5 minutes: `npm run chaos`
  // saw statements wait there. A minute, not 10 s: the disclosure solver runs synchronously and
  // holds the event loop (and so the beats) for seconds on large statements.
  heartbeatTimeout: '1 minute',
  retry: {
    initialInterval: '1 second',
    maximumInterval: '1 minute',
    // A missing exchange rate or a broken record is not fixed by trying again: the lead is told
    // (a missing rate as `aggregationBlocked`, anything else as the statement's process failure).
    nonRetryableErrorTypes: nonRetryableFailureTypes,
  },
});

/** The failure a lead can fix (a missing rate, say), with the fields and rules it names. */
function fixableFailure(error: unknown): { message: string; problems: FieldProblem[] } | undefined {
  const cause = error instanceof ActivityFailure ? error.cause : undefined;
  if (!(cause instanceof ApplicationFailure) || cause.type !== 'unprocessable') return undefined;
  const problems = (cause.details?.[0] as FieldProblem[] | undefined) ?? [];
  return { message: cause.message, problems };
}

/**
 * Aggregation: the confirmed needs are aggregated and checked in one activity, which stores a
 * snapshot; the verdict sends the statement to market engagement or into a shortfall. If the
 * aggregate cannot be computed (a missing exchange rate), the lead is told and it waits for a
 * retry instead of failing the workflow.
 */
export async function runAggregation(p: StatementProcess): Promise<void> {
  const s = p.state;
  while (s.stage === 'aggregation') {
    const snapshotId = uuid4();
    const blocked = await p.lock.runExclusive(async () => {
      if (s.stage !== 'aggregation') return undefined;
      try {
        const outcome = await computeAggregate({
          statementId: s.statementId,
          snapshotId,
          round: s.round,
          eventKey: `process:aggregate:${snapshotId}`,
          at: new Date().toISOString(),
        });
        s.aggregate = outcome;
        s.aggregationBlocked = null;
        if (outcome.criticalMassMet) {
          await p.enterStage(
            null,
            'market_engagement',
            Date.now() + durationMs(s.schedule!.marketEngagement),
            'critical mass met',
          );
        } else {
          await p.enterStage(null, 'shortfall', null, `critical mass not met: ${outcome.failedRules.join(', ')}`);
        }
        return undefined;
      } catch (error) {
        const fixable = fixableFailure(error);
        if (!fixable) throw error;
        await p.record(null, { kind: 'aggregation_blocked', ...fixable });
        // When it blocked, so a page that asked to aggregate again tells a new refusal from the old one.
        s.aggregationBlocked = patched('aggregation-blocked-at')
          ? { ...fixable, at: new Date().toISOString() }
          : fixable;
        s.retryAggregationRequested = false;
        return fixable;
      }
    });
    if (!blocked) return;
    await condition(
      () => s.retryAggregationRequested || s.stage !== 'aggregation' || workflowInfo().continueAsNewSuggested,
    );
    if (!s.retryAggregationRequested) return;
  }
}

/** The lead's answers to a shortfall, and the retry of a blocked aggregation. */
export function registerAggregationHandlers(p: StatementProcess): void {
  const s = p.state;

  const validateShortfall = (request: DecideShortfallRequest) => {
    p.requireCreated();
    p.requireLead(request.actor);
    if (!operationOpen('decideShortfall', s.stage))
      reject('wrong_stage', `A shortfall decision is only possible in the shortfall stage, not in ${s.stage}`);
    if (request.decision === 'extend' && !(Date.parse(request.deadline) > Date.now())) {
      reject('unprocessable', 'The reopened needs assessment needs a deadline in the future', [
        { field: 'deadline', rule: 'must be in the future' },
      ]);
    }
  };

  const decideShortfall = (request: DecideShortfallRequest) =>
    p.lock.runExclusive(async () => {
      validateShortfall(request);
      const snapshotId = s.aggregate?.snapshotId ?? null;
      switch (request.decision) {
        case 'extend': {
          const deadline = Date.parse(request.deadline);
          await p.record(request.actor, {
            kind: 'shortfall_decided',
            decision: 'extend',
            reason: null,
            deadline: new Date(deadline).toISOString(),
            snapshotId,
          });
          // Who dropped out gets another chance: each is back where it stood before the deadline.
          if (p.participantsInDatabase()) {
            if (((await p.refreshParticipation(true)).dropped ?? 0) > 0)
              await p.record(request.actor, { kind: 'participants_restored' });
            await p.enterStage(
              request.actor,
              'needs_assessment',
              deadline,
              'needs assessment extended after a shortfall',
            );
            s.round += 1;
            break;
          }
          const restored = Object.entries(s.participants)
            .filter(([, e]) => e.status === 'dropped' && e.droppedFrom !== null)
            .map(([orgId, e]) => ({ orgId, to: e.droppedFrom! }));
          if (restored.length > 0) {
            await p.record(request.actor, { kind: 'participants_restored', restored });
            for (const r of restored) Object.assign(s.participants[r.orgId]!, { status: r.to, droppedFrom: null });
          }
          await p.enterStage(
            request.actor,
            'needs_assessment',
            deadline,
            'needs assessment extended after a shortfall',
          );
          s.round += 1;
          break;
        }
        case 'proceed':
          await p.record(request.actor, {
            kind: 'shortfall_decided',
            decision: 'proceed',
            reason: request.justification,
            deadline: null,
            snapshotId,
          });
          await p.enterStage(
            request.actor,
            'market_engagement',
            Date.now() + durationMs(s.schedule!.marketEngagement),
            typeof request.justification === 'string'
              ? `proceeding despite the shortfall: ${request.justification}`
              : 'proceeding despite the shortfall',
          );
          break;
        case 'abandon':
          await p.record(request.actor, {
            kind: 'shortfall_decided',
            decision: 'abandon',
            reason: request.reason,
            deadline: null,
            snapshotId,
          });
          await p.enterStage(request.actor, 'abandoned', null, request.reason);
          break;
      }
      return p.ack();
    });

  p.onUpdate(decideShortfallUpdate, decideShortfall, { validator: validateShortfall });

  const validateRetry = (request: RetryAggregationRequest) => {
    p.requireCreated();
    p.requireLead(request.actor);
    // Blocked by a missing rate, or failed for good (the statement's processFailure) once its cause is fixed.
    if (!operationOpen('retryAggregation', s.stage) || (s.aggregationBlocked === null && !s.processFailure))
      reject('wrong_stage', 'There is no blocked aggregation to retry');
  };
  p.onUpdate(
    retryAggregationUpdate,
    (request) =>
      p.lock.runExclusive(async () => {
        validateRetry(request);
        s.retryAggregationRequested = true;
        s.processFailure = null;
        return p.ack();
      }),
    { validator: validateRetry },
  );
}
