import type { Principal } from '../../domain/authorization.js';
import type { RequestMeta, ServiceContext } from '../context.js';
import { authorizeStatement } from '../statements/authorize-statement.js';
import { buyerActionAnswer, recordBuyerAction } from '../statements/record-buyer-action.js';

/** Signs off the organisation's latest submitted version; after this it can no longer change. */
export async function confirmNeeds(
  ctx: ServiceContext,
  principal: Principal,
  statementId: string,
  versionId: string,
  meta: RequestMeta,
) {
  const facts = await authorizeStatement(ctx, principal, statementId, 'actOnOwnNeeds', meta);
  await recordBuyerAction(
    ctx,
    principal,
    facts,
    {
      statementId,
      action: 'confirmNeeds',
      request: { versionId },
      versionId,
      event: () => ({ kind: 'needs_confirmed', orgId: principal.orgId, versionId }),
    },
    meta,
  );
  return buyerActionAnswer(ctx, principal, statementId);
}
