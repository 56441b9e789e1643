import type { Principal } from '../../domain/authorization.js';
import { confirmNeedsUpdate } from '../../workflows/statement/messages.js';
import type { RequestMeta, ServiceContext } from '../context.js';
import { actorOf, authorizeStatement } from '../statements/authorize-statement.js';
import { statementViewFor } from '../statements/get-statement.js';
import { updateStatementProcess } from '../statements/statement-process.js';

/** Signs off the organisation's latest submitted version; after this it can no longer change. */
export async function confirmNeeds(ctx: ServiceContext, principal: Principal, statementId: string, versionId: string, meta: RequestMeta) {
  const facts = await authorizeStatement(ctx, principal, statementId, 'actOnOwnNeeds', meta);
  await updateStatementProcess(ctx, statementId, confirmNeedsUpdate, { actor: actorOf(principal, facts), versionId }, meta.idempotencyKey);
  return statementViewFor(ctx, statementId, principal);
}
