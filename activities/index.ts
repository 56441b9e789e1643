import type { Db } from '../db/database.js';
import { withFailureClassification } from '../db/failures.js';
import type { LpSolver } from '../domain/disclosure/linear-program.js';
import type { Mailer } from '../mail/mailer.js';
import { createActorSealActivities } from './actor-seal.js';
import { createAggregationActivities } from './aggregation-activities.js';
import { createAgreementActivities } from './agreement-activities.js';
import { createAuditActivities } from './audit-activities.js';
import { createDigestActivities } from './digest-activities.js';
import { createExchangeRateActivities } from './exchange-rate-activities.js';
import { createMailActivities } from './mail-activities.js';
import { createMarketActivities } from './market-activities.js';
import { createStatementActivities } from './statement-activities.js';

export interface ActivityDeps {
  db: Db;
  mailer: Mailer;
  publicUrl: string;
  /** The linear-programming solver of disclosure control. */
  solver: LpSolver;
  /** The key the API seals each update's actor with (TEMPORAL_ACTOR_KEY). */
  actorKey: string;
  /** The oldest exchange rate an aggregation may use, in days (EXCHANGE_RATE_MAX_AGE_DAYS; default 7). */
  exchangeRateMaxAgeDays?: number | undefined;
}

/**
 * All activities the worker registers, built from narrow dependencies. Each throws what no retry
 * can fix (bad data, a broken constraint, a broken rule) as a non-retryable failure with a type
 * (`db/failures.ts`), so no workflow waits forever on a bad record.
 */
export function createActivities(deps: ActivityDeps) {
  return withFailureClassification({
    ...createStatementActivities({ db: deps.db, publicUrl: deps.publicUrl, solver: deps.solver }),
    ...createMailActivities({ db: deps.db, mailer: deps.mailer }),
    ...createAggregationActivities({
      db: deps.db,
      solver: deps.solver,
      ...(deps.exchangeRateMaxAgeDays === undefined ? {} : { exchangeRateMaxAgeDays: deps.exchangeRateMaxAgeDays }),
    }),
    ...createAgreementActivities({ db: deps.db, publicUrl: deps.publicUrl }),
    ...createDigestActivities({ db: deps.db, publicUrl: deps.publicUrl }),
    ...createAuditActivities({ db: deps.db, publicUrl: deps.publicUrl }),
    ...createExchangeRateActivities({ db: deps.db }),
    ...createActorSealActivities({ actorKey: deps.actorKey }),
    ...createMarketActivities({ db: deps.db, mailer: deps.mailer, publicUrl: deps.publicUrl, solver: deps.solver }),
  });
}
