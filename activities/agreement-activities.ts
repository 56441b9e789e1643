import type { Db } from '../db/database.js';
import { forHistory, type RecordResult } from '../db/record-event.js';
import type { AgreementEvent } from '../domain/agreement-events.js';
import type { WithTextRefs } from '../domain/events.js';
import { recordAgreementEvent } from '../mail/notices/record-agreement-event.js';

export interface AgreementActivityDeps {
  db: Db;
  publicUrl: string;
}

/**
 * Side effects of the agreement workflow: each event's projection (`db/projections/agreement-events.ts`),
 * its notices (`mail/notices/agreement-notices.ts`) and its audit row on the chain
 * `agreement:<statementId>`, all in one transaction per event, keyed so a retry changes nothing twice.
 */
export function createAgreementActivities(deps: AgreementActivityDeps) {
  const { db } = deps;
  return {
    async recordAgreementEvent(event: WithTextRefs<AgreementEvent>): Promise<RecordResult> {
      return forHistory(await recordAgreementEvent(db, deps, event));
    },
  };
}

export type AgreementActivities = ReturnType<typeof createAgreementActivities>;
