import { randomUUID } from 'node:crypto';

import { recordedAuditData } from '../../db/audit.js';
import { type BuyerActionFacts, lockForBuyerAction, participationCounts } from '../../db/participation.js';
import { refreshPilotSummary } from '../../db/projections/pilot-summary.js';
import { statementFactsFor } from '../../db/statements.js';
import { allowedActionsFor } from '../../domain/allowed-actions.js';
import type { Principal, StatementFacts } from '../../domain/authorization.js';
import { DomainError } from '../../domain/errors.js';
import type { StatementEventBody } from '../../domain/events.js';
import { actionMayEndStage, type BuyerAction, everyoneHasConfirmed, refusalOf } from '../../domain/participation.js';
import { recordStatementEventIn } from '../../mail/notices/record-statement-event.js';
import type { Stage } from '../../rules/stages.js';
import { participationChangedSignal, statementWorkflowId } from '../../workflows/statement/messages.js';
import { runCoalesced } from '../coalesced-runs.js';
import type { RequestMeta, ServiceContext } from '../context.js';
import { actorOf } from './authorize-statement.js';
import { claimScopedKey } from './idempotency.js';
import type { BuyerActionAnswer } from './statement-contracts.js';

type BuyerEvent = Extract<
  StatementEventBody,
  { kind: 'invitation_answered' | 'needs_submitted' | 'needs_withdrawn' | 'needs_confirmed' }
>;

export interface BuyerActionRequest {
  statementId: string;
  action: BuyerAction;
  /** What the caller sent, for the Idempotency-Key check (same key, other request: 422). */
  request: unknown;
  /** A confirmation names the version it confirms. */
  versionId?: string;
  /** The event to record, decided under the locks from the facts as committed. */
  event: (facts: BuyerActionFacts) => BuyerEvent;
}

/** Joining and leaving change the dashboard's counts; submitting and confirming move a buyer between statuses it does not tell apart. */
const actionsOnTheDashboard = new Set<BuyerAction>(['answerInvitation', 'withdrawNeeds']);

/** PostgreSQL's answers that mean "try the same transaction again": a deadlock, a serialisation failure. */
const transient = new Set(['40P01', '40001']);
const attempts = 3;

/**
 * A buyer's action (answer an invitation, submit, withdraw or confirm needs), the path that never
 * queues behind other buyers' (design § Principles): in one transaction, under the row locks that
 * order it against the workflow's stage changes, the rules of `domain/participation.ts` read the
 * stage, the deadline and the buyer's status as committed; the event is recorded with its audit
 * row and mail; then the workflow is told by a signal (after the answer), which it coalesces. With an
 * Idempotency-Key, a retry answers with what was recorded the first time and records nothing.
 * Returns the event's audit data.
 */
export async function recordBuyerAction(
  ctx: ServiceContext,
  principal: Principal,
  facts: StatementFacts,
  action: BuyerActionRequest,
  meta: RequestMeta,
): Promise<Record<string, unknown>> {
  const { statementId } = action;
  const workflowId = statementWorkflowId(statementId);
  const actor = actorOf(principal, facts);
  const recorded = await withRetries(() =>
    ctx.db.transaction().execute(async (trx) => {
      const locked = await lockForBuyerAction(trx, statementId, principal.orgId);
      if (!locked) throw new DomainError('not_found', 'Statement not found');
      // The key is claimed in the action's own transaction, under the buyer's lock (a commit and
      // a round trip fewer per action; a crowd of buyers on a loaded machine waits on each).
      const claim = meta.idempotencyKey
        ? await claimScopedKey(
            trx,
            { organisationId: principal.orgId, workflowId, operation: action.action },
            meta.idempotencyKey,
            action.request,
          )
        : undefined;
      const eventKey = claim ? `action:${claim.updateId}` : `action:${action.action}:${randomUUID()}`;
      // Only a key seen before can have recorded something.
      const earlier = claim?.retry ? await recordedAuditData(trx, statementId, eventKey) : undefined;
      if (earlier) return { recorded: earlier, mailQueued: 0, stage: locked.stage };
      const refusal = refusalOf(
        action.action,
        locked,
        Date.now(),
        action.versionId === undefined ? {} : { versionId: action.versionId },
      );
      if (refusal) throw new DomainError(refusal.code, refusal.message, refusal.problems);
      const outcome = await recordStatementEventIn(
        trx,
        { publicUrl: ctx.config.PUBLIC_URL },
        { ...action.event(locked), eventKey, statementId, actor, at: new Date().toISOString() },
        'after-commit',
        // Looked up above when the key was seen before, under the participant's lock: no other
        // action of this buyer runs meanwhile, and a new or absent key names a new event.
        'checked',
        // The audit row commits the action in the same round trip: the statement's chain head,
        // which every buyer's action takes, is held for one round trip, not two.
        'with-audit',
      );
      return { ...outcome, stage: locked.stage };
    }),
  );
  tellWorkflow(ctx, statementId, { mailQueued: recorded.mailQueued > 0, stage: recorded.stage });
  if (actionsOnTheDashboard.has(action.action)) refreshDashboard(ctx, statementId);
  return recorded.recorded;
}

async function withRetries<T>(run: () => Promise<T>): Promise<T> {
  for (let attempt = 1; ; attempt += 1) {
    try {
      return await run();
    } catch (error) {
      if (!transient.has((error as { code?: string }).code ?? '') || attempt === attempts) throw error;
    }
  }
}

/**
 * The least time between two signals to one workflow from this process while buyers keep acting:
 * each signal is an event in the workflow's history, and 10,000 accepts signalled one by one made
 * a run of 36,549 events (3.6 times Temporal's warning). A stage that ends with its last buyer's
 * action ends at most this much later.
 */
const signalIntervalMs = 250;

/** What the actions since the last signal to a statement's workflow from this process tell it. */
interface News {
  /** Some queued mail, for the workflow to deliver. */
  mailQueued: boolean;
  /** One was taken in a stage it may end early (`actionMayEndStage`): the counts say whether it did. */
  mayEndStage: boolean;
}

const newsFor = new Map<string, News>();

function addNews(statementId: string, news: News): void {
  const known = newsFor.get(statementId);
  if (!known) return void newsFor.set(statementId, news);
  known.mailQueued ||= news.mailQueued;
  known.mayEndStage ||= news.mayEndStage;
}

/**
 * Tells the workflow what it must learn of buyers' actions, without holding up the answer: the
 * action is committed whatever happens here. The workflow learns only what it acts on: that mail
 * was queued (it delivers it), or that the action may have ended its stage (it reads the counts
 * and closes the confirmation once nobody is left to confirm). Every other action goes untold: in
 * a crowd of 2,000 confirmations each signal was a workflow task, a read of the counts and another
 * task, on the machine that served the crowd. Whether the stage may have ended is read after the
 * action committed, so the last of two buyers confirming at once, whichever it is, sees the other's
 * confirmation too.
 *
 * Signals to one workflow are coalesced here as the workflow coalesces them (`runCoalesced`: one
 * on its way, at most one more after it, and its counts read after every action it stands for). A
 * signal that cannot be delivered (Temporal unreachable) leaves the action's mail in the outbox and
 * the stage open until the workflow next wakes (the next signal, a reminder or the deadline):
 * logged, not failed. A retried request is told again.
 */
function tellWorkflow(ctx: ServiceContext, statementId: string, action: { mailQueued: boolean; stage: Stage }): void {
  addNews(statementId, { mailQueued: action.mailQueued, mayEndStage: actionMayEndStage(action.stage) });
  const workflowId = statementWorkflowId(statementId);
  runCoalesced(
    `signal:${workflowId}`,
    async () => {
      const news = newsFor.get(statementId);
      newsFor.delete(statementId);
      if (!news || !(news.mailQueued || (news.mayEndStage && (await nobodyLeftToConfirm(ctx, statementId))))) return;
      try {
        await ctx.temporal.workflow.getHandle(workflowId).signal(participationChangedSignal, {
          mailQueued: news.mailQueued,
        });
      } catch (error) {
        // The next signal says it again.
        addNews(statementId, news);
        ctx.logger.warn(
          { workflowId, err: error },
          'a buyer action was recorded but its workflow could not be signalled',
        );
      }
    },
    { minIntervalMs: signalIntervalMs },
  );
}

/** True if nobody is left to confirm now, and when the counts cannot be read: the workflow then reads them itself. */
async function nobodyLeftToConfirm(ctx: ServiceContext, statementId: string): Promise<boolean> {
  try {
    return everyoneHasConfirmed(await participationCounts(ctx.db, statementId));
  } catch (error) {
    ctx.logger.warn({ statementId, err: error }, 'participation counts could not be read; the workflow is told');
    return true;
  }
}

/**
 * Brings the statement's dashboard row up to date after buyers' actions, beside the answer:
 * recounting the participants is what made a crowd of accepting buyers wait on each other when it
 * ran under the audit chain's lock in each action's transaction (51 accepts a second at 10,000
 * buyers). Coalesced per statement; a refresh lost with a crashed process is made good by the
 * statement's next event (any stage change refreshes the row).
 */
function refreshDashboard(ctx: ServiceContext, statementId: string): void {
  runCoalesced(`pilot-summary:${statementId}`, async () => {
    try {
      await ctx.db.transaction().execute((trx) => refreshPilotSummary(trx, statementId));
    } catch (error) {
      ctx.logger.warn({ statementId, err: error }, 'the dashboard row of a statement could not be refreshed');
    }
  });
}

/**
 * What a buyer's action answers (`BuyerActionAnswer`): its organisation's standing as committed
 * and what it may do next, read in one row, however many buyers the statement has.
 */
export async function buyerActionAnswer(
  ctx: ServiceContext,
  principal: Principal,
  statementId: string,
): Promise<BuyerActionAnswer> {
  const facts = await statementFactsFor(ctx.db, statementId, principal.orgId);
  if (!facts?.participantStatus) throw new DomainError('not_found', 'Statement not found');
  return {
    statementId,
    organisationId: principal.orgId,
    stage: facts.stage,
    stageDeadline: facts.deadline === null ? null : new Date(facts.deadline).toISOString(),
    status: facts.participantStatus,
    allowedActions: allowedActionsFor(principal, facts, Date.now()),
  };
}
