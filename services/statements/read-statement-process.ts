import type { QueryDefinition } from '@temporalio/common';

import { findEndedProcessState, keepEndedProcessState } from '../../db/ended-process-states.js';
import { statementWorkflowId } from '../../workflows/statement/messages.js';
import type { ServiceContext } from '../context.js';
import { executeBoundedQuery } from '../process-update.js';

/**
 * What the statement's workflow answers to `query`. While it runs it is asked; once it has closed
 * its answer can no longer change, and asking again would replay its whole history on a worker
 * (seconds for a long process) or find nothing once Temporal's retention has removed it, so the
 * first reader after the close keeps the answer in PostgreSQL and every later reader takes it there.
 */
export async function readStatementProcess<T>(
  ctx: ServiceContext,
  statementId: string,
  query: QueryDefinition<T, []>,
): Promise<T> {
  const kept = await findEndedProcessState(ctx.db, statementId, query.name);
  if (kept !== undefined) return kept as T;
  const handle = ctx.temporal.workflow.getHandle(statementWorkflowId(statementId));
  // Described before asking: a run that closes in between is simply asked again by the next reader.
  const { status, runId } = await handle.describe();
  const state = await executeBoundedQuery(ctx, handle, query);
  if (status.name !== 'RUNNING') await keepEndedProcessState(ctx.db, statementId, query.name, runId, state);
  return state;
}
