import {
  ActivityFailure,
  ApplicationFailure,
  isGrpcDeadlineError,
  ServiceError,
  type WorkflowHandle,
  WorkflowNotFoundError,
  WorkflowUpdateFailedError,
  WorkflowUpdateRPCTimeoutOrCancelledError,
} from '@temporalio/client';
import type { QueryDefinition, UpdateDefinition } from '@temporalio/common';

import { DomainError, isErrorCode } from '../domain/errors.js';
import { handingOverFailureType } from '../workflows/kernel/messages.js';
import type { ServiceContext } from './context.js';

/** The default bound on an update's answer (PROCESS_UPDATE_TIMEOUT_SECONDS). */
export const defaultUpdateTimeoutSeconds = 60;

/** When the caller stops waiting for the workflow: now + PROCESS_UPDATE_TIMEOUT_SECONDS. */
export function updateDeadline(ctx: Pick<ServiceContext, 'config'>): number {
  return Date.now() + (ctx.config.PROCESS_UPDATE_TIMEOUT_SECONDS ?? defaultUpdateTimeoutSeconds) * 1000;
}

/** The first of our error codes (a rule, bad data) an update failure carries, however deep. */
export function errorCodeOf(error: unknown): string | undefined {
  if (!(error instanceof WorkflowUpdateFailedError)) return undefined;
  for (let cause: unknown = error.cause; cause; cause = (cause as { cause?: unknown }).cause) {
    if (cause instanceof ApplicationFailure && isErrorCode(cause.type)) return cause.type;
  }
  return undefined;
}

/**
 * Sends one update and waits for its answer until `deadline`, never longer. A workflow that does
 * not answer in time (no worker polling, a step still retrying an outage) and an update refused
 * because a step kept failing until its retries ran out are both 503 `process_unavailable`
 * (Retry-After): the process is not broken, it cannot answer now. So is a refusal for the moment
 * (isRefusedForNow) that lasts until the deadline; until then the update is sent again. We chose
 * 503 over 409 because nothing the caller sent conflicts with anything; repeating the same request (same
 * Idempotency-Key, so the same update id) later gets the first answer. Both are logged.
 */
export async function executeBoundedUpdate<Ret, Arg>(
  ctx: Pick<ServiceContext, 'temporal' | 'logger'>,
  handle: WorkflowHandle,
  update: UpdateDefinition<Ret, [Arg]>,
  options: { args: [Arg]; updateId: string },
  deadline: number,
): Promise<Ret> {
  const context = { workflowId: handle.workflowId, update: update.name, updateId: options.updateId };
  for (let pause = 250; ; pause = Math.min(pause * 2, 2_000)) {
    if (Date.now() >= deadline) throw unavailable(ctx, context, 'deadline');
    try {
      return await ctx.temporal.withDeadline(deadline, () => handle.executeUpdate(update, options));
    } catch (error) {
      if (error instanceof WorkflowUpdateRPCTimeoutOrCancelledError || isGrpcDeadlineError(error))
        throw unavailable(ctx, context, 'deadline');
      if (
        error instanceof WorkflowUpdateFailedError &&
        error.cause instanceof ActivityFailure &&
        errorCodeOf(error) === undefined
      ) {
        throw unavailable(ctx, context, 'retries exhausted', (error.cause.cause as Error | undefined)?.message);
      }
      if (!isRefusedForNow(error)) throw error;
      // The same update id again: the workflow applies it once, whichever attempt reaches it.
      await new Promise((resolve) => setTimeout(resolve, Math.min(pause, Math.max(0, deadline - Date.now()))));
    }
  }
}

/**
 * Temporal refusing an update for a moment: its workflow task failed (a worker killed in the
 * middle of it; another worker retries it), too many updates in flight, the service itself
 * unavailable. Seen in `npm run chaos` as 500s on the lead's approval and close.
 */
/** gRPC status codes (not a dependency of ours: @grpc/grpc-js comes with the Temporal client). */
const status = { RESOURCE_EXHAUSTED: 8, FAILED_PRECONDITION: 9, UNAVAILABLE: 14 } as const;

function isRefusedForNow(error: unknown): boolean {
  if (!(error instanceof ServiceError)) return false;
  const cause = error.cause as { code?: number; details?: string; message?: string } | undefined;
  switch (cause?.code) {
    case status.RESOURCE_EXHAUSTED:
    case status.UNAVAILABLE:
      return true;
    case status.FAILED_PRECONDITION:
      return /workflow task in failed state/i.test(`${cause.details ?? ''} ${cause.message ?? ''}`);
    default:
      return false;
  }
}

/** A hand-over takes as long as the updates in flight: allow it some seconds. */
const handOverAttempts = 120;

/**
 * `executeBoundedUpdate` through a process's hand-over to its next run (continue-as-new), the
 * API's half of the kernel's `ProcessUpdates`: an update refused as `handing_over`, or finding no
 * running execution between two runs (unless `hasEnded`), is sent again with the same id, which
 * the next run answers once.
 */
export async function executeProcessUpdate<Ret, Arg>(
  ctx: Pick<ServiceContext, 'temporal' | 'logger' | 'config'>,
  handle: WorkflowHandle,
  update: UpdateDefinition<Ret, [Arg]>,
  options: { args: [Arg]; updateId: string },
  hasEnded: () => Promise<boolean>,
): Promise<Ret> {
  // One bound for every attempt: the caller gets an answer (or a 503) within it, whatever happens.
  const deadline = updateDeadline(ctx);
  for (let attempt = 1; ; attempt += 1) {
    try {
      return await executeBoundedUpdate(ctx, handle, update, options, deadline);
    } catch (error) {
      const handingOver =
        error instanceof WorkflowUpdateFailedError &&
        (error.cause as { type?: string } | undefined)?.type === handingOverFailureType;
      const betweenRuns = error instanceof WorkflowNotFoundError && !(await hasEnded());
      if (!handingOver && !betweenRuns) throw error;
      if (attempt === handOverAttempts) throw new DomainError('conflict', 'The process is busy; try again in a moment');
      await new Promise((resolve) => setTimeout(resolve, 250));
    }
  }
}

/**
 * Asks a running workflow `query` and waits no longer than PROCESS_UPDATE_TIMEOUT_SECONDS: with no
 * worker to answer (all down or restarting), Temporal would hold the read until its own timeout
 * and it would leave as a 500. It is a 503 `process_unavailable` instead (Retry-After); nothing
 * changed, so the read is simply repeated. So is any other refusal of the service (a query it
 * could not deliver under load answered `Failed to query Workflow`, seen in CI): a read that
 * Temporal could not serve now is never the caller's fault. A workflow that does not exist, or a
 * query it does not know, stays what it is.
 */
export async function executeBoundedQuery<T>(
  ctx: Pick<ServiceContext, 'temporal' | 'logger' | 'config'>,
  handle: WorkflowHandle,
  query: QueryDefinition<T, []>,
): Promise<T> {
  try {
    return await ctx.temporal.withDeadline(updateDeadline(ctx), () => handle.query(query));
  } catch (error) {
    if (!isGrpcDeadlineError(error) && !(error instanceof ServiceError)) throw error;
    ctx.logger.warn(
      { workflowId: handle.workflowId, query: query.name, err: error },
      'a workflow did not answer a query in time',
    );
    throw new DomainError('process_unavailable', 'The process did not answer in time; repeat the request in a moment.');
  }
}

function unavailable(
  ctx: Pick<ServiceContext, 'logger'>,
  context: Record<string, string>,
  why: 'deadline' | 'retries exhausted',
  cause?: string,
): DomainError {
  ctx.logger.warn({ ...context, why, cause }, 'a workflow did not answer an update in time');
  return new DomainError(
    'process_unavailable',
    why === 'deadline'
      ? 'The process did not answer in time; it may still apply the change. Repeat the request (with the same Idempotency-Key) to get its answer.'
      : 'A step of the process kept failing and the change was not made; try again in a moment.',
  );
}
