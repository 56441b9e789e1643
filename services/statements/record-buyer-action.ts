import { randomUUID } from 'node:crypto';

import { recordedAuditData } from '../../db/audit.js';
import { type BuyerActionFacts, lockForBuyerAction } from '../../db/participation.js';
import { refreshPilotSummary } from '../../db/projections/pilot-summary.js';
import { statementFactsFor } from '../../db/statements.js';
import { allowedActionsFor } from '../../domain/allowed-actions.js';
import type { Principal, StatementFacts } from '../../domain/authorization.js';
import { DomainError } from '../../domain/errors.js';
import type { StatementEventBody } from '../../domain/events.js';
import { type BuyerAction, refusalOf } from '../../domain/participation.js';
import { recordStatementEventIn } from '../../mail/notices/record-statement-event.js';
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
      if (earlier) return { recorded: earlier, mailQueued: 0 };
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
      return outcome;
    }),
  );
  tellWorkflow(ctx, workflowId, recorded.mailQueued > 0);
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

/** Workflows to be told that an action queued mail, by the next signal this process sends them. */
const mailQueuedFor = new Set<string>();

/**
 * Tells the workflow that participation changed, and whether mail was queued, without holding up
 * the answer: the action is committed whatever happens here, and the workflow reads what changed
 * when it wakes. Signals to one workflow are coalesced here as the workflow coalesces them
 * (`runCoalesced`: one on its way, at most one more after it); a signal says mail was queued if any
 * action it stands for queued some. A signal that cannot be delivered (Temporal unreachable) leaves
 * the action's mail in the outbox and its count unread until the workflow next wakes (the next
 * action's signal, a reminder or the deadline): logged, not failed. A retried request signals again.
 */
function tellWorkflow(ctx: ServiceContext, workflowId: string, mailQueued: boolean): void {
  if (mailQueued) mailQueuedFor.add(workflowId);
  runCoalesced(
    `signal:${workflowId}`,
    async () => {
      const change = { mailQueued: mailQueuedFor.delete(workflowId) };
      try {
        await ctx.temporal.workflow.getHandle(workflowId).signal(participationChangedSignal, change);
      } catch (error) {
        // The next signal says it again.
        if (change.mailQueued) mailQueuedFor.add(workflowId);
        ctx.logger.warn(
          { workflowId, err: error },
          'a buyer action was recorded but its workflow could not be signalled',
        );
      }
    },
    { minIntervalMs: signalIntervalMs },
  );
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
