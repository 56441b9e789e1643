import { continueAsNew, proxyActivities, workflowInfo } from '@temporalio/workflow';
import type { MarketActivities } from '../../activities/market-activities.js';
import type { SupplierFanoutInput } from '../../domain/market-events.js';

const { queueSupplierNotices } = proxyActivities<MarketActivities>({
  startToCloseTimeout: '2 minutes',
  retry: { initialInterval: '1 second', maximumInterval: '30 seconds' },
});

const { deliverSupplierNotices } = proxyActivities<MarketActivities>({
  startToCloseTimeout: '30 minutes',
  // A dead sender is noticed within seconds; its claimed messages' lease is short too.
  heartbeatTimeout: '10 seconds',
  retry: { initialInterval: '1 second', maximumInterval: '30 seconds' },
});

/** Suppliers queued per page; each page is one activity, and the cursor survives everything. */
export const fanoutPageSize = 500;
/** Pages per run before continuing as new, so the history stays small whatever the audience. */
const pagesPerRun = 20;

/**
 * Sends one notice to every matching supplier, in pages: queue a page (one outbox row per
 * supplier under a unique key), send it, move the cursor. A crash or retry anywhere re-queues
 * nothing that is queued already and re-sends nothing marked sent.
 */
export async function supplierFanoutWorkflow(input: SupplierFanoutInput): Promise<{ queued: number; sent: number }> {
  let { afterUserId, queued, sent } = input;
  for (let page = 0; ; page++) {
    const result = await queueSupplierNotices({ noticeId: input.noticeId, statementId: input.statementId, kind: input.kind, ref: input.ref, afterUserId, limit: fanoutPageSize });
    queued += result.queued;
    afterUserId = result.lastUserId;
    sent += (await deliverSupplierNotices({ noticeId: input.noticeId })).sent;
    if (result.done) return { queued, sent };
    if (page + 1 >= pagesPerRun || workflowInfo().continueAsNewSuggested) {
      await continueAsNew<typeof supplierFanoutWorkflow>({ ...input, afterUserId, queued, sent });
    }
  }
}
