import type { Db, Tx } from '../../db/database.js';
import { resolveEventTexts } from '../../db/free-texts.js';
import { type MarketProjectionDeps, projectMarketEvent } from '../../db/projections/market-events.js';
import { type Applied, recordEventOnce, type RecordOutcome } from '../../db/record-event.js';
import type { WithTextRefs } from '../../domain/events.js';
import type { MarketEvent } from '../../domain/market-events.js';
import { composeMarketNotices } from './market-notices.js';

async function applyMarketEvent(trx: Tx, deps: MarketProjectionDeps, event: MarketEvent): Promise<Applied> {
  const projection = await projectMarketEvent(trx, deps, event);
  return { audit: projection.audit, mail: await composeMarketNotices(trx, deps, event, projection) };
}

/**
 * Records one market event (consultation, approval, publication, signatories) exactly once: its
 * projection, its notices in the outbox and its audit row on the statement's chain, in one
 * transaction.
 */
export async function recordMarketEvent(
  db: Db,
  deps: MarketProjectionDeps,
  event: WithTextRefs<MarketEvent>,
): Promise<RecordOutcome> {
  const resolved = await resolveEventTexts<MarketEvent>(db, event);
  return recordEventOnce(db, resolved.statementId, resolved, (trx, e) => applyMarketEvent(trx, deps, e));
}
