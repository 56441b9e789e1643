import { ApplicationFailure, WorkflowNotFoundError, WorkflowUpdateFailedError } from '@temporalio/client';
import type { ErrorRequestHandler, Response } from 'express';
import { z } from 'zod';

import { isDatabaseUnreachable, isPoolExhausted } from '../db/database.js';
import { databaseFailureType, databaseProblems } from '../db/failures.js';
import { DomainError, type FieldProblem, fieldProblemCodeShape, isErrorCode } from '../domain/errors.js';
import type { Logger } from '../platform/logger.js';
import { type ProblemCode, problemCodeInfo } from '../rules/problem-codes.js';
import { bodyTooLarge } from './json-bounds.js';

/**
 * Every error leaves as RFC 9457 problem+json with a stable `code` and, for bad input, the
 * field and the rule. Nothing else leaves: no stack traces, no driver messages.
 */
export interface Problem {
  type: string;
  title: string;
  status: number;
  detail: string;
  /** One of the shared list (rules/problem-codes.ts), which gives its status and title. */
  code: ProblemCode;
  errors?: FieldProblem[];
}

export const problemSchema = z
  .object({
    type: z.string(),
    title: z.string(),
    status: z.int(),
    detail: z.string(),
    code: z.string(),
    errors: z
      .array(
        z.object({
          field: z.string(),
          rule: z.string(),
          row: z
            .int()
            .optional()
            .meta({ description: 'For a problem of an uploaded sheet: the row (1 is the header)' }),
          column: z
            .string()
            .optional()
            .meta({ description: 'For a problem of an uploaded sheet: the column’s header as the sheet shows it' }),
          value: z
            .string()
            .optional()
            .meta({ description: 'For a number of an uploaded sheet that could not be read: the cell’s text' }),
          ...fieldProblemCodeShape,
        }),
      )
      .optional(),
  })
  .meta({ id: 'Problem', description: 'RFC 9457 problem details' });

/** The problem document of a code: its status and title from the shared list, the type URI from the code. */
export function problem(code: ProblemCode, detail: string, errors?: FieldProblem[]): Problem {
  const { status, title } = problemCodeInfo[code];
  return {
    type: `https://jointdemand.eu/problems/${code.replace(/_/g, '-')}`,
    title,
    status,
    detail,
    code,
    ...(errors?.length ? { errors } : {}),
  };
}

/** How long a client should wait before repeating a request whose process did not answer in time. */
export const processRetryAfterSeconds = 5;

export function sendProblem(res: Response, p: Problem): void {
  res.status(p.status).type('application/problem+json').send(JSON.stringify(p));
}

export function formatPath(path: readonly PropertyKey[]): string {
  return path.reduce<string>(
    (acc, key) => (typeof key === 'number' ? `${acc}[${key}]` : acc ? `${acc}.${String(key)}` : String(key)),
    '',
  );
}

export function zodProblems(error: z.ZodError, prefix = ''): FieldProblem[] {
  return error.issues.map((issue) => {
    const field = formatPath(issue.path);
    let rule = issue.message;
    if (issue.code === 'invalid_type' && /received undefined/.test(issue.message)) rule = 'is required';
    if (issue.code === 'unrecognized_keys') rule = `unknown field(s): ${issue.keys.join(', ')}`;
    // A map's key (an answer's question id) that breaks its rule: the key's own rule, not "Invalid key in record".
    if (issue.code === 'invalid_key' && issue.issues[0]) rule = `must be a valid key: ${issue.issues[0].message}`;
    return { field: prefix && field ? `${prefix}.${field}` : prefix || field || '(body)', rule };
  });
}

/** An update or workflow failure carries our error code as its ApplicationFailure type. */
export function problemFromWorkflowError(error: unknown): Problem | undefined {
  if (error instanceof WorkflowNotFoundError) return problem('not_found', 'No running process for this statement');
  if (error instanceof WorkflowUpdateFailedError) {
    // The rule may have been broken in the update's validator or deeper, inside an activity.
    for (let cause: unknown = error.cause; cause; cause = (cause as { cause?: unknown }).cause) {
      if (cause instanceof ApplicationFailure && isErrorCode(cause.type)) {
        const problems = (cause.details?.[0] as FieldProblem[] | undefined) ?? [];
        return problem(cause.type, cause.message, problems);
      }
    }
  }
  return undefined;
}

/**
 * What Express or body-parser refused before any schema ran, as a field and a rule, so that this
 * 400 names what to fix like every other (found by fuzzing, issue 14): a path segment that is not
 * percent-encoded UTF-8, a charset or content encoding the body parser does not read. The detail
 * does not echo the refused value (a path segment can be 10 KB of anything).
 */
export function refusedRequestPart(error: unknown): { problem: FieldProblem; detail?: string } {
  const e = error as { type?: string };
  if (error instanceof URIError)
    return {
      problem: { field: '(path)', rule: 'must be valid percent-encoded UTF-8' },
      detail: 'A path segment is not valid percent-encoded UTF-8',
    };
  if (e.type === 'charset.unsupported') return { problem: { field: 'Content-Type', rule: 'charset must be utf-8' } };
  if (e.type === 'encoding.unsupported')
    return { problem: { field: 'Content-Encoding', rule: 'must be identity, gzip, deflate or br' } };
  return { problem: { field: '(request)', rule: 'must be a valid HTTP request' } };
}

export function errorHandler(logger: Logger): ErrorRequestHandler {
  return (error, req, res, _next) => {
    if (res.headersSent) return;
    // The request's id (`nameRequests`) even where no trace context runs: a public document
    // answered before `traceRequests`, an error raised from a stream event.
    const request = { traceId: res.locals?.traceId as string | undefined, method: req.method, path: req.path };
    if (error instanceof DomainError) {
      // The update may still complete: the same request (same Idempotency-Key) gets its answer.
      if (error.code === 'process_unavailable') res.setHeader('Retry-After', String(processRetryAfterSeconds));
      return sendProblem(res, problem(error.code, error.message, error.problems));
    }
    if (error instanceof z.ZodError)
      return sendProblem(res, problem('invalid_input', 'The request is not valid', zodProblems(error)));
    if (isPoolExhausted(error)) {
      // Overload: shed the request; the client repeats it (same Idempotency-Key) after a pause.
      logger.warn(request, 'request shed: every database connection is busy');
      res.setHeader('Retry-After', String(processRetryAfterSeconds));
      return sendProblem(
        res,
        problem(
          'process_unavailable',
          'The service is busy; repeat the request (with the same Idempotency-Key) in a moment',
        ),
      );
    }
    if (isDatabaseUnreachable(error)) {
      // The database stopped, restarting or failing over: not the request's fault, and nothing was
      // changed; the client repeats it (same Idempotency-Key) after a pause.
      logger.warn(
        {
          ...request,
          code: (error as { code?: unknown }).code,
          message: (error as Error).message,
        },
        'request answered 503: the database cannot be reached',
      );
      res.setHeader('Retry-After', String(processRetryAfterSeconds));
      return sendProblem(
        res,
        problem(
          'unavailable',
          'The service cannot reach its database; repeat the request (with the same Idempotency-Key) in a moment',
        ),
      );
    }
    const fromWorkflow = problemFromWorkflowError(error);
    if (fromWorkflow) return sendProblem(res, fromWorkflow);
    const e = error as { type?: string; status?: number; message?: string; code?: string };
    // Safety net for races the use-cases cannot pre-check: a unique key taken meanwhile.
    if (e.code === '23505')
      return sendProblem(res, problem('conflict', 'This conflicts with something that exists already'));
    // Text or values the database cannot store, or another broken constraint: the caller's data, not a fault of ours.
    const stored = databaseFailureType(error);
    if (stored) {
      logger.warn({ ...request, sqlState: e.code }, 'request refused by the database');
      return sendProblem(
        res,
        problem(stored, 'The request holds data that cannot be stored', databaseProblems(error, req.body)),
      );
    }
    if (e.type === 'entity.parse.failed') {
      return sendProblem(
        res,
        problem('invalid_input', 'The body is not valid JSON', [{ field: '(body)', rule: 'must be valid JSON' }]),
      );
    }
    if (e.type === 'entity.too.large')
      return sendProblem(res, problem('payload_too_large', 'The request body is too large', [bodyTooLarge]));
    if (e.status && e.status >= 400 && e.status < 500) {
      const refused = refusedRequestPart(error);
      return sendProblem(
        res,
        problem('invalid_input', refused.detail ?? e.message ?? 'Bad request', [refused.problem]),
      );
    }
    logger.error({ ...request, err: error }, 'unhandled error');
    sendProblem(res, problem('internal', 'Something went wrong on our side; it has been logged'));
  };
}
