import type { Principal } from '../../domain/authorization.js';
import { answerInvitationUpdate } from '../../workflows/statement/messages.js';
import type { RequestMeta, ServiceContext } from '../context.js';
import type { StatementView } from './statement-contracts.js';
import { actorOf, authorizeStatement } from './authorize-statement.js';
import { statementViewFor } from './get-statement.js';
import { keepFreeText } from './free-text.js';
import { updateStatementProcess } from './statement-process.js';

export async function answerInvitation(
  ctx: ServiceContext,
  principal: Principal,
  statementId: string,
  answer: { accept: boolean; reason?: string | undefined },
  meta: RequestMeta,
): Promise<StatementView> {
  const facts = await authorizeStatement(ctx, principal, statementId, 'respondToInvitation', meta);
  await updateStatementProcess(
    ctx,
    statementId,
    answerInvitationUpdate,
    { actor: actorOf(principal, facts), accept: answer.accept, ...(answer.reason ? { reason: await keepFreeText(ctx, statementId, principal, 'invitation_declined', answer.reason) } : {}) },
    meta.idempotencyKey,
  );
  return statementViewFor(ctx, statementId, principal);
}
