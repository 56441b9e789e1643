import type { Principal } from '../../domain/authorization.js';
import { DomainError } from '../../domain/errors.js';
import { cancelStatementUpdate } from '../../workflows/statement/messages.js';
import type { RequestMeta, ServiceContext } from '../context.js';
import { actorOf, authorizeStatement } from './authorize-statement.js';
import { keepFreeText } from './free-text.js';
import { statementViewFor } from './get-statement.js';
import type { StatementView } from './statement-contracts.js';
import { updateStatementProcess } from './statement-process.js';

export async function cancelStatement(
  ctx: ServiceContext,
  principal: Principal,
  statementId: string,
  reason: string,
  meta: RequestMeta,
): Promise<StatementView> {
  const facts = await authorizeStatement(ctx, principal, statementId, 'cancel', meta);
  if (facts.stage === 'cancelled' || facts.stage === 'abandoned' || facts.stage === 'published') {
    // The process has ended; answer from the read model instead of asking a finished workflow.
    throw new DomainError('wrong_stage', `A statement in ${facts.stage} cannot be cancelled`);
  }
  await updateStatementProcess(
    ctx,
    statementId,
    cancelStatementUpdate,
    {
      actor: actorOf(principal, facts),
      reason: await keepFreeText(ctx, statementId, principal, 'statement_cancelled', reason),
    },
    meta.idempotencyKey,
  );
  return statementViewFor(ctx, statementId, principal);
}
