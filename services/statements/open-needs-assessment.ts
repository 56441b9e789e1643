import type { Principal } from '../../domain/authorization.js';
import { openNeedsAssessmentUpdate } from '../../workflows/statement/messages.js';
import type { RequestMeta, ServiceContext } from '../context.js';
import { actorOf, authorizeStatement } from './authorize-statement.js';
import { statementViewFor } from './get-statement.js';
import type { StatementView } from './statement-contracts.js';
import { updateStatementProcess } from './statement-process.js';

export async function openNeedsAssessment(
  ctx: ServiceContext,
  principal: Principal,
  statementId: string,
  options: { deadline?: string | undefined },
  meta: RequestMeta,
): Promise<StatementView> {
  const facts = await authorizeStatement(ctx, principal, statementId, 'openNeedsAssessment', meta);
  await updateStatementProcess(
    ctx,
    statementId,
    openNeedsAssessmentUpdate,
    { actor: actorOf(principal, facts), ...(options.deadline ? { deadline: options.deadline } : {}) },
    meta.idempotencyKey,
  );
  return statementViewFor(ctx, statementId, principal);
}
