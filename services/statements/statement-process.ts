import { randomUUID } from 'node:crypto';
import { WorkflowNotFoundError, WorkflowUpdateFailedError, type WorkflowHandle } from '@temporalio/client';
import { findStatement } from '../../db/statements.js';
import { DomainError } from '../../domain/errors.js';
import type { Actor } from '../../domain/events.js';
import { isTerminal, type Stage } from '../../rules/stages.js';
import type { UpdateDefinition } from '@temporalio/common';
import { handingOverFailureType, statementWorkflowId } from '../../workflows/statement/messages.js';
import type { ServiceContext } from '../context.js';
import { executeBoundedUpdate, updateDeadline } from '../process-update.js';
import { sealedArg } from './seal.js';
import { scopedUpdateId } from './idempotency.js';

/** A hand-over takes as long as the updates in flight: allow it some seconds. */
const handOverAttempts = 120;

async function hasEnded(ctx: ServiceContext, statementId: string): Promise<boolean> {
  const statement = await findStatement(ctx.db, statementId);
  return !statement || isTerminal(statement.stage as Stage);
}

/**
 * Sends one state change to the statement's workflow and waits for its answer. With an
 * idempotency key the update id is fixed (and scoped to the caller's organisation and the
 * operation), so Temporal runs a retried request only once. The request is sealed for the
 * workflow: see `activities/actor-seal.ts`. It never waits longer than PROCESS_UPDATE_TIMEOUT_SECONDS
 * (`executeBoundedUpdate`: 503 `process_unavailable`).
 */
export async function updateStatementProcess<Ret, Arg extends { actor: Actor }>(
  ctx: ServiceContext,
  statementId: string,
  update: UpdateDefinition<Ret, [Arg]>,
  arg: Arg,
  idempotencyKey?: string,
): Promise<Ret> {
  const workflowId = statementWorkflowId(statementId);
  const handle: WorkflowHandle = ctx.temporal.workflow.getHandle(workflowId);
  // One id for every attempt: if an attempt did get through, the workflow answers the next one
  // with its result instead of running it twice.
  const updateId = idempotencyKey
    ? await scopedUpdateId(ctx, { organisationId: arg.actor.orgId, workflowId, operation: update.name }, idempotencyKey, arg)
    : `${update.name}:${randomUUID()}`;
  const sealed = sealedArg(ctx, { workflowId, update: update.name, updateId }, arg);
  // One bound for every attempt: the caller gets an answer (or a 503) within it, whatever happens.
  const deadline = updateDeadline(ctx);
  try {
    for (let attempt = 1; ; attempt += 1) {
      try {
        return await executeBoundedUpdate(ctx, handle, update, { args: [sealed], updateId }, deadline);
      } catch (error) {
        // The run is handing over to the next (continue-as-new), which takes it within moments.
        const handingOver = error instanceof WorkflowUpdateFailedError && (error.cause as { type?: string } | undefined)?.type === handingOverFailureType;
        // Between a run that continued as new and the next, the update can find no running
        // execution; unless the statement has ended, the next run answers it (same update id).
        const betweenRuns = error instanceof WorkflowNotFoundError && !(await hasEnded(ctx, statementId));
        if (!handingOver && !betweenRuns) throw error;
        if (attempt === handOverAttempts) throw new DomainError('conflict', 'The statement is busy; try again in a moment');
        await new Promise((resolve) => setTimeout(resolve, 250));
      }
    }
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
