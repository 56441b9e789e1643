/**
 * Outbox keys of the messages a workflow queues through an activity and then delivers by key
 * prefix: the activity writes them, the workflow names the prefix, so both take it from here.
 */

/** Outbox keys of one week's digest: `digest:<ISO week>:<user id>`, unique per (week, recipient). */
export const digestKeyPrefix = (week: string): string => `digest:${week}`;

/** Outbox keys of one run's alert: `audit-alert:<run>:<user id>`, once per run and recipient. */
export const auditAlertKeyPrefix = (runId: string): string => `audit-alert:${runId}`;
