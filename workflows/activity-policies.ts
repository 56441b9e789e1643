import {
  type ActivityInterfaceFor,
  type ActivityOptions,
  currentUpdateInfo,
  proxyActivities,
} from '@temporalio/workflow';

import { nonRetryableFailureTypes } from '../domain/process-failures.js';

/**
 * Retry policies by what an activity does. Every activity throws what no retry can fix as a
 * non-retryable failure with a type (`db/failures.ts`); these policies decide how long
 * the rest (the database or SMTP down, a lost worker) is retried.
 */

/**
 * A step an update waits for (its caller is waiting for an answer): retried with backoff for
 * about a minute, then the update is refused (503 `process_unavailable`) and the workflow stays
 * free for the next one. Never held hostage by endless retries.
 */
export const updateStepPolicy = {
  startToCloseTimeout: '30 seconds',
  // A lost worker is noticed by its missing heartbeats (the worker beats for every activity while
  // it runs, platform/activity-keep-alive.ts), not at the end of the start-to-close bound.
  heartbeatTimeout: '10 seconds',
  scheduleToCloseTimeout: '2 minutes',
  retry: {
    initialInterval: '1 second',
    maximumInterval: '10 seconds',
    maximumAttempts: 8,
    nonRetryableErrorTypes: nonRetryableFailureTypes,
  },
} satisfies ActivityOptions;

/**
 * A step the workflow takes on its own (a deadline, a reminder, a stage change): retried for as
 * long as the outage lasts, since nobody is waiting and it must happen. A step failing for more
 * than STUCK_ACTIVITY_ATTEMPTS attempts is listed for operators (`services/operations`).
 */
export const backgroundStepPolicy = {
  startToCloseTimeout: '1 minute',
  heartbeatTimeout: '10 seconds',
  retry: {
    initialInterval: '1 second',
    maximumInterval: '30 seconds',
    nonRetryableErrorTypes: nonRetryableFailureTypes,
  },
} satisfies ActivityOptions;

/**
 * Activities proxied with both policies; the accessor picks by whether an update is running, so
 * the same step (closing a stage, say) is bounded when the lead asked for it and patient when a
 * deadline did. The activity type and arguments are the same either way: no history changes.
 */
export function proxyStepActivities<A extends object>(
  overrides: Pick<ActivityOptions, 'startToCloseTimeout'> = {},
): () => ActivityInterfaceFor<A> {
  const inUpdate = proxyActivities<A>({ ...updateStepPolicy, ...overrides });
  const onItsOwn = proxyActivities<A>({ ...backgroundStepPolicy, ...overrides });
  return () => (currentUpdateInfo() ? inUpdate : onItsOwn);
}
