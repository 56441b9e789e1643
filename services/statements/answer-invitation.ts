import type { Principal } from '../../domain/authorization.js';
import type { RequestMeta, ServiceContext } from '../context.js';
import { authorizeStatement } from './authorize-statement.js';
import { buyerActionAnswer, recordBuyerAction } from './record-buyer-action.js';
import type { BuyerActionAnswer } from './statement-contracts.js';

export async function answerInvitation(
  ctx: ServiceContext,
  principal: Principal,
  statementId: string,
  answer: { accept: boolean; reason?: string | undefined },
  meta: RequestMeta,
): Promise<BuyerActionAnswer> {
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
  return buyerActionAnswer(ctx, principal, statementId);
}
