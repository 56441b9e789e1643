import { type Client, ScheduleAlreadyRunning, type ScheduleOptions, ScheduleOverlapPolicy } from '@temporalio/client';

/**
 * Creates a Temporal schedule that starts one workflow on a cron, or brings an existing one up to
 * date: safe at every start of every worker. Overlapping runs are skipped and a missed run is
 * caught up within a day.
 */
export async function ensureCronSchedule(
  client: Client,
  options: { scheduleId: string; cron: string; workflowType: string; taskQueue: string; args?: unknown[] },
): Promise<string> {
  const { scheduleId } = options;
  const schedule: ScheduleOptions = {
    scheduleId,
    spec: { cronExpressions: [options.cron] },
    action: {
      type: 'startWorkflow',
      workflowType: options.workflowType,
      taskQueue: options.taskQueue,
      args: options.args ?? [],
      workflowId: scheduleId,
    },
    policies: { overlap: ScheduleOverlapPolicy.SKIP, catchupWindow: '1 day' },
  };
  try {
    await client.schedule.create(schedule);
  } catch (error) {
    if (!(error instanceof ScheduleAlreadyRunning)) throw error;
    await client.schedule.getHandle(scheduleId).update((previous) => ({
      ...previous,
      spec: schedule.spec,
      action: schedule.action,
      policies: { ...previous.policies, ...schedule.policies },
    }));
  }
  return scheduleId;
}
