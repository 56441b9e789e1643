import type { Db, Tx } from '../../db/database.js';
import { resolveEventTexts } from '../../db/free-texts.js';
import { projectAgreementEvent } from '../../db/projections/agreement-events.js';
import { type Applied, recordEventOnce, type RecordOutcome } from '../../db/record-event.js';
import { agreementChain, type AgreementEvent } from '../../domain/agreement-events.js';
import type { WithTextRefs } from '../../domain/events.js';
import { composeAgreementNotices } from './agreement-notices.js';

async function applyAgreementEvent(trx: Tx, deps: { publicUrl: string }, event: AgreementEvent): Promise<Applied> {
  const projection = await projectAgreementEvent(trx, event);
  return { audit: projection.audit, mail: await composeAgreementNotices(trx, deps, event, projection) };
}

/**
 * Records one agreement event exactly once: its projection, its notices in the outbox and its
 * audit row on the chain `agreement:<statementId>`, in one transaction.
 */
export async function recordAgreementEvent(
  db: Db,
  deps: { publicUrl: string },
  event: WithTextRefs<AgreementEvent>,
): Promise<RecordOutcome> {
  const resolved = await resolveEventTexts<AgreementEvent>(db, event);
  return recordEventOnce(db, agreementChain(resolved.statementId), resolved, (trx, e) =>
    applyAgreementEvent(trx, deps, e),
  );
}
