import { unprocessable } from '../../domain/errors.js';
import { earliestDateToday, scheduleDateFindings } from '../../domain/schedule-dates.js';
import type { Schedule } from '../../domain/statement.js';

/**
 * Refuses a schedule with dates the law's periods cannot apply to (422 naming each field and its
 * rule, domain/schedule-dates.ts); the dates only worth a second look are the statement view's
 * `scheduleWarnings`. `now` is the request's moment, in epoch ms.
 */
export function assertScheduleDates(schedule: Schedule, now: number): void {
  const { refusals } = scheduleDateFindings(schedule, earliestDateToday(now));
  if (refusals.length > 0)
    throw unprocessable(refusals, 'The schedule has dates the procurement rules cannot apply to');
}
