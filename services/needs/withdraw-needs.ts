import type { Principal } from '../../domain/authorization.js';
import { withdrawNeedsUpdate } from '../../workflows/statement/messages.js';
import type { RequestMeta, ServiceContext } from '../context.js';
import { actorOf, authorizeStatement } from '../statements/authorize-statement.js';
import { statementViewFor } from '../statements/get-statement.js';
import { updateStatementProcess } from '../statements/statement-process.js';
import { keepFreeText } from '../statements/free-text.js';

export async function withdrawNeeds(ctx: ServiceContext, principal: Principal, statementId: string, reason: string, meta: RequestMeta) {
  const facts = await authorizeStatement(ctx, principal, statementId, 'actOnOwnNeeds', meta);
  await updateStatementProcess(ctx, statementId, withdrawNeedsUpdate, { actor: actorOf(principal, facts), reason: await keepFreeText(ctx, statementId, principal, 'needs_withdrawn', reason) }, meta.idempotencyKey);
  return statementViewFor(ctx, statementId, principal);
}
