import { currentUpdateInfo, ParentClosePolicy, startChild, uuid4 } from '@temporalio/workflow';

import type { MarketActivities } from '../../activities/market-activities.js';
import type { RecordResult } from '../../activities/statement-activities.js';
import { durationMs } from '../../domain/duration.js';
import type { Actor, WithTextRefs } from '../../domain/events.js';
import type { MarketEventBody, SupplierNoticeKind } from '../../domain/market-events.js';
import { proxyStepActivities } from '../activity-policies.js';
import { supplierFanoutWorkflow } from '../publication/supplier-fanout-workflow.js';
import { type DeadlineOutcome, waitForDeadline } from './deadlines.js';
import { initialMarketState, type MarketProcessState, supplierFanoutWorkflowId } from './market-messages.js';
import type { StatementProcess } from './process.js';

// Bounded inside an update (closing the consultation early), patient at the deadline.
const marketSteps = proxyStepActivities<MarketActivities>({ startToCloseTimeout: '2 minutes' });

/** The market part of the process state, created when first needed (older runs have none). */
export function marketOf(p: StatementProcess): MarketProcessState {
  p.state.market ??= initialMarketState();
  return p.state.market;
}

/** Like `p.record`, for the events of these stages; the same replay-stable keys. */
export async function recordMarket(
  p: StatementProcess,
  actor: Actor | null,
  body: WithTextRefs<MarketEventBody>,
): Promise<RecordResult> {
  const updateId = currentUpdateInfo()?.id;
  if (!updateId) p.backgroundStep = body.kind;
  const result = await marketSteps().recordMarketEvent({
    ...body,
    eventKey: updateId ? `update:${updateId}:${body.kind}` : `process:${uuid4()}`,
    statementId: p.state.statementId,
    actor,
    at: new Date().toISOString(),
  } as never);
  if (result.mailQueued > 0) p.state.mailPending = true;
  return result;
}

/** Starts the fan-out of a notice to suppliers as a child that outlives this run (and continue-as-new). */
export async function startSupplierFanout(
  p: StatementProcess,
  noticeId: string,
  kind: SupplierNoticeKind,
  ref: string | null,
): Promise<void> {
  await startChild(supplierFanoutWorkflow, {
    workflowId: supplierFanoutWorkflowId(noticeId),
    args: [{ noticeId, statementId: p.state.statementId, kind, ref, afterUserId: null, queued: 0, sent: 0 }],
    parentClosePolicy: ParentClosePolicy.ABANDON,
  });
}

/**
 * Market engagement (Art. 40): the consultation is public from the moment the stage opens and
 * matching suppliers are told; suppliers' responses and questions go straight to the database
 * while it is open. It ends at its deadline, or when the lead closes it early.
 */
export async function runMarketEngagement(p: StatementProcess): Promise<DeadlineOutcome | 'left'> {
  const m = marketOf(p);
  if (!m.consultationNoticeStarted) {
    await p.lock.runExclusive(async () => {
      if (p.state.stage !== 'market_engagement' || m.consultationNoticeStarted) return;
      const noticeId = `consultation-${p.state.statementId}-r${p.state.round}`;
      await recordMarket(p, null, { kind: 'consultation_opened', noticeId });
      await startSupplierFanout(p, noticeId, 'consultation', null);
      m.consultationNoticeStarted = true;
    });
  }
  const outcome = await waitForDeadline(p, 'market_engagement');
  if (outcome === 'deadline') await p.lock.runExclusive(() => closeMarketEngagement(p, null, 'deadline passed'));
  return outcome;
}

/**
 * Ends the consultation (deadline, or the lead closing it early): the market summary is stored,
 * the statement text is drafted from the aggregate and the summary, and approval opens for every
 * confirmed participant. Caller holds the lock.
 */
export async function closeMarketEngagement(p: StatementProcess, actor: Actor | null, reason: string): Promise<void> {
  const s = p.state;
  if (s.stage !== 'market_engagement') return;
  const m = marketOf(p);
  const summaryId = uuid4();
  const summary = await marketSteps().computeMarketSummary({
    statementId: s.statementId,
    summaryId,
    eventKey: `process:market-summary:${summaryId}`,
    at: new Date().toISOString(),
  });
  m.summary = { summaryId: summary.summaryId, summaryHash: summary.summaryHash };
  const text = await marketSteps().draftStatementText({
    statementId: s.statementId,
    summaryId,
    eventKey: `process:statement-text:${summaryId}`,
    at: new Date().toISOString(),
  });
  m.text = text;
  m.approvers = p.participantsInDatabase()
    ? await p.participantsWithStatus('confirmed')
    : p.orgsWithStatus('confirmed');
  m.decisions = {};
  const deadline = Date.now() + durationMs(s.schedule!.approval);
  await p.enterStage(actor, 'approval', deadline, reason);
  await recordMarket(p, null, {
    kind: 'approval_opened',
    version: text.version,
    deadline: new Date(deadline).toISOString(),
    approverOrgIds: m.approvers,
  });
}
