import type { DbOrTx } from './database.js';

/** The state a closed statement workflow answered to `query`, if kept. */
export async function findEndedProcessState(db: DbOrTx, statementId: string, query: string): Promise<unknown> {
  const row = await db
    .selectFrom('ended_process_states')
    .select('state')
    .where('statement_id', '=', statementId)
    .where('query', '=', query)
    .executeTakeFirst();
  return row?.state;
}

/**
 * Keeps what a closed workflow answered. Two readers may race to keep it; the run is closed, so
 * both hold the same state and the first stays.
 */
export async function keepEndedProcessState(
  db: DbOrTx,
  statementId: string,
  query: string,
  runId: string,
  state: unknown,
): Promise<void> {
  await db
    .insertInto('ended_process_states')
    .values({ statement_id: statementId, query, run_id: runId, state: JSON.stringify(state) })
    .onConflict((oc) => oc.columns(['statement_id', 'query']).doNothing())
    .execute();
}
