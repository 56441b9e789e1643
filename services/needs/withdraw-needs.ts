import type { Principal } from '../../domain/authorization.js';
import type { RequestMeta, ServiceContext } from '../context.js';
import { authorizeStatement } from '../statements/authorize-statement.js';
import { buyerActionAnswer, recordBuyerAction } from '../statements/record-buyer-action.js';

/** Leaves the statement with a reason the lead reads; open versions are withdrawn with it. */
export async function withdrawNeeds(
  ctx: ServiceContext,
  principal: Principal,
  statementId: string,
  reason: string,
  meta: RequestMeta,
) {
  const facts = await authorizeStatement(ctx, principal, statementId, 'actOnOwnNeeds', meta);
  await recordBuyerAction(
    ctx,
    principal,
    facts,
    {
      statementId,
      action: 'withdrawNeeds',
      request: { reason },
      event: () => ({ kind: 'needs_withdrawn', orgId: principal.orgId, reason }),
    },
    meta,
  );
  return buyerActionAnswer(ctx, principal, statementId);
}
