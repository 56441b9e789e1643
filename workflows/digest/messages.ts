/** The weekly digest of the pilots for Commission staff: names shared by the worker, the schedule and tests. */
export const weeklyDigestWorkflowType = 'weeklyDigestWorkflow';
export const weeklyDigestScheduleId = 'weekly-pilot-digest';
/** Outbox keys of its messages (domain/outbox-keys.ts, which the activity writes them with). */
export { digestKeyPrefix } from '../../domain/outbox-keys.js';

export interface WeeklyDigestResult {
  week: string;
  recipients: number;
  /** Messages queued by this run: 0 when this week's digest had gone out already. */
  queued: number;
  sent: number;
}
