import path from 'node:path';

import { Context } from '@temporalio/activity';
import { Client, Connection, WorkflowFailedError } from '@temporalio/client';
import { bundleWorkflowCode, DefaultLogger, NativeConnection, Worker } from '@temporalio/worker';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';

import { keepAliveActivityInterceptors } from '../platform/activity-keep-alive.js';
import { type KeepAliveActivities, keepAliveWorkflow } from './support/keep-alive-workflow.js';

/**
 * The worker heartbeats for every activity scheduled with a heartbeat timeout while it runs
 * (platform/activity-keep-alive.ts), so the step policies can notice a killed worker in 10 s. On
 * the real Temporal dev server: a 3 s step that never beats itself outlives a 1 s heartbeat
 * timeout with the interceptor, and times out without it; a step's own progress details stay.
 */
describe('activity keep-alive', () => {
  let connection: NativeConnection;
  let client: Client;
  let code: string;
  const seenDetails: unknown[] = [];

  beforeAll(async () => {
    const address = inject('temporalAddress');
    connection = await NativeConnection.connect({ address });
    client = new Client({ connection: await Connection.connect({ address }), namespace: 'default' });
    ({ code } = await bundleWorkflowCode({
      workflowsPath: path.resolve('test/support/keep-alive-workflow.ts'),
      logger: new DefaultLogger('WARN'),
    }));
  }, 120_000);
  afterAll(async () => {
    await client?.connection.close();
    await connection?.close();
  });

  const activities: KeepAliveActivities = {
    quietStep: async (ms) => {
      await new Promise((resolve) => setTimeout(resolve, ms));
      return 'quiet';
    },
    stepWithProgress: async (ms) => {
      Context.current().heartbeat({ done: 1 });
      await new Promise((resolve) => setTimeout(resolve, ms));
      return 'progress';
    },
  };

  async function run(withKeepAlive: boolean, onStarted?: (workflowId: string) => Promise<void>) {
    const taskQueue = `keep-alive-${withKeepAlive}-${process.pid}-${Date.now()}`;
    const worker = await Worker.create({
      connection,
      namespace: 'default',
      taskQueue,
      workflowBundle: { code },
      activities,
      ...(withKeepAlive ? { interceptors: { activity: [keepAliveActivityInterceptors()] } } : {}),
    });
    return worker.runUntil(async () => {
      const workflowId = `${taskQueue}-wf`;
      const handle = await client.workflow.start(keepAliveWorkflow, { taskQueue, workflowId, args: [3000] });
      await onStarted?.(workflowId);
      return handle.result();
    });
  }

  it('keeps a quiet step alive past its heartbeat timeout, and a step’s own details with it', async () => {
    const result = await run(true, async (workflowId) => {
      // While the second step runs (after the first's 3 s), its last details are the step's own.
      const deadline = Date.now() + 20_000;
      while (Date.now() < deadline) {
        const described = await client.workflow.getHandle(workflowId).describe();
        const pending = described.raw.pendingActivities?.[0];
        if (pending?.activityType?.name === 'stepWithProgress' && pending.heartbeatDetails?.payloads?.length) {
          const payload = pending.heartbeatDetails.payloads[0]!;
          seenDetails.push(JSON.parse(Buffer.from(payload.data!).toString('utf8')));
          break;
        }
        await new Promise((resolve) => setTimeout(resolve, 200));
      }
    });
    expect(result).toEqual(['quiet', 'progress']);
    expect(seenDetails).toEqual([{ done: 1 }]);
  }, 60_000);

  it('without it, the same quiet step times out on its heartbeat', async () => {
    const failure = await run(false).catch((error: unknown) => error);
    expect(failure).toBeInstanceOf(WorkflowFailedError);
    expect(String(((failure as WorkflowFailedError).cause?.cause as Error | undefined)?.message)).toMatch(/heartbeat/i);
  }, 60_000);
});
