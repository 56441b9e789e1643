import { ScheduleAlreadyRunning, ScheduleOverlapPolicy, type Client, type ScheduleOptions } from '@temporalio/client';
import { nightlyAuditScheduleId, nightlyAuditWorkflowType } from '../../workflows/audit/messages.js';

/**
 * Creates the nightly audit verification's Temporal schedule (03:30 UTC by default), or brings
 * an existing one up to date: safe at every start of every worker. Overlapping runs are skipped;
 * a missed night is caught up within a day.
 */
export async function ensureAuditSchedule(client: Client, options: { taskQueue: string; scheduleId?: string; cron?: string }): Promise<string> {
  const scheduleId = options.scheduleId ?? nightlyAuditScheduleId;
  const schedule: ScheduleOptions = {
    scheduleId,
    spec: { cronExpressions: [options.cron ?? '30 3 * * *'] },
    action: { type: 'startWorkflow', workflowType: nightlyAuditWorkflowType, taskQueue: options.taskQueue, args: [], workflowId: scheduleId },
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
