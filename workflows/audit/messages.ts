/** The nightly audit verification: names shared by the worker, the schedule and tests. */
export const nightlyAuditWorkflowType = 'nightlyAuditWorkflow';
export const nightlyAuditScheduleId = 'nightly-audit-verification';
/** Outbox keys of its messages (domain/outbox-keys.ts, which the activity writes them with). */
export { auditAlertKeyPrefix } from '../../domain/outbox-keys.js';

export interface NightlyAuditResult {
  chains: number;
  events: number;
  checkpoints: number;
  /** Chains found broken: 0 on a normal night, and then nothing is raised. */
  broken: number;
  alertsQueued: number;
  sent: number;
}
