import { sql } from 'kysely';

import { failureEndingActions } from '../../domain/stuck-pilots.js';
import { activeParticipantStatuses } from '../../rules/stages.js';
import { GENESIS_HASH } from '../audit.js';
import type { DbOrTx, Tx } from '../database.js';

/**
 * The dashboard's read model: one `pilot_summaries` row per statement (see the migration
 * 2026_12_04_1600_pilot_summaries for what it holds and the SQL function that computes it).
 *
 * `refreshPilotSummary` recomputes one statement's row. Call it inside the transaction that
 * changes something the dashboard shows, after the change and its audit row, as that
 * transaction's last write: `recordEventOnce` does for every process event; the few writes
 * outside it (aggregation, figure consent, supplier responses and questions, groupings) do too.
 *
 * Concurrent refreshes of one statement are serialised on the statement's audit chain head, the
 * row lock every append to that chain already takes (so the refresh adds no lock the writer did
 * not hold): the second refresh waits for the first transaction to commit, and its own query then
 * reads what the first wrote, so neither overwrites the other with an older picture.
 */
export async function refreshPilotSummary(trx: Tx, statementId: string): Promise<void> {
  // Normally present (the statement's first event created it); created as appendAudit would.
  await trx
    .insertInto('audit_chain_heads')
    .values({ chain: statementId, seq: 0, hash: GENESIS_HASH })
    .onConflict((oc) => oc.column('chain').doNothing())
    .execute();
  await trx.selectFrom('audit_chain_heads').select('chain').where('chain', '=', statementId).forUpdate().execute();
  // A statement of its own, so it reads with a snapshot taken after the lock was granted.
  await sql`select pilot_summary_upsert(${statementId}::uuid, ${activeParticipantStatuses}::text[])`.execute(trx);
  // Whether a rate blocks its aggregation (migration 2026_12_06_0800_pilot_stuck), from the same snapshot.
  await sql`select pilot_stuck_refresh(${statementId}::uuid)`.execute(trx);
  // A process failure still open (migration 2026_12_06_0900_process_failure_events), by the domain's rule of what ends one.
  await sql`select pilot_failure_refresh(${statementId}::uuid, ${failureEndingActions.any}::text[], ${failureEndingActions.unlessMail}::text[])`.execute(
    trx,
  );
}

/**
 * Recomputes every statement's row, e.g. after writing statements in bulk outside the process
 * (the dashboard benchmark) or to repair the read model. Takes no lock: run it while nothing
 * else writes, or run `refreshPilotSummary` per statement.
 */
export async function rebuildPilotSummaries(db: DbOrTx): Promise<number> {
  const { rows } =
    await sql`select pilot_summary_upsert(id, ${activeParticipantStatuses}::text[]) from statements`.execute(db);
  await sql`select pilot_stuck_refresh(id) from statements`.execute(db);
  await sql`select pilot_failure_refresh(id, ${failureEndingActions.any}::text[], ${failureEndingActions.unlessMail}::text[]) from statements`.execute(
    db,
  );
  return rows.length;
}

/** The read model's row of one statement as stored, without `refreshed_at` (tests compare it with a row computed afresh). */
export async function findPilotSummary(db: DbOrTx, statementId: string) {
  const { rows } = await sql<
    {
      statement_id: string;
      stage: string;
      buyers: number;
      countries: string[];
      supplier_org_ids: string[];
      audit_seq: number;
    } & Record<string, unknown>
  >`
    select * from pilot_summaries where statement_id = ${statementId}::uuid
  `.execute(db);
  if (!rows[0]) return undefined;
  const { refreshed_at: _refreshed, ...row } = rows[0];
  return row;
}
