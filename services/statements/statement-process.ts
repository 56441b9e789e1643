import type { WorkflowHandle } from '@temporalio/client';
import type { UpdateDefinition } from '@temporalio/common';
import { statementWorkflowId } from '../../workflows/statement/messages.js';
import type { ServiceContext } from '../context.js';

/**
 * Sends one state change to the statement's workflow and waits for its answer. With an
 * idempotency key the update id is fixed, so Temporal runs a retried request only once.
 */
export async function updateStatementProcess<Ret, Arg>(
  ctx: ServiceContext,
  statementId: string,
  update: UpdateDefinition<Ret, [Arg]>,
  arg: Arg,
  idempotencyKey?: string,
): Promise<Ret> {
  const handle: WorkflowHandle = ctx.temporal.workflow.getHandle(statementWorkflowId(statementId));
  return handle.executeUpdate(update, {
    args: [arg],
    ...(idempotencyKey ? { updateId: `${update.name}:${idempotencyKey}` } : {}),
  });
}
