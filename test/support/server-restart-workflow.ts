import { condition, defineSignal, proxyActivities, setHandler, sleep } from '@temporalio/workflow';

/**
 * A small workflow for test/temporal-server-postgres.test.ts: an activity, a durable timer, a
 * signal and a second activity, so a Temporal server restart between the steps shows each kind
 * of state surviving in the server's PostgreSQL databases.
 */
export interface ServerRestartActivities {
  step(n: number): Promise<string>;
}

export const proceed = defineSignal('proceed');

export async function serverRestartWorkflow(timerMs: number): Promise<string[]> {
  const { step } = proxyActivities<ServerRestartActivities>({
    startToCloseTimeout: '30s',
    retry: { initialInterval: '200ms', maximumInterval: '2s' },
  });
  let go = false;
  setHandler(proceed, () => {
    go = true;
  });
  const done = [await step(1)];
  await sleep(timerMs);
  await condition(() => go);
  done.push(await step(2));
  return done;
}
