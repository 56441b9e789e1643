import { WorkflowNotFoundError, type WorkflowHandle } from '@temporalio/client';
import { findStatement } from '../../db/statements.js';
import { DomainError } from '../../domain/errors.js';
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
  try {
    return await handle.executeUpdate(update, {
      args: [arg],
      ...(idempotencyKey ? { updateId: `${update.name}:${idempotencyKey}` } : {}),
    });
  } catch (error) {
    // The caller was authorised against an existing statement, so a missing process means it has
    // ended (cancelled or abandoned): nothing can change any more, which is a conflict, not a 404.
    if (error instanceof WorkflowNotFoundError) {
      const statement = await findStatement(ctx.db, statementId);
      if (statement) throw new DomainError('wrong_stage', `The statement is ${statement.stage}: it can no longer change`);
    }
    throw error;
  }
}
