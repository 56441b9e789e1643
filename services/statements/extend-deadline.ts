import type { Principal } from '../../domain/authorization.js';
import { extendDeadlineUpdate } from '../../workflows/statement/messages.js';
import type { RequestMeta, ServiceContext } from '../context.js';
import { actorOf, authorizeStatement } from './authorize-statement.js';
import { statementViewFor } from './get-statement.js';
import { updateStatementProcess } from './statement-process.js';

export async function extendDeadline(
  ctx: ServiceContext,
  principal: Principal,
  statementId: string,
  deadline: string,
  meta: RequestMeta,
) {
  const facts = await authorizeStatement(ctx, principal, statementId, 'manageDeadlines', meta);
  await updateStatementProcess(
    ctx,
    statementId,
    extendDeadlineUpdate,
    { actor: actorOf(principal, facts), deadline },
    meta.idempotencyKey,
  );
  return statementViewFor(ctx, statementId, principal);
}
