import { ScheduleAlreadyRunning, ScheduleOverlapPolicy, type Client, type ScheduleOptions } from '@temporalio/client';
import { weeklyDigestScheduleId, weeklyDigestWorkflowType } from '../../workflows/digest/messages.js';

export interface DigestScheduleOptions {
  taskQueue: string;
  scheduleId?: string;
  /** Cron in UTC; by default Mondays at 06:00, reporting on the week before. */
  cron?: string;
}

/**
 * Creates the weekly digest's Temporal schedule, or brings an existing one up to date: safe to call
 * at every start of every worker. Overlapping runs are skipped and a missed run is caught up
 * within a day; the digest itself is once per week and recipient whatever runs.
 */
export async function ensureDigestSchedule(client: Client, options: DigestScheduleOptions): Promise<string> {
  const scheduleId = options.scheduleId ?? weeklyDigestScheduleId;
  const schedule: ScheduleOptions = {
    scheduleId,
    spec: { cronExpressions: [options.cron ?? '0 6 * * 1'] },
    action: { type: 'startWorkflow', workflowType: weeklyDigestWorkflowType, taskQueue: options.taskQueue, args: [], workflowId: scheduleId },
    policies: { overlap: ScheduleOverlapPolicy.SKIP, catchupWindow: '1 day' },
  };
  try {
    await client.schedule.create(schedule);
  } catch (error) {
    if (!(error instanceof ScheduleAlreadyRunning)) throw error;
    await client.schedule.getHandle(scheduleId).update((previous) => ({ ...previous, spec: schedule.spec, action: schedule.action, policies: { ...previous.policies, ...schedule.policies } }));
  }
  return scheduleId;
}
