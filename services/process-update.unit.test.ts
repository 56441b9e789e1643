import { status } from '@grpc/grpc-js';
import { ServiceError, type WorkflowHandle } from '@temporalio/client';
import { WorkflowNotFoundError } from '@temporalio/common';
import { describe, expect, it } from 'vitest';

import { DomainError } from '../domain/errors.js';
import { executeBoundedQuery, executeBoundedUpdate } from './process-update.js';

/** What executeBoundedQuery makes of a query's failure: the service's refusals are 503s, nothing else changes. */
async function failureOf(error: unknown): Promise<unknown> {
  const warnings: unknown[] = [];
  const ctx = {
    temporal: { withDeadline: <T>(_deadline: number, fn: () => Promise<T>) => fn() },
    logger: { warn: (o: unknown) => warnings.push(o) },
    config: { PROCESS_UPDATE_TIMEOUT_SECONDS: 1 },
  } as unknown as Parameters<typeof executeBoundedQuery>[0];
  const handle = { workflowId: 'statement-x', query: () => Promise.reject(error) } as unknown as WorkflowHandle;
  return executeBoundedQuery(ctx, handle, { name: 'liveState', type: 'query' } as never).catch((e: unknown) => e);
}

const grpcError = (code: status) => Object.assign(new Error(`${code} grpc`), { code, details: 'x', metadata: {} });

describe('a query Temporal cannot serve now', () => {
  it.each([status.DEADLINE_EXCEEDED, status.UNAVAILABLE, status.RESOURCE_EXHAUSTED, status.INTERNAL])(
    'is 503 process_unavailable for the service’s refusal (gRPC %s), as CI saw under load',
    async (code) => {
      const failure = await failureOf(new ServiceError('Failed to query Workflow', { cause: grpcError(code) }));
      expect(failure).toBeInstanceOf(DomainError);
      expect((failure as DomainError).code).toBe('process_unavailable');
    },
  );

  it('leaves a workflow that does not exist, and a bug of ours, as they are', async () => {
    const missing = new WorkflowNotFoundError('not found', 'statement-x', undefined);
    expect(await failureOf(missing)).toBe(missing);
    const bug = new TypeError('x is undefined');
    expect(await failureOf(bug)).toBe(bug);
  });
});

/** An update the service refuses `refusals` times, then answers; sent within a deadline of `ms`. */
async function updateRefused(refusal: unknown, refusals: number, ms: number) {
  let calls = 0;
  const ctx = {
    temporal: { withDeadline: <T>(_deadline: number, fn: () => Promise<T>) => fn() },
    logger: { warn: () => undefined },
  } as unknown as Parameters<typeof executeBoundedUpdate>[0];
  const handle = {
    workflowId: 'statement-x',
    executeUpdate: () => (++calls <= refusals ? Promise.reject(refusal) : Promise.resolve('applied')),
  } as unknown as WorkflowHandle;
  const result = await executeBoundedUpdate(
    ctx,
    handle,
    { name: 'approve', type: 'update' } as never,
    { args: [{}], updateId: 'approve:k' },
    Date.now() + ms,
  ).catch((e: unknown) => e);
  return { result, calls };
}

const updateRefusal = (code: status, message: string) =>
  new ServiceError('Workflow Update failed', {
    cause: Object.assign(new Error(`${code} ${message}`), { code, details: message, metadata: {} }),
  });

describe('an update Temporal cannot take now', () => {
  // Seen in `npm run chaos` (seeds 16069, 16071): a worker killed mid workflow task leaves the task
  // failed until another worker retries it; Temporal refuses updates meanwhile, and the lead's
  // approval answered 500.
  const failedTask = updateRefusal(
    status.FAILED_PRECONDITION,
    'Unable to perform workflow execution update due to Workflow Task in failed state.',
  );
  const tooMany = updateRefusal(
    status.RESOURCE_EXHAUSTED,
    'limit on number of concurrent in-flight updates has been reached (10)',
  );

  it.each([
    ['a workflow task in failed state', failedTask],
    ['too many updates in flight', tooMany],
    ['the service unavailable', updateRefusal(status.UNAVAILABLE, 'unavailable')],
  ])('is sent again with the same id while %s, and answers once it is taken', async (_why, refusal) => {
    const { result, calls } = await updateRefused(refusal, 2, 10_000);
    expect(result).toBe('applied');
    expect(calls).toBe(3);
  });

  it('is 503 process_unavailable when the refusal lasts past the deadline, never a 500', async () => {
    const { result, calls } = await updateRefused(failedTask, Number.POSITIVE_INFINITY, 1_500);
    expect(result).toBeInstanceOf(DomainError);
    expect((result as DomainError).code).toBe('process_unavailable');
    expect(calls).toBeGreaterThan(1);
  });

  it('leaves another precondition failure and a bug of ours as they are', async () => {
    const other = updateRefusal(status.FAILED_PRECONDITION, 'workflow execution already completed');
    expect((await updateRefused(other, 1, 5_000)).result).toBe(other);
    const bug = new TypeError('x is undefined');
    expect((await updateRefused(bug, 1, 5_000)).result).toBe(bug);
  });
});
