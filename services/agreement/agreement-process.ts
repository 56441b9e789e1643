import type { WorkflowHandle } from '@temporalio/client';
import type { UpdateDefinition } from '@temporalio/common';
import { agreementWorkflowId } from '../../workflows/agreement/messages.js';
import type { ServiceContext } from '../context.js';

/** Sends one change to the statement's agreement workflow and waits for its answer. */
export async function updateAgreementProcess<Ret, Arg>(
  ctx: ServiceContext,
  statementId: string,
  update: UpdateDefinition<Ret, [Arg]>,
  arg: Arg,
  idempotencyKey?: string,
): Promise<Ret> {
  const handle: WorkflowHandle = ctx.temporal.workflow.getHandle(agreementWorkflowId(statementId));
  return handle.executeUpdate(update, {
    args: [arg],
    ...(idempotencyKey ? { updateId: `${update.name}:${idempotencyKey}` } : {}),
  });
}
