import { status } from '@grpc/grpc-js';
import { ServiceError, type WorkflowHandle } from '@temporalio/client';
import { WorkflowNotFoundError } from '@temporalio/common';
import { describe, expect, it } from 'vitest';

import { DomainError } from '../domain/errors.js';
import { executeBoundedQuery } from './process-update.js';

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
