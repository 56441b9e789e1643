/** The nightly audit verification: names shared by the worker, the schedule and tests. */
export const nightlyAuditWorkflowType = 'nightlyAuditWorkflow';
export const nightlyAuditScheduleId = 'nightly-audit-verification';
/** Outbox keys of one run's alert: `audit-alert:<run>:<user id>`, once per run and recipient. */
export const auditAlertKeyPrefix = (runId: string): string => `audit-alert:${runId}`;

export interface NightlyAuditResult {
  chains: number;
  events: number;
  checkpoints: number;
  /** Chains found broken: 0 on a normal night, and then nothing is raised. */
  broken: number;
  alertsQueued: number;
  sent: number;
}
