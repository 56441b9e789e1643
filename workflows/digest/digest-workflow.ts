import { proxyActivities } from '@temporalio/workflow';

import type { DigestActivities } from '../../activities/digest-activities.js';
import type { MailActivities } from '../../activities/mail-activities.js';
import { digestKeyPrefix, type WeeklyDigestResult } from './messages.js';

const { queueWeeklyDigest } = proxyActivities<DigestActivities>({
  startToCloseTimeout: '5 minutes',
  retry: { initialInterval: '1 second', maximumInterval: '1 minute' },
});

const { deliverMailByKeyPrefix } = proxyActivities<MailActivities>({
  startToCloseTimeout: '10 minutes',
  heartbeatTimeout: '1 minute',
  retry: { initialInterval: '1 second', maximumInterval: '1 minute' },
});

/**
 * Started by the weekly schedule: queues one digest per Commission staff member for the ISO week
 * of this run (the outbox key makes it once per week and recipient, however often it runs), then
 * sends what is queued. Only the week and counts pass through the history.
 */
export async function weeklyDigestWorkflow(): Promise<WeeklyDigestResult> {
  const { week, recipients, queued } = await queueWeeklyDigest({ at: new Date().toISOString() });
  const { sent } = await deliverMailByKeyPrefix({ keyPrefix: `${digestKeyPrefix(week)}:` });
  return { week, recipients, queued, sent };
}
