import { z } from 'zod';

/**
 * Every `code` a problem answer of the API carries (RFC 9457, `application/problem+json`), its HTTP
 * status and its English title: the one list. The server raises them (`DomainError` in
 * domain/errors.ts, workflow failures by type) and maps them to answers (api/problem.ts); the web
 * reads them (web/src/api/client.ts) and shows each with its own translated message
 * (`problem.<code>` in web/src/i18n/*.json, checked by web/src/i18n/problem-codes.test.ts).
 */
export const problemCodeInfo = {
  /** 400: the request breaks its schema (path, query, headers or body); `errors` names each field and rule. Malformed HTTP too (431 when the headers are over 16 KB). */
  invalid_input: { status: 400, title: 'Invalid request' },
  /** 401: no session or API token, or one that has ended or been revoked. */
  unauthenticated: { status: 401, title: 'Sign-in required' },
  /** 403: signed in, but the organisation's role or the token's scope does not allow the action. */
  forbidden: { status: 403, title: 'Not allowed' },
  /** 404: it does not exist, or the caller may not know that it exists. */
  not_found: { status: 404, title: 'Not found' },
  /** 409: the statement or agreement is not at a stage where the action is possible. */
  wrong_stage: { status: 409, title: 'Not possible at this stage' },
  /** 409: it clashes with the current state: changed or taken meanwhile, done already, a status that does not allow it. */
  conflict: { status: 409, title: 'Conflict' },
  /** 409: the deadline of the step has passed. */
  deadline_passed: { status: 409, title: 'Deadline passed' },
  /** 422: well-formed, but breaks a rule of the process (needs against the survey, too few parties); `errors` names each. */
  unprocessable: { status: 422, title: 'Request breaks a rule' },
  /** 422: data the records cannot store (PostgreSQL class 22: text it cannot hold, a value out of range), in a request or a process step. */
  invalid_data: { status: 422, title: 'Data cannot be stored' },
  /** 409: the change breaks a rule the database enforces (PostgreSQL class 23: a reference, a check, a required value; a unique key in a process step). */
  constraint_violation: { status: 409, title: 'Data breaks a rule of the records' },
  /** 503: the statement or agreement process did not answer in time; send the same request again (same Idempotency-Key) after Retry-After. */
  process_unavailable: { status: 503, title: 'Process not answering' },
  /** 500: a fault of ours; it is logged and nothing of it is sent. */
  internal: { status: 500, title: 'Internal error' },
  /** 413: the body is over the JSON bounds (size, depth, keys, array length). */
  payload_too_large: { status: 413, title: 'Request too large' },
  /** 429: too many requests or failed sign-ins from this client; Retry-After says when to try again. */
  rate_limited: { status: 429, title: 'Too many requests' },
  /** 503: the service cannot answer at all: its database cannot be reached (Retry-After; repeat with the same Idempotency-Key), or a bare 503 from a proxy or a restart reads as it. */
  unavailable: { status: 503, title: 'Service unavailable' },
} as const satisfies Record<string, { status: number; title: string }>;

export type ProblemCode = keyof typeof problemCodeInfo;

/** The codes, in the order above. */
export const problemCodes = Object.keys(problemCodeInfo) as ProblemCode[];

export const problemCodeSchema = z.enum(problemCodes as [ProblemCode, ...ProblemCode[]]);

/** Codes only the HTTP layer sends (the server's error handler, the body bounds, the rate limit): no use case or workflow raises them. */
export const httpOnlyProblemCodes = [
  'internal',
  'payload_too_large',
  'rate_limited',
  'unavailable',
] as const satisfies readonly ProblemCode[];

/** The codes a use case (`DomainError`) or a workflow (an ApplicationFailure's type) raises. */
export type ErrorCode = Exclude<ProblemCode, (typeof httpOnlyProblemCodes)[number]>;

export function isProblemCode(value: unknown): value is ProblemCode {
  return typeof value === 'string' && Object.hasOwn(problemCodeInfo, value);
}

export function isErrorCode(value: unknown): value is ErrorCode {
  return isProblemCode(value) && !(httpOnlyProblemCodes as readonly string[]).includes(value);
}

export function problemStatus(code: ProblemCode): number {
  return problemCodeInfo[code].status;
}
