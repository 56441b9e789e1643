import type { Principal } from '../../domain/authorization.js';
import { decideShortfallUpdate, type ShortfallDecision } from '../../workflows/statement/messages.js';
import type { RequestMeta, ServiceContext } from '../context.js';
import { actorOf, authorizeStatement } from '../statements/authorize-statement.js';
import { loadStatementView } from '../statements/get-statement.js';
import { updateStatementProcess } from '../statements/statement-process.js';

/** The lead's answer to a shortfall: extend the needs assessment, proceed with a justification, or abandon. */
export async function decideShortfall(ctx: ServiceContext, principal: Principal, statementId: string, decision: ShortfallDecision, meta: RequestMeta) {
  const facts = await authorizeStatement(ctx, principal, statementId, 'decideShortfall', meta);
  await updateStatementProcess(ctx, statementId, decideShortfallUpdate, { actor: actorOf(principal, facts), ...decision }, meta.idempotencyKey);
  return loadStatementView(ctx, statementId);
}
