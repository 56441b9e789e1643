import {
  allHandlersFinished,
  condition,
  continueAsNew,
  log,
  patched,
  proxyActivities,
  setHandler,
  workflowInfo,
} from '@temporalio/workflow';

import type { MailActivities } from '../../activities/mail-activities.js';
import type { StatementActivities } from '../../activities/statement-activities.js';
import type { FreeText } from '../../domain/events.js';
import { type ProcessFailure, repairActionsFor } from '../../domain/process-failures.js';
import { isTerminal, type Stage } from '../../rules/stages.js';
import { backgroundStepPolicy } from '../activity-policies.js';
import { finalFailureOf } from '../final-failure.js';
import { registerDraftHandlers } from './handlers-draft.js';
import { registerNeedsHandlers } from './handlers-needs.js';
import { liveStateQuery, participationChangedSignal, type StatementWorkflowInput } from './messages.js';
import { initialState, StatementProcess, type StatementProcessState } from './process.js';
import { registerAggregationHandlers, runAggregation } from './stage-aggregation.js';
import { registerMarketHandlers, runApproval } from './stage-approval.js';
import { runMarketEngagement } from './stage-market-engagement.js';
import { runConfirmation, runNeedsAssessment } from './stage-needs.js';

const { deliverStatementMail } = proxyActivities<MailActivities>({
  startToCloseTimeout: '10 minutes',
  // It heartbeats every second: a delivery lost with a crashed worker is retried within seconds,
  // and the retry sends the dead worker's messages once their leases (30 s) run out; the lease
  // keeps it from sending anything twice.
  heartbeatTimeout: '20 seconds',
  retry: { initialInterval: '1 second', maximumInterval: '1 minute' },
});

/**
 * Runs recorded before failures were recorded ended (failed) on a final failure of a step the
 * workflow took on its own; later runs keep it in their state for the lead and wait.
 */
export const processFailuresPatch = 'process-failures-recorded';

/**
 * Runs recorded before process failures reached the database kept them in their state only; later
 * runs also record each as the event `process_failed` (the dashboard flags it, the audit trail
 * keeps it, the lead is e-mailed).
 */
export const processFailureEventsPatch = 'process-failure-events';

/**
 * Runs recorded before the participation signal said whether mail was queued delivered mail after
 * every signal; later runs skip the round of delivery for actions that queued none (a crowd of
 * confirmations at a deadline ran one per signal, each an activity and claims of the outbox).
 */
export const mailOnlyWhenQueuedPatch = 'participation-mail-only-when-queued';

// Nobody waits for it, and the dashboard and the lead's e-mail should not be lost to an outage.
const { recordProcessFailure } = proxyActivities<StatementActivities>(backgroundStepPolicy);

/**
 * Records the failure just kept in the state, keyed by the run and its time (the step's name and
 * codes only: the message stays in the state). A failure to record it is logged, not raised: the
 * lead still sees the failure on the statement page, and the workflow must not fail over it.
 */
async function recordFailureEvent(s: StatementProcessState, failure: ProcessFailure): Promise<void> {
  if (!patched(processFailureEventsPatch)) return;
  try {
    const result = await recordProcessFailure({
      statementId: s.statementId,
      runId: workflowInfo().runId,
      step: failure.step,
      type: failure.type,
      actions: failure.actions,
      at: failure.at,
    });
    if (result.mailQueued > 0) s.mailPending = true;
  } catch (error) {
    log.warn('a process failure could not be recorded', { statementId: s.statementId, error: String(error) });
  }
}

export interface StatementOutcome {
  stage: Stage;
  /** Why it ended (an id and hash for a reason someone gave). */
  reason: FreeText | null;
}

/**
 * One workflow per joint statement: the source of truth for where its process stands. Stages
 * with a deadline run their own loop; the others wait for the lead's next decision.
 */
export async function jointStatementWorkflow(
  input: StatementWorkflowInput,
  carried?: StatementProcessState,
): Promise<StatementOutcome> {
  const p = new StatementProcess(carried ?? initialState(input, Date.now()));
  const s = p.state;
  let finished = false;

  setHandler(liveStateQuery, () => p.liveState());
  // A buyer's action is committed already; it may have queued mail, and may be the last one a stage waits for.
  setHandler(participationChangedSignal, (change) => {
    if (change?.mailQueued !== false || !patched(mailOnlyWhenQueuedPatch)) s.mailPending = true;
    p.participationStale = true;
  });
  registerDraftHandlers(p);
  registerNeedsHandlers(p);
  registerAggregationHandlers(p);
  registerMarketHandlers(p);

  // E-mail goes out beside the process, never holding up an update's answer; every message is
  // already in the outbox, so this only has to make sure somebody sends it.
  const mailPump = (async () => {
    for (;;) {
      await condition(() => s.mailPending || finished);
      if (!s.mailPending) return;
      s.mailPending = false;
      try {
        await deliverStatementMail({ statementId: s.statementId });
      } catch (error) {
        // Mail that can never go out stays in the outbox; the process goes on, and the lead is told.
        const failure = finalFailureOf(error);
        if (!failure || !patched(processFailuresPatch)) throw error;
        log.warn('mail delivery failed for good', {
          statementId: s.statementId,
          type: failure.type,
          message: failure.message,
        });
        s.processFailure = { step: 'deliver mail', ...failure, at: new Date().toISOString(), actions: [] };
        await recordFailureEvent(s, s.processFailure);
      }
    }
  })();

  const finish = async () => {
    await condition(allHandlersFinished);
    finished = true;
    await mailPump;
  };

  // Started by update-with-start; if the create update was rejected, nothing else can follow.
  if (!s.created && !(await condition(() => s.created, '1 hour'))) {
    await finish();
    return { stage: s.stage, reason: 'never created' };
  }

  while (!isTerminal(s.stage)) {
    const stage = s.stage;
    try {
      switch (stage) {
        case 'needs_assessment':
          await runNeedsAssessment(p);
          break;
        case 'confirmation':
          await runConfirmation(p);
          break;
        case 'aggregation':
          await runAggregation(p);
          break;
        case 'market_engagement':
          // Runs that reached market engagement before it had a stage loop keep waiting as they did.
          if (patched('market-engagement-stage')) await runMarketEngagement(p);
          else await condition(() => s.stage !== stage || workflowInfo().continueAsNewSuggested);
          break;
        case 'approval':
          await runApproval(p);
          break;
        default:
          await condition(() => s.stage !== stage || workflowInfo().continueAsNewSuggested);
      }
    } catch (error) {
      // A step the workflow took on its own failed for good (a record the database refuses): it
      // is kept in the state, shown to the lead with what they can do, and the workflow waits for
      // them (or a new deadline) instead of failing or retrying forever.
      const failure = finalFailureOf(error);
      if (!failure || !patched(processFailuresPatch)) throw error;
      const deadline = s.deadline;
      const step = `${stage}: ${p.backgroundStep ?? 'step'}`;
      log.warn('a process step failed for good', {
        statementId: s.statementId,
        step,
        type: failure.type,
        message: failure.message,
      });
      s.processFailure = { step, ...failure, at: new Date().toISOString(), actions: repairActionsFor(stage) };
      await recordFailureEvent(s, s.processFailure);
      await condition(
        () =>
          s.stage !== stage ||
          s.deadline !== deadline ||
          s.processFailure === null ||
          workflowInfo().continueAsNewSuggested,
      );
      if (s.stage !== stage || s.deadline !== deadline) s.processFailure = null;
    }
    if (workflowInfo().continueAsNewSuggested && !isTerminal(s.stage)) {
      p.updates.handingOver = true;
      // Stop the pump first, then let running updates complete; mail they queue is in the outbox
      // and the next run's pump sends it.
      finished = true;
      await mailPump;
      await condition(allHandlersFinished);
      await continueAsNew<typeof jointStatementWorkflow>(input, { ...s, mailPending: true });
    }
  }

  await finish();
  return { stage: s.stage, reason: s.cancelReason };
}
