import type { Principal } from '../../domain/authorization.js';
import { cancelAgreementUpdate } from '../../workflows/agreement/messages.js';
import type { RequestMeta, ServiceContext } from '../context.js';
import { actorOf } from '../statements/authorize-statement.js';
import { keepFreeText } from '../statements/free-text.js';
import type { AgreementView } from './agreement-contracts.js';
import { updateAgreementProcess } from './agreement-process.js';
import { authorizeAgreement, requireNegotiation } from './authorize-agreement.js';
import { loadAgreementView } from './get-agreement.js';

/** The lead abandons the agreement before it enters into force. */
export async function cancelAgreement(
  ctx: ServiceContext,
  principal: Principal,
  statementId: string,
  reason: string,
  meta: RequestMeta,
): Promise<AgreementView> {
  const facts = await authorizeAgreement(ctx, principal, statementId, 'manage', meta);
  const repeat = { principal, operation: cancelAgreementUpdate.name, idempotencyKey: meta.idempotencyKey };
  if ((await requireNegotiation(ctx, statementId, repeat)) === 'recorded')
    return loadAgreementView(ctx, statementId, principal);
  await updateAgreementProcess(
    ctx,
    statementId,
    cancelAgreementUpdate,
    {
      actor: actorOf(principal, facts.statement),
      reason: await keepFreeText(ctx, statementId, principal, 'agreement_cancelled', reason),
    },
    meta.idempotencyKey,
  );
  return loadAgreementView(ctx, statementId, principal);
}
