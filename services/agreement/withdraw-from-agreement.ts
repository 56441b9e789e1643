import type { Principal } from '../../domain/authorization.js';
import { withdrawFromAgreementUpdate } from '../../workflows/agreement/messages.js';
import type { RequestMeta, ServiceContext } from '../context.js';
import { actorOf } from '../statements/authorize-statement.js';
import { keepFreeText } from '../statements/free-text.js';
import type { AgreementView } from './agreement-contracts.js';
import { updateAgreementProcess } from './agreement-process.js';
import { authorizeAgreement, requireNegotiation } from './authorize-agreement.js';
import { loadAgreementView } from './get-agreement.js';

/** A party leaves the agreement before it has signed; the lead then amends the terms. */
export async function withdrawFromAgreement(
  ctx: ServiceContext,
  principal: Principal,
  statementId: string,
  reason: string,
  meta: RequestMeta,
): Promise<AgreementView> {
  const facts = await authorizeAgreement(ctx, principal, statementId, 'withdraw', meta);
  const repeat = { principal, operation: withdrawFromAgreementUpdate.name, idempotencyKey: meta.idempotencyKey };
  if ((await requireNegotiation(ctx, statementId, repeat)) === 'recorded')
    return loadAgreementView(ctx, statementId, principal);
  await updateAgreementProcess(
    ctx,
    statementId,
    withdrawFromAgreementUpdate,
    {
      actor: actorOf(principal, facts.statement),
      reason: await keepFreeText(ctx, statementId, principal, 'agreement_withdrawn', reason),
    },
    meta.idempotencyKey,
  );
  return loadAgreementView(ctx, statementId, principal);
}
