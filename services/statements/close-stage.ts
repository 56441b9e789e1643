import type { Principal } from '../../domain/authorization.js';
import { closeStageUpdate } from '../../workflows/statement/messages.js';
import type { RequestMeta, ServiceContext } from '../context.js';
import { actorOf, authorizeStatement } from './authorize-statement.js';
import { statementViewFor } from './get-statement.js';
import { updateStatementProcess } from './statement-process.js';

/** Ends the current stage before its deadline, exactly as the deadline would. */
export async function closeStage(ctx: ServiceContext, principal: Principal, statementId: string, meta: RequestMeta) {
  const facts = await authorizeStatement(ctx, principal, statementId, 'manageDeadlines', meta);
  await updateStatementProcess(
    ctx,
    statementId,
    closeStageUpdate,
    { actor: actorOf(principal, facts) },
    meta.idempotencyKey,
  );
  return statementViewFor(ctx, statementId, principal);
}
