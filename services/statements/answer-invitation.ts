import type { Principal } from '../../domain/authorization.js';
import type { RequestMeta, ServiceContext } from '../context.js';
import { authorizeStatement } from './authorize-statement.js';
import { statementViewFor } from './get-statement.js';
import { recordBuyerAction } from './record-buyer-action.js';
import type { StatementView } from './statement-contracts.js';

export async function answerInvitation(
  ctx: ServiceContext,
  principal: Principal,
  statementId: string,
  answer: { accept: boolean; reason?: string | undefined },
  meta: RequestMeta,
): Promise<StatementView> {
  const facts = await authorizeStatement(ctx, principal, statementId, 'respondToInvitation', meta);
  await recordBuyerAction(
    ctx,
    principal,
    facts,
    {
      statementId,
      action: 'answerInvitation',
      request: answer,
      event: () => ({
        kind: 'invitation_answered',
        orgId: principal.orgId,
        accepted: answer.accept,
        reason: answer.reason ?? null,
      }),
    },
    meta,
  );
  return statementViewFor(ctx, statementId, principal);
}
