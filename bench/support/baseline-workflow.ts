import {
  allHandlersFinished,
  condition,
  continueAsNew,
  defineSignal,
  defineUpdate,
  proxyActivities,
  setHandler,
  workflowInfo,
} from '@temporalio/workflow';

/**
 * The baseline a benchmark compares the statement workflow with: a workflow that does nothing
 * but count updates (optionally each running a no-op activity, as every statement update records
 * an event through one), and continues as new when Temporal suggests it, as the statement does.
 */
export const bumpUpdate = defineUpdate<number, [{ activity: boolean }]>('bump');
export const finishSignal = defineSignal('finish');
/** A signal that only counts: the bare signal round-trip the deadline-rush benchmark compares with. */
export const pokeSignal = defineSignal('poke');

const { benchNoop } = proxyActivities<{ benchNoop(): Promise<void> }>({ startToCloseTimeout: '1 minute' });

export async function benchBaselineWorkflow(carried = 0): Promise<number> {
  let count = carried;
  let finished = false;
  setHandler(bumpUpdate, async ({ activity }) => {
    if (activity) await benchNoop();
    count += 1;
    return count;
  });
  setHandler(pokeSignal, () => {
    count += 1;
  });
  setHandler(finishSignal, () => {
    finished = true;
  });
  await condition(() => finished || workflowInfo().continueAsNewSuggested);
  await condition(allHandlersFinished);
  if (!finished) await continueAsNew<typeof benchBaselineWorkflow>(count);
  return count;
}
