import { proxyActivities } from '@temporalio/workflow';

import type { MailActivities } from '../../activities/mail-activities.js';

const { deliverOutboxMessages } = proxyActivities<MailActivities>({
  startToCloseTimeout: '5 minutes',
  heartbeatTimeout: '1 minute',
  retry: { initialInterval: '1 second', maximumInterval: '1 minute' },
});

/**
 * Sends outbox messages written outside a statement (sign-in links, address checks). Its id is
 * derived from the message, so asking twice for the same message runs it once.
 */
export async function deliverMailWorkflow(input: { messageIds: string[] }): Promise<{ sent: number }> {
  return deliverOutboxMessages({ messageIds: input.messageIds });
}
