import { proxyActivities, workflowInfo } from '@temporalio/workflow';

import type { AuditActivities } from '../../activities/audit-activities.js';
import type { MailActivities } from '../../activities/mail-activities.js';
import { auditAlertKeyPrefix, type NightlyAuditResult } from './messages.js';

const { verifyAuditChains } = proxyActivities<AuditActivities>({
  startToCloseTimeout: '2 hours',
  heartbeatTimeout: '2 minutes',
  retry: { initialInterval: '10 seconds', maximumInterval: '5 minutes', maximumAttempts: 5 },
});

const { deliverMailByKeyPrefix } = proxyActivities<MailActivities>({
  startToCloseTimeout: '10 minutes',
  heartbeatTimeout: '1 minute',
  retry: { initialInterval: '1 second', maximumInterval: '1 minute' },
});

/**
 * Started by the nightly schedule: verifies every audit chain in full (what `npm run
 * audit:verify` does) and, only when one is really broken, records an alert for the
 * administrators' page and e-mails the operators through the outbox. Counts only in the history.
 */
export async function nightlyAuditWorkflow(): Promise<NightlyAuditResult> {
  const runId = workflowInfo().runId;
  const report = await verifyAuditChains({ runId });
  const { sent } =
    report.alertsQueued > 0
      ? await deliverMailByKeyPrefix({ keyPrefix: `${auditAlertKeyPrefix(runId)}:` })
      : { sent: 0 };
  return { ...report, sent };
}
