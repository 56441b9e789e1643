import { ApplicationFailure } from '@temporalio/activity';

import { DomainError, type FieldProblem } from '../domain/errors.js';
import {
  type ProcessFailureType,
  processFailureTypes,
  storableMessage,
  unstorableTextFields,
} from '../domain/process-failures.js';

/**
 * The one place that says which errors of an activity no retry can fix. Everything else (the
 * database or SMTP down, a connection reset, a deadlock, a serialization failure, a bug that a
 * deployment fixes) stays retryable, with the backoff of the workflow's retry policy.
 *
 * - PostgreSQL class 22 (data exception: `22021` invalid byte sequence, i.e. NUL in text;
 *   `22P05` untranslatable character, i.e. `\u0000` in jsonb; `22P02` invalid text
 *   representation, e.g. a lone surrogate in JSON; `22001` string too long) → `invalid_data`;
 * - PostgreSQL class 23 (integrity constraint violation: `23505` unique, `23503` foreign key,
 *   `23514` check, `23502` not null) → `constraint_violation`;
 * - a `DomainError` (a rule broken inside the activity) → its code.
 *
 * Connection errors (class 08, `57P01` admin shutdown, `ECONNREFUSED`) are not classified, so
 * they are retried.
 */
export interface DatabaseErrorLike {
  code?: unknown;
  column?: unknown;
  constraint?: unknown;
  table?: unknown;
  message?: unknown;
}

/** The SQLSTATE of a PostgreSQL error (five characters), or undefined for anything else. */
export function sqlState(error: unknown): string | undefined {
  const code = (error as DatabaseErrorLike | null)?.code;
  return typeof code === 'string' && /^[0-9A-Z]{5}$/.test(code) ? code : undefined;
}

/** The failure type of a PostgreSQL error retrying cannot fix, or undefined (retry it). */
export function databaseFailureType(error: unknown): ProcessFailureType | undefined {
  const state = sqlState(error);
  if (state?.startsWith('22')) return processFailureTypes.invalidData;
  if (state?.startsWith('23')) return processFailureTypes.constraintViolation;
  return undefined;
}

/** The fields and rules of a database error that cannot be retried, as precisely as it allows. */
export function databaseProblems(error: unknown, input: unknown): FieldProblem[] {
  const e = error as DatabaseErrorLike;
  const texts = unstorableTextFields(input);
  if (texts.length > 0) return texts;
  const column = typeof e.column === 'string' ? e.column : undefined;
  const constraint = typeof e.constraint === 'string' ? e.constraint : undefined;
  const state = sqlState(error);
  const rule =
    state === '22001'
      ? 'is too long for the database'
      : state === '23505'
        ? `must be unique (${constraint ?? 'unique constraint'})`
        : state === '23503'
          ? `must refer to an existing record (${constraint ?? 'foreign key'})`
          : state === '23502'
            ? 'is required'
            : constraint
              ? `breaks the rule ${constraint}`
              : storableMessage(String(e.message ?? 'is not valid'), 200);
  return [{ field: column ?? constraint ?? '(record)', rule }];
}

/**
 * The error an activity should throw for `error`: a non-retryable `ApplicationFailure` with a
 * type when retrying cannot help, else `error` itself (retried).
 */
export function classifyActivityError(error: unknown, input: unknown): unknown {
  if (error instanceof ApplicationFailure) return error;
  if (error instanceof DomainError) {
    return ApplicationFailure.create({
      type: error.code,
      message: storableMessage(error.message),
      details: [error.problems],
      nonRetryable: true,
      cause: error,
    });
  }
  const type = databaseFailureType(error);
  if (type) {
    const message = `${type === processFailureTypes.invalidData ? 'The record cannot be stored' : 'The record breaks a database rule'}: ${storableMessage(String((error as DatabaseErrorLike).message ?? ''), 300)}`;
    return ApplicationFailure.create({ type, message, details: [databaseProblems(error, input)], nonRetryable: true });
  }
  return error;
}

type AnyActivity = (...args: never[]) => Promise<unknown>;

/** The same activities, each throwing its errors through `classifyActivityError`. */
export function withFailureClassification<A extends Record<string, AnyActivity>>(activities: A): A {
  const wrapped: Record<string, AnyActivity> = {};
  for (const [name, fn] of Object.entries(activities)) {
    wrapped[name] = async (...args: never[]) => {
      try {
        return await fn(...args);
      } catch (error) {
        throw classifyActivityError(error, args.length === 1 ? args[0] : args);
      }
    };
    Object.defineProperty(wrapped[name], 'name', { value: name });
  }
  return wrapped as A;
}
