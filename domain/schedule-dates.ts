import { parseDurationMs } from './duration.js';
import type { FieldProblem } from './errors.js';
import type { Schedule } from './statement.js';

/**
 * The statement's dates against the calendar: which ones the law makes impossible (refused) and
 * which ones are only unusual (warned). A joint statement of demand prepares a procurement that
 * has not started yet: its market dialogue is a preliminary market consultation, held "before
 * launching a procurement procedure" (Directive 2014/24/EU Art. 40), and the value it aggregates is
 * the estimate that counts "at the moment at which the call for competition is sent" (Art. 5(4)).
 *
 * Refused (the period the law speaks of is over before the statement exists):
 * - a procurement start before today: Art. 40 consultations and the Art. 5(4) estimate both come
 *   before the call for competition, which would already have been sent;
 * - a delivery window that has wholly passed (its last year before this year): there is nothing
 *   left to procure, and a contract is performed after it is awarded, not before;
 * - a delivery window that ends before the year the procurement starts: the same, for the
 *   procurement the statement names.
 * Warned (possible, but worth a second look; the lead decides):
 * - a window that starts in a past year, or before the procurement's year, but reaches beyond:
 *   only its later years can be delivered under a contract still to be awarded;
 * - a procurement start sooner than the statement's own stages end (needs assessment,
 *   confirmation, market engagement, approval): the Art. 40 consultation would still be running
 *   when the procedure is launched. Stages can be closed early, so this is not refused.
 *
 * Pure: "today" is given by the caller (see `earliestDateToday`).
 */

export const scheduleWarningCodes = [
  'deliveryStartsInPastYear',
  'deliveryStartsBeforeProcurement',
  'procurementStartsBeforeStagesEnd',
] as const;
export type ScheduleWarningCode = (typeof scheduleWarningCodes)[number];

export interface ScheduleWarning extends FieldProblem {
  code: ScheduleWarningCode;
  /** The date or year the warning compares with, for a client to put in its own words. */
  limit: string;
}

export interface ScheduleDateFindings {
  /** Dates the law's periods cannot apply to: the request is refused, naming each. */
  refusals: FieldProblem[];
  warnings: ScheduleWarning[];
}

const dayMs = 86_400_000;

/**
 * The calendar date that is "today" somewhere on earth at `now`: the earliest of them, at UTC−12.
 * A lead buyer anywhere who picks its own today is then never told that it lies in the past.
 */
export function earliestDateToday(now: Date | number): string {
  return new Date(new Date(now).getTime() - 12 * 3_600_000).toISOString().slice(0, 10);
}

function addMs(date: string, ms: number): string {
  return new Date(Date.parse(`${date}T00:00:00Z`) + ms).toISOString().slice(0, 10);
}

/** The stages a statement runs through before publication, each for its whole configured duration. */
const stagesBeforePublication = ['needsAssessment', 'confirmation', 'marketEngagement', 'approval'] as const;

/** `today` is a calendar date, YYYY-MM-DD (see `earliestDateToday`). */
export function scheduleDateFindings(
  schedule: Pick<
    Schedule,
    'deliveryFromYear' | 'deliveryToYear' | 'expectedProcurementStart' | (typeof stagesBeforePublication)[number]
  >,
  today: string,
): ScheduleDateFindings {
  const refusals: FieldProblem[] = [];
  const warnings: ScheduleWarning[] = [];
  const year = Number(today.slice(0, 4));
  const start = schedule.expectedProcurementStart;
  const startYear = Number(start.slice(0, 4));

  if (start < today) {
    refusals.push({
      field: 'schedule.expectedProcurementStart',
      rule: `must not be before today (${today}): a statement of demand prepares a procurement not yet launched, as market consultations come before the procedure (Directive 2014/24/EU Art. 40) and the estimated value is the one when the call for competition is sent (Art. 5(4))`,
    });
  }
  if (schedule.deliveryToYear < year) {
    refusals.push({
      field: 'schedule.deliveryToYear',
      rule: `must not be before this year (${year}): the whole delivery window would have passed, and a contract still to be awarded cannot be delivered in the past (Directive 2014/24/EU Art. 5(4), Art. 40)`,
    });
  } else if (schedule.deliveryToYear < startYear) {
    refusals.push({
      field: 'schedule.deliveryToYear',
      rule: `must not be before the year the procurement is expected to start (${startYear}): delivery follows the award of the contract the procurement leads to`,
    });
  }

  if (schedule.deliveryToYear >= Math.max(year, startYear)) {
    if (schedule.deliveryFromYear < year) {
      warnings.push({
        field: 'schedule.deliveryFromYear',
        code: 'deliveryStartsInPastYear',
        limit: String(year),
        rule: `is before this year (${year}): only the years from ${year} on can be delivered under a contract still to be awarded`,
      });
    } else if (schedule.deliveryFromYear < startYear) {
      warnings.push({
        field: 'schedule.deliveryFromYear',
        code: 'deliveryStartsBeforeProcurement',
        limit: String(startYear),
        rule: `is before the year the procurement is expected to start (${startYear}): delivery follows the award of the contract`,
      });
    }
  }

  if (start >= today) {
    const stagesMs = stagesBeforePublication.reduce((sum, stage) => sum + (parseDurationMs(schedule[stage]) ?? 0), 0);
    // Rounded up to whole days: a stage that ends during a day ends on that day.
    const stagesEnd = addMs(today, Math.ceil(stagesMs / dayMs) * dayMs);
    if (start < stagesEnd) {
      warnings.push({
        field: 'schedule.expectedProcurementStart',
        code: 'procurementStartsBeforeStagesEnd',
        limit: stagesEnd,
        rule: `is before the statement's own stages would end (${stagesEnd}, with every stage run for its whole duration): the preliminary market consultation should end before the procurement is launched (Directive 2014/24/EU Art. 40)`,
      });
    }
  }
  return { refusals, warnings };
}
