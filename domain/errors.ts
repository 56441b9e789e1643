/**
 * Typed error codes shared by every layer. Workflows raise them as ApplicationFailure types,
 * use-cases as DomainError; the API maps each code to one HTTP status so clients can rely on it.
 */
export const errorStatus = {
  invalid_input: 400,
  unauthenticated: 401,
  forbidden: 403,
  not_found: 404,
  wrong_stage: 409,
  conflict: 409,
  deadline_passed: 409,
  unprocessable: 422,
  /** A record an activity could not store (bad text, a value out of range): `processFailureTypes.invalidData`. */
  invalid_data: 422,
  /** A record that breaks a database constraint: `processFailureTypes.constraintViolation`. */
  constraint_violation: 409,
  /** The process did not answer in time (no worker, or a step still retrying); try again with the same Idempotency-Key. */
  process_unavailable: 503,
} as const;

export type ErrorCode = keyof typeof errorStatus;

export interface FieldProblem {
  /** JSON path of the offending field, e.g. `lines[2].quantity`. */
  field: string;
  /** The rule that was broken, in words a client can show. */
  rule: string;
}

export class DomainError extends Error {
  constructor(
    readonly code: ErrorCode,
    message: string,
    readonly problems: FieldProblem[] = [],
  ) {
    super(message);
    this.name = 'DomainError';
  }
}

export function isErrorCode(value: unknown): value is ErrorCode {
  return typeof value === 'string' && value in errorStatus;
}

export const unprocessable = (problems: FieldProblem[], message = 'The request breaks a rule of the statement') =>
  new DomainError('unprocessable', message, problems);
