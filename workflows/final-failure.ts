import { ActivityFailure, ApplicationFailure } from '@temporalio/workflow';

import type { FieldProblem } from '../domain/errors.js';
import { storableMessage } from '../domain/process-failures.js';

/** An activity's failure that no retry will fix: its type, message and the fields it names. */
export interface FinalFailure {
  type: string;
  message: string;
  problems: FieldProblem[];
}

/**
 * The final failure inside `error`, if it is one: an activity that failed with a non-retryable
 * `ApplicationFailure` (bad data, a broken constraint, a rule). Undefined for anything else, which
 * the caller rethrows as before.
 */
export function finalFailureOf(error: unknown): FinalFailure | undefined {
  if (!(error instanceof ActivityFailure)) return undefined;
  const cause = error.cause;
  if (!(cause instanceof ApplicationFailure) || !cause.nonRetryable) return undefined;
  const problems = Array.isArray(cause.details?.[0]) ? (cause.details[0] as FieldProblem[]) : [];
  return { type: cause.type ?? 'error', message: storableMessage(cause.message), problems: problems.slice(0, 20) };
}
