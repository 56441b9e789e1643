import { condition, continueAsNew, patched, proxyActivities, workflowInfo } from '@temporalio/workflow';

import type { MailActivities } from '../../activities/mail-activities.js';
import type { MarketActivities } from '../../activities/market-activities.js';
import { type SupplierFanoutInput, supplierNoticeKeyPrefix } from '../../domain/market-events.js';

const { queueSupplierNotices } = proxyActivities<MarketActivities>({
  startToCloseTimeout: '2 minutes',
  retry: { initialInterval: '1 second', maximumInterval: '30 seconds' },
});

/** Before `supplier-fanout-pipelined`: queue a page, then send it. Kept for runs begun before it. */
const { deliverSupplierNotices } = proxyActivities<MarketActivities>({
  startToCloseTimeout: '30 minutes',
  // A dead sender is noticed within seconds; its claimed messages' lease is short too.
  heartbeatTimeout: '10 seconds',
  retry: { initialInterval: '1 second', maximumInterval: '30 seconds' },
});

const { deliverQueuedNotices } = proxyActivities<MailActivities>({
  // One call sends while pages keep being queued, at whatever rate MAIL_MAX_PER_SECOND allows: a
  // dead sender is noticed by its missing heartbeat (it beats every second), not by this bound.
  startToCloseTimeout: '12 hours',
  heartbeatTimeout: '10 seconds',
  retry: { initialInterval: '1 second', maximumInterval: '30 seconds' },
});

/** Suppliers queued per page before `supplier-fanout-pipelined`. */
export const fanoutPageSize = 500;
const pagesPerRun = 20;

/** Suppliers queued per page: each page is one activity, and the cursor survives everything. */
export const pipelinedPageSize = 1000;
/** The first page of a fan-out is smaller, so sending starts sooner. */
const firstPageSize = 200;
/** How long the sending activity waits for the next page before it returns (while pages are still being queued). */
const sendIdleMs = 2000;
/** Pages per run before continuing as new, so the history stays small whatever the audience (a few hundred events). */
const pipelinedPagesPerRun = 50;
/** A claimed notice's lease: short, so a crashed sender's messages are taken over within seconds. */
export const noticeLeaseSeconds = 15;

/**
 * Sends one notice to every matching supplier. Pages of recipients are queued (one outbox row per
 * supplier under a unique key) one after another while, beside them, one activity sends whatever
 * is queued under the notice's key prefix, claiming it in batches and marking it sent in batches;
 * it is called again when it ran dry before the queueing ended. The last call of the fan-out
 * drains: it also waits for what a dead sender had claimed and sends it once its lease is over.
 * A crash or retry anywhere re-queues nothing that is queued already and re-sends nothing marked
 * sent.
 */
export async function supplierFanoutWorkflow(input: SupplierFanoutInput): Promise<{ queued: number; sent: number }> {
  if (!patched('supplier-fanout-pipelined')) return pageByPage(input);
  let { afterUserId, queued, sent } = input;
  const keyPrefix = supplierNoticeKeyPrefix(input.noticeId);
  let pagesQueued = 0;
  let queueing = true;
  let allQueued = false;

  const queuePages = async () => {
    try {
      for (let page = 0; ; page++) {
        const limit = page === 0 && afterUserId === null ? firstPageSize : pipelinedPageSize;
        const result = await queueSupplierNotices({
          noticeId: input.noticeId,
          statementId: input.statementId,
          kind: input.kind,
          ref: input.ref,
          afterUserId,
          limit,
        });
        queued += result.queued;
        afterUserId = result.lastUserId;
        pagesQueued += 1;
        if (result.done) {
          allQueued = true;
          return;
        }
        if (page + 1 >= pipelinedPagesPerRun || workflowInfo().continueAsNewSuggested) return;
      }
    } finally {
      queueing = false;
    }
  };

  const sendQueued = async () => {
    let seen = 0;
    for (;;) {
      await condition(() => pagesQueued > seen || !queueing);
      const last = !queueing;
      seen = pagesQueued;
      // Only the fan-out's very last call waits for a dead sender's messages; a run that continues
      // as new leaves them to the next run.
      sent += (
        await deliverQueuedNotices({
          keyPrefix,
          drain: last && allQueued,
          leaseSeconds: noticeLeaseSeconds,
          idleMs: last ? 0 : sendIdleMs,
        })
      ).sent;
      if (last) return;
    }
  };

  await Promise.all([queuePages(), sendQueued()]);
  if (allQueued) return { queued, sent };
  return continueAsNew<typeof supplierFanoutWorkflow>({ ...input, afterUserId, queued, sent });
}

/** The fan-out as it ran before `supplier-fanout-pipelined`: queue a page, send it, move the cursor. */
async function pageByPage(input: SupplierFanoutInput): Promise<{ queued: number; sent: number }> {
  let { afterUserId, queued, sent } = input;
  for (let page = 0; ; page++) {
    const result = await queueSupplierNotices({
      noticeId: input.noticeId,
      statementId: input.statementId,
      kind: input.kind,
      ref: input.ref,
      afterUserId,
      limit: fanoutPageSize,
    });
    queued += result.queued;
    afterUserId = result.lastUserId;
    sent += (await deliverSupplierNotices({ noticeId: input.noticeId })).sent;
    if (result.done) return { queued, sent };
    if (page + 1 >= pagesPerRun || workflowInfo().continueAsNewSuggested) {
      await continueAsNew<typeof supplierFanoutWorkflow>({ ...input, afterUserId, queued, sent });
    }
  }
}
