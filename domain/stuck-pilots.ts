import { isDeadlineStage, type Stage } from '../rules/stages.js';

/**
 * When a pilot is stuck: its process cannot go on by itself, and nothing happens until someone
 * acts. Overdue says a deadline passed; stuck says the process waits on a person. Pure: the
 * dashboard's read (db/dashboard.ts) applies the same thresholds in SQL to filter and count, and
 * the pilot view words the reasons from here.
 *
 * - `process_failure`: a step the workflow took on its own failed for good (ProcessFailure in
 *   domain/process-failures.ts); the lead repairs it (close the stage, extend, retry, cancel).
 * - `rate_missing`, `rate_stale`: the aggregation is blocked by an exchange rate that is missing
 *   or too old (rules/exchange-rates.ts); an administrator imports the rate, then the lead
 *   aggregates again.
 * - `deadline_not_closed`: a stage's deadline passed long ago and the stage did not close. The
 *   workflow closes it within moments of its deadline, so a close that has not happened a day
 *   later will not happen by itself: the operators look at the process, or the lead closes the
 *   stage or extends the deadline.
 * - `shortfall_undecided`: critical mass was not met and the lead has not decided (extend,
 *   proceed or abandon) for a week; only the lead can move it.
 */
export const stuckReasons = [
  'process_failure',
  'rate_missing',
  'rate_stale',
  'deadline_not_closed',
  'shortfall_undecided',
] as const;
export type StuckReason = (typeof stuckReasons)[number];

/** Who can get a stuck pilot going again, per reason. */
export type StuckActor = 'lead' | 'administrator' | 'operators';

export const stuckActors: Record<StuckReason, readonly StuckActor[]> = {
  process_failure: ['lead'],
  rate_missing: ['administrator', 'lead'],
  rate_stale: ['administrator', 'lead'],
  deadline_not_closed: ['operators', 'lead'],
  shortfall_undecided: ['lead'],
};

/** How long after its deadline a stage that has not closed counts as stuck (the close takes moments). */
export const unclosedDeadlineGraceMs = 24 * 3_600_000;
/** How long a shortfall may wait for the lead's decision before the pilot counts as stuck. */
export const shortfallDecisionGraceMs = 7 * 86_400_000;

/** Rate problem codes that block an aggregation (rules/exchange-rates.ts). */
const rateReasons = new Set<string>(['rate_missing', 'rate_stale']);

export interface StuckFacts {
  stage: Stage;
  stageEnteredAt: Date;
  /** The current stage's deadline. */
  deadline: Date | null;
  /** While the aggregation is blocked: the problem codes of the latest attempt, and when it first blocked in this stage. */
  aggregationBlocked: { codes: readonly string[]; since: Date } | null;
  /** A failure the workflow recorded and still waits on, when it is known (the live process). */
  processFailure: { at: Date } | null;
}

export interface StuckCause {
  reason: StuckReason;
  since: Date;
}

export interface Stuck {
  /** In the order of `stuckReasons`. */
  reasons: StuckReason[];
  /** Since when the pilot has been stuck: the earliest of its causes. */
  since: Date;
  /** Who can act, each once, in the order the reasons name them. */
  actors: StuckActor[];
}

/** The causes of a pilot being stuck at `now`, each with its start. */
export function stuckCauses(f: StuckFacts, now: Date): StuckCause[] {
  const causes: StuckCause[] = [];
  if (f.processFailure) causes.push({ reason: 'process_failure', since: f.processFailure.at });
  if (f.stage === 'aggregation' && f.aggregationBlocked) {
    for (const code of new Set(f.aggregationBlocked.codes))
      if (rateReasons.has(code)) causes.push({ reason: code as StuckReason, since: f.aggregationBlocked.since });
  }
  if (f.deadline !== null && isDeadlineStage(f.stage) && now.getTime() - f.deadline.getTime() > unclosedDeadlineGraceMs)
    causes.push({ reason: 'deadline_not_closed', since: f.deadline });
  if (f.stage === 'shortfall' && now.getTime() - f.stageEnteredAt.getTime() > shortfallDecisionGraceMs)
    causes.push({ reason: 'shortfall_undecided', since: f.stageEnteredAt });
  return causes.sort((a, b) => stuckReasons.indexOf(a.reason) - stuckReasons.indexOf(b.reason));
}

/** Whether a pilot is stuck at `now`, why, since when and who can act; null when it can go on by itself. */
export function stuckOf(f: StuckFacts, now: Date): Stuck | null {
  const causes = stuckCauses(f, now);
  if (causes.length === 0) return null;
  const actors: StuckActor[] = [];
  for (const c of causes) for (const a of stuckActors[c.reason]) if (!actors.includes(a)) actors.push(a);
  return {
    reasons: causes.map((c) => c.reason),
    since: new Date(Math.min(...causes.map((c) => c.since.getTime()))),
    actors,
  };
}

/** The rule's thresholds at `now`, for a read that filters and counts stuck pilots in the database. */
export function stuckThresholdsAt(now: Date) {
  return {
    rateCodes: [...rateReasons],
    deadlineBefore: new Date(now.getTime() - unclosedDeadlineGraceMs),
    shortfallEnteredBefore: new Date(now.getTime() - shortfallDecisionGraceMs),
  };
}
