import { readFileSync } from 'node:fs';

import { WorkflowUpdateFailedError } from '@temporalio/client';
import { ApplicationFailure } from '@temporalio/common';
import type { Request, Response } from 'express';
import { describe, expect, it } from 'vitest';

import { DomainError, isErrorCode } from '../domain/errors.js';
import { createLogger } from '../platform/logger.js';
import {
  httpOnlyProblemCodes,
  isProblemCode,
  type ProblemCode,
  problemCodeInfo,
  problemCodes,
} from '../rules/problem-codes.js';
import { errorHandler, problem, problemFromWorkflowError } from './problem.js';

/**
 * The error codes are one list (rules/problem-codes.ts) with a comment each; the server's error
 * mapping takes every status and title from it, for a use case's DomainError and for a workflow's
 * failure alike. (That the web has a message for each code: web/src/i18n/problem-codes.test.ts.)
 */
const errorCodes = problemCodes.filter(isErrorCode);

function answerTo(error: unknown): { status: number; body: Record<string, unknown>; headers: Record<string, string> } {
  const out = { status: 0, body: {} as Record<string, unknown>, headers: {} as Record<string, string> };
  const res = {
    headersSent: false,
    setHeader: (name: string, value: string) => void (out.headers[name] = value),
    status(code: number) {
      out.status = code;
      return this;
    },
    type() {
      return this;
    },
    send(body: string) {
      out.body = JSON.parse(body) as Record<string, unknown>;
      return this;
    },
  };
  errorHandler(createLogger('silent'))(
    error,
    { method: 'POST', path: '/x', body: {} } as Request,
    res as unknown as Response,
    () => {},
  );
  return out;
}

describe('problem codes', () => {
  it('each have a one-line comment in rules/problem-codes.ts that starts with its HTTP status', () => {
    const source = readFileSync(new URL('../rules/problem-codes.ts', import.meta.url), 'utf8');
    const undocumented = problemCodes.filter((code) => {
      const m = new RegExp(`\\n  /\\*\\* (\\d{3}): [^\\n]+ \\*/\\n  ${code}: \\{`).exec(source);
      return !m || Number(m[1]) !== problemCodeInfo[code].status;
    });
    expect(undocumented).toEqual([]);
  });

  it('split into those use cases and workflows raise and those only the HTTP layer sends', () => {
    expect(errorCodes).toEqual(
      expect.arrayContaining(['invalid_input', 'invalid_data', 'constraint_violation', 'process_unavailable']),
    );
    expect([...errorCodes, ...httpOnlyProblemCodes].sort()).toEqual([...problemCodes].sort());
    expect(isProblemCode('internal') && !isErrorCode('internal')).toBe(true);
    expect(isProblemCode('toString')).toBe(false);
  });

  it('answer a DomainError with the status, title and code of the list', () => {
    for (const code of errorCodes) {
      const { status, body } = answerTo(new DomainError(code, `broke ${code}`, [{ field: 'f', rule: 'r' }]));
      expect({ code, status, title: body.title, sent: body.code, detail: body.detail }).toEqual({
        code,
        status: problemCodeInfo[code].status,
        title: problemCodeInfo[code].title,
        sent: code,
        detail: `broke ${code}`,
      });
    }
  });

  it('answer a workflow failure typed with a code like the DomainError of that code', () => {
    for (const code of errorCodes) {
      const failure = new WorkflowUpdateFailedError(
        'update failed',
        ApplicationFailure.nonRetryable(`refused ${code}`, code, [{ field: 'f', rule: 'r' }]),
      );
      expect(problemFromWorkflowError(failure)).toMatchObject({
        code,
        status: problemCodeInfo[code].status,
        errors: [{ field: 'f', rule: 'r' }],
      });
    }
  });

  it('give process_unavailable a Retry-After', () => {
    expect(answerTo(new DomainError('process_unavailable', 'no answer')).headers['Retry-After']).toMatch(/^\d+$/);
  });

  it('give the HTTP layer’s own codes their status from the list too', () => {
    const statuses = Object.fromEntries(
      httpOnlyProblemCodes.map((code: ProblemCode) => [code, problem(code, 'x').status]),
    );
    expect(statuses).toEqual({ internal: 500, payload_too_large: 413, rate_limited: 429, unavailable: 503 });
    expect(answerTo(new Error('boom'))).toMatchObject({
      status: 500,
      body: { code: 'internal', title: problemCodeInfo.internal.title },
    });
  });
});

/**
 * Found by test/topology-faults.test.ts (c): with the application's PostgreSQL stopped, every
 * request answered 500 `internal` (the bearer token's lookup failed with ECONNREFUSED) and was
 * logged as an unhandled error. The database being away is not a fault of the request: 503 with
 * Retry-After, and the client repeats it with the same Idempotency-Key.
 */
describe('a request whose database cannot be reached', () => {
  const pgError = (code: string, message: string) => Object.assign(new Error(message), { code, severity: 'FATAL' });
  it.each([
    [
      'the connection refused (stopped)',
      Object.assign(new Error('connect ECONNREFUSED 127.0.0.1:5432'), { code: 'ECONNREFUSED' }),
    ],
    ['the connection reset', Object.assign(new Error('read ECONNRESET'), { code: 'ECONNRESET' })],
    ['the connection ended under a query', new Error('Connection terminated unexpectedly')],
    ['the server shutting down (57P01)', pgError('57P01', 'terminating connection due to administrator command')],
    ['the server starting up (57P03)', pgError('57P03', 'the database system is starting up')],
    ['a connection exception (08006)', pgError('08006', 'connection failure')],
  ])('is 503 unavailable with a Retry-After: %s', (_name, error) => {
    const answer = answerTo(error);
    expect(answer.status).toBe(503);
    expect(answer.body).toMatchObject({ code: 'unavailable', status: 503 });
    expect(answer.headers['Retry-After']).toMatch(/^\d+$/);
  });

  it('leaves other database errors as they were (a unique key taken: 409; anything else: 500)', () => {
    expect(answerTo(pgError('23505', 'duplicate key')).status).toBe(409);
    expect(answerTo(pgError('42P01', 'relation does not exist')).status).toBe(500);
  });
});
