import { type Client, ScheduleNotFoundError } from '@temporalio/client';

import {
  type EcbRatesImportInput,
  ecbRatesImportScheduleId,
  ecbRatesImportWorkflowType,
} from '../../workflows/exchange-rates/messages.js';
import { ensureCronSchedule } from '../cron-schedule.js';

/**
 * The daily import of the ECB reference rates (see ensureCronSchedule): by default on weekdays
 * at 15:30 UTC, after the ECB publishes around 16:00 CET. Created when ECB_RATES_SCHEDULE is on;
 * `removeRatesSchedule` takes it away when it is turned off again.
 */
export function ensureRatesSchedule(
  client: Client,
  options: { taskQueue: string; url: string; cron?: string; scheduleId?: string },
): Promise<string> {
  const input: EcbRatesImportInput = { url: options.url };
  return ensureCronSchedule(client, {
    scheduleId: options.scheduleId ?? ecbRatesImportScheduleId,
    cron: options.cron ?? '30 15 * * 1-5',
    workflowType: ecbRatesImportWorkflowType,
    taskQueue: options.taskQueue,
    args: [input],
  });
}

/** Deletes the schedule if there is one: ECB_RATES_SCHEDULE off means no daily import. */
export async function removeRatesSchedule(client: Client, scheduleId = ecbRatesImportScheduleId): Promise<boolean> {
  try {
    await client.schedule.getHandle(scheduleId).delete();
    return true;
  } catch (error) {
    if (error instanceof ScheduleNotFoundError) return false;
    throw error;
  }
}
