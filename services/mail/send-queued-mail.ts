import { WorkflowExecutionAlreadyStartedError } from '@temporalio/client';

import { deliverMailWorkflowId, deliverMailWorkflowType } from '../../workflows/delivery/messages.js';
import type { ServiceContext } from '../context.js';

/** Hands an already-queued message to a worker; asking twice for one message runs one delivery. */
export async function sendQueuedMail(ctx: ServiceContext, messageId: string): Promise<void> {
  try {
    await ctx.temporal.workflow.start(deliverMailWorkflowType, {
      workflowId: deliverMailWorkflowId(messageId),
      taskQueue: ctx.config.TEMPORAL_TASK_QUEUE,
      args: [{ messageIds: [messageId] }],
    });
  } catch (error) {
    if (!(error instanceof WorkflowExecutionAlreadyStartedError)) throw error;
  }
}
