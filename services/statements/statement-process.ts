import { randomUUID } from 'node:crypto';

import { type WorkflowHandle, WorkflowNotFoundError } from '@temporalio/client';
import type { UpdateDefinition } from '@temporalio/common';

import { findStatement } from '../../db/statements.js';
import { DomainError } from '../../domain/errors.js';
import type { Actor } from '../../domain/events.js';
import { isTerminal, type Stage } from '../../rules/stages.js';
import { liveStateQuery, statementWorkflowId } from '../../workflows/statement/messages.js';
import type { ServiceContext } from '../context.js';
import { errorCodeOf, executeBoundedQuery, executeProcessUpdate } from '../process-update.js';
import { scopedUpdateId } from './idempotency.js';
import { sealedArg } from './seal.js';

async function hasEnded(ctx: ServiceContext, statementId: string): Promise<boolean> {
  const statement = await findStatement(ctx.db, statementId);
  return !statement || isTerminal(statement.stage as Stage);
}

/**
 * Sends one of the lead's (or an administrator's) decisions to the statement's workflow and waits
 * for its answer. With an idempotency key the update id is fixed (and scoped to the caller's
 * organisation and the operation), so Temporal runs a retried request only once. The request is
 * sealed for the workflow: see `activities/actor-seal.ts`. It never waits longer than
 * PROCESS_UPDATE_TIMEOUT_SECONDS (503 `process_unavailable`), and goes through a hand-over to the
 * next run (`executeProcessUpdate`). Buyers' own actions do not come here: `record-buyer-action.ts`.
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
    ? await scopedUpdateId(
        ctx,
        { organisationId: arg.actor.orgId, workflowId, operation: update.name },
        idempotencyKey,
        arg,
      )
    : `${update.name}:${randomUUID()}`;
  const sealed = sealedArg(ctx, { workflowId, update: update.name, updateId }, arg);
  try {
    return await executeProcessUpdate(ctx, handle, update, { args: [sealed], updateId }, () =>
      hasEnded(ctx, statementId),
    );
  } catch (error) {
    // The caller was authorised against an existing statement, so a missing process means it has
    // ended (cancelled or abandoned): nothing can change any more, which is a conflict, not a 404.
    if (error instanceof WorkflowNotFoundError) {
      const statement = await findStatement(ctx.db, statementId);
      if (statement)
        throw new DomainError('wrong_stage', `The statement is ${statement.stage}: it can no longer change`);
    }
    if (errorCodeOf(error) === 'wrong_stage' && (await processLagsBehind(ctx, handle, statementId)))
      throw new DomainError('process_unavailable', 'The process is catching up; repeat the request in a moment.');
    throw error;
  }
}

/**
 * True when the stage committed in PostgreSQL is not the one the workflow holds: a worker killed
 * after a stage change was committed and before the workflow task that applies it completed
 * leaves the process a step behind until another worker replays it (`npm run chaos` seeds 16091
 * and 16093: the lead's close answered 409 for the stage before). That refusal is not the
 * caller's conflict: 503 `process_unavailable` (Retry-After), and the same request succeeds.
 */
async function processLagsBehind(ctx: ServiceContext, handle: WorkflowHandle, statementId: string): Promise<boolean> {
  const statement = await findStatement(ctx.db, statementId);
  if (!statement) return false;
  const live = await executeBoundedQuery(ctx, handle, liveStateQuery).catch(() => undefined);
  return live !== undefined && live.stage !== statement.stage;
}
