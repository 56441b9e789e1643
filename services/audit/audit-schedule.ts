import type { Client } from '@temporalio/client';

import { nightlyAuditScheduleId, nightlyAuditWorkflowType } from '../../workflows/audit/messages.js';
import { ensureCronSchedule } from '../cron-schedule.js';

/** The nightly audit verification's schedule, 03:30 UTC by default (see ensureCronSchedule). */
export function ensureAuditSchedule(
  client: Client,
  options: { taskQueue: string; scheduleId?: string; cron?: string },
): Promise<string> {
  return ensureCronSchedule(client, {
    scheduleId: options.scheduleId ?? nightlyAuditScheduleId,
    cron: options.cron ?? '30 3 * * *',
    workflowType: nightlyAuditWorkflowType,
    taskQueue: options.taskQueue,
  });
}
