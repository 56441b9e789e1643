import type { Principal } from '../../domain/authorization.js';
import { retryAggregationUpdate } from '../../workflows/statement/messages.js';
import type { RequestMeta, ServiceContext } from '../context.js';
import { actorOf, authorizeStatement } from '../statements/authorize-statement.js';
import { getLiveState } from '../statements/get-live-state.js';
import { updateStatementProcess } from '../statements/statement-process.js';

/** Asks a blocked aggregation (e.g. a missing exchange rate, now added) to run again; answers with the live state. */
export async function retryAggregation(
  ctx: ServiceContext,
  principal: Principal,
  statementId: string,
  meta: RequestMeta,
) {
  const facts = await authorizeStatement(ctx, principal, statementId, 'retryAggregation', meta);
  await updateStatementProcess(
    ctx,
    statementId,
    retryAggregationUpdate,
    { actor: actorOf(principal, facts) },
    meta.idempotencyKey,
  );
  return getLiveState(ctx, principal, statementId, meta);
}
