/**
 * A trace id follows one API request through the workflow update or signal it sends, the
 * activities the workflow runs for it, their log lines and the e-mails they enqueue. Only an id
 * travels (Temporal headers, an outbox row's headers), never a document.
 */

/** The Temporal header (on starts, signals, updates, scheduled activities) that carries it. */
export const traceHeader = 'jointdemand-trace-id';

/** The e-mail header that carries it to the relay; never in the visible body. */
export const traceMailHeader = 'X-Trace-Id';

/**
 * What a client may send as X-Request-Id and have kept: letters, digits and `._:-`, at most 128
 * characters, so it cannot break a mail header or a log line. Anything else is replaced.
 */
export function isTraceId(value: unknown): value is string {
  return typeof value === 'string' && /^[A-Za-z0-9._:-]{1,128}$/.test(value);
}
