import { z } from 'zod';

import type { ErrorCode } from '../rules/problem-codes.js';

/**
 * The errors use cases raise. Their codes are the shared list in rules/problem-codes.ts (one
 * comment per code: when it is used, its HTTP status); workflows raise the same codes as
 * ApplicationFailure types, and the API maps each to its one status (api/problem.ts).
 */
export { type ErrorCode, isErrorCode } from '../rules/problem-codes.js';

export interface FieldProblem {
  /** JSON path of the offending field, e.g. `lines[2].quantity`. */
  field: string;
  /** The rule that was broken, in words a client can show. */
  rule: string;
  /**
   * For a problem a page words in its reader's language: a code of its own (e.g. `rate_missing`,
   * rules/exchange-rates.ts) and the values its wording needs (the currency, a date).
   */
  code?: string;
  values?: Record<string, string | number | null>;
}

/**
 * The optional `code` and `values` of a FieldProblem, for every schema that documents problems
 * (the problem answer, the live state's blocked aggregation, a draft's problems).
 */
export const fieldProblemCodeShape = {
  code: z.string().optional().meta({
    description: 'A code of the problem a page words in its reader’s language, e.g. `rate_missing`, `rate_stale`',
  }),
  values: z
    .record(z.string(), z.union([z.string(), z.number(), z.null()]))
    .optional()
    .meta({
      description: 'The values the wording of `code` needs, e.g. `{ currency: "NOK", tableDate: "2026-12-04" }`',
    }),
};

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

export const unprocessable = (problems: FieldProblem[], message = 'The request breaks a rule of the statement') =>
  new DomainError('unprocessable', message, problems);
