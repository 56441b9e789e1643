import { proxyActivities } from '@temporalio/workflow';

/**
 * For test/activity-keep-alive.test.ts: one step with a 1 s heartbeat timeout that runs 3 s and
 * never heartbeats itself (like the statement's database steps), and no retry to hide a timeout.
 */
export interface KeepAliveActivities {
  quietStep(ms: number): Promise<string>;
  stepWithProgress(ms: number): Promise<string>;
}

const steps = proxyActivities<KeepAliveActivities>({
  startToCloseTimeout: '30 seconds',
  heartbeatTimeout: '1 second',
  retry: { maximumAttempts: 1 },
});

export async function keepAliveWorkflow(ms: number): Promise<string[]> {
  return [await steps.quietStep(ms), await steps.stepWithProgress(ms)];
}
