import { ApplicationFailure } from '@temporalio/activity';

import { type AggregateOutcome, type AggregateRequest, storeAggregateSnapshot } from '../db/aggregate-snapshot.js';
import type { Db } from '../db/database.js';
import type { LpSolver } from '../domain/disclosure/linear-program.js';
import { DomainError } from '../domain/errors.js';

export type { AggregateOutcome, AggregateRequest } from '../db/aggregate-snapshot.js';

/** A broken rule (e.g. a missing exchange rate) is final for this attempt: the workflow waits for a fix. */
function asFailure(error: unknown): never {
  if (error instanceof DomainError) {
    throw ApplicationFailure.create({
      type: error.code,
      message: error.message,
      details: [error.problems],
      nonRetryable: true,
    });
  }
  throw error;
}

export interface AggregationDeps {
  db: Db;
  solver: LpSolver;
  /** The oldest exchange rate an aggregation may use, in days (EXCHANGE_RATE_MAX_AGE_DAYS). */
  exchangeRateMaxAgeDays?: number;
}

export function createAggregationActivities(deps: AggregationDeps) {
  return {
    /** The workflow's aggregation: `storeAggregateSnapshot` in a transaction of its own. */
    async computeAggregate(request: AggregateRequest): Promise<AggregateOutcome> {
      return deps.db.transaction().execute(async (trx) => {
        try {
          return await storeAggregateSnapshot(trx, deps, request);
        } catch (error) {
          asFailure(error);
        }
      });
    },
  };
}

export type AggregationActivities = ReturnType<typeof createAggregationActivities>;
