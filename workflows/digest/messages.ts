/** The weekly digest of the pilots for Commission staff: names shared by the worker, the schedule and tests. */
export const weeklyDigestWorkflowType = 'weeklyDigestWorkflow';
export const weeklyDigestScheduleId = 'weekly-pilot-digest';
/** Outbox keys of one week's digest: `digest:<ISO week>:<user id>`, unique per (week, recipient). */
export const digestKeyPrefix = (week: string): string => `digest:${week}`;

export interface WeeklyDigestResult {
  week: string;
  recipients: number;
  /** Messages queued by this run: 0 when this week's digest had gone out already. */
  queued: number;
  sent: number;
}
