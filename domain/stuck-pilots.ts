import { isDeadlineStage, type Stage, stages } from '../rules/stages.js';

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

/**
 * The audit actions recorded after a process failure that say it is over, as the workflow clears
 * it (workflows/statement/workflow.ts): a stage change (closed, cancelled, the aggregation done)
 * or a new attempt blocked on a rate (its own reason) ends any failure; a new deadline ends a
 * stage's failure (the step runs again then) but not a mail failure, which waits for the next stage.
 * A retry the lead asked for is not recorded: its outcome is (a stage change, a block, a new failure).
 */
export const failureEndingActions = {
  any: ['stage_changed', 'aggregation_blocked'],
  unlessMail: ['deadline_extended'],
} as const;

/** Whether an audit action recorded after a failure of `step` ends it (the read model's SQL applies the same lists). */
export function endsProcessFailure(step: string, action: string): boolean {
  if ((failureEndingActions.any as readonly string[]).includes(action)) return true;
  return failedStepOf(step).kind !== 'mail' && (failureEndingActions.unlessMail as readonly string[]).includes(action);
}

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
  /**
   * A failure the workflow recorded and still waits on (its `process_failed` event, until a later
   * stage change, deadline or aggregation attempt says it is over), with the step as the workflow
   * names it when known.
   */
  processFailure: { at: Date; step?: string } | null;
}

/** What kind of step failed, in the few words a reader needs (the lead's alert words the same). */
export type FailedStepKind = 'mail' | 'aggregation' | 'stage_changed' | 'other';

export interface FailedStep {
  kind: FailedStepKind;
  /** The stage the step belonged to; null for mail, which runs beside every stage. */
  stage: Stage | null;
}

/**
 * The step of a process failure as the workflow names it (`<stage>: <event kind>`, or
 * `deliver mail`), as a kind and a stage to word. The aggregation's own step is not an event
 * kind (its failure carries the kind the stage last recorded), so in aggregation it is the
 * aggregation whatever the suffix.
 */
export function failedStepOf(step: string): FailedStep {
  if (step === 'deliver mail') return { kind: 'mail', stage: null };
  const at = step.indexOf(': ');
  const named = at < 0 ? step : step.slice(0, at);
  const stage = (stages as readonly string[]).includes(named) ? (named as Stage) : null;
  const kind = at < 0 ? '' : step.slice(at + 2);
  if (stage === 'aggregation') return { kind: 'aggregation', stage };
  return { kind: kind === 'stage_changed' ? 'stage_changed' : 'other', stage };
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
  /** Which step failed, when a process failure with a known step is a reason. */
  failedStep?: FailedStep;
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
  const step = causes.some((c) => c.reason === 'process_failure') ? f.processFailure?.step : undefined;
  return {
    reasons: causes.map((c) => c.reason),
    since: new Date(Math.min(...causes.map((c) => c.since.getTime()))),
    actors,
    ...(step === undefined ? {} : { failedStep: failedStepOf(step) }),
  };
}

/**
 * The rule's thresholds at `now`, for a read that filters and counts stuck pilots in the database.
 * A process failure has none: it counts from the moment it is recorded until it is over.
 */
export function stuckThresholdsAt(now: Date) {
  return {
    rateCodes: [...rateReasons],
    deadlineBefore: new Date(now.getTime() - unclosedDeadlineGraceMs),
    shortfallEnteredBefore: new Date(now.getTime() - shortfallDecisionGraceMs),
  };
}
