import type { Client } from '@temporalio/client';

import { weeklyDigestScheduleId, weeklyDigestWorkflowType } from '../../workflows/digest/messages.js';
import { ensureCronSchedule } from '../cron-schedule.js';

export interface DigestScheduleOptions {
  taskQueue: string;
  scheduleId?: string;
  /** Cron in UTC; by default Mondays at 06:00, reporting on the week before. */
  cron?: string;
}

/** The weekly digest's schedule (see ensureCronSchedule); the digest itself is once per week and recipient whatever runs. */
export function ensureDigestSchedule(client: Client, options: DigestScheduleOptions): Promise<string> {
  return ensureCronSchedule(client, {
    scheduleId: options.scheduleId ?? weeklyDigestScheduleId,
    cron: options.cron ?? '0 6 * * 1',
    workflowType: weeklyDigestWorkflowType,
    taskQueue: options.taskQueue,
  });
}
