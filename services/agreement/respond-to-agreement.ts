import type { Principal } from '../../domain/authorization.js';
import { respondToAgreementUpdate } from '../../workflows/agreement/messages.js';
import type { RequestMeta, ServiceContext } from '../context.js';
import { actorOf } from '../statements/authorize-statement.js';
import { keepFreeText } from '../statements/free-text.js';
import type { AgreementView } from './agreement-contracts.js';
import { updateAgreementProcess } from './agreement-process.js';
import { authorizeAgreement, requireNegotiation } from './authorize-agreement.js';
import { loadAgreementView } from './get-agreement.js';

/** A signatory of the statement opts in to the agreement (becomes a party) or declines. */
export async function respondToAgreement(
  ctx: ServiceContext,
  principal: Principal,
  statementId: string,
  answer: { accept: boolean; reason?: string | undefined },
  meta: RequestMeta,
): Promise<AgreementView> {
  const facts = await authorizeAgreement(ctx, principal, statementId, 'respond', meta);
  const repeat = { principal, operation: respondToAgreementUpdate.name, idempotencyKey: meta.idempotencyKey };
  if ((await requireNegotiation(ctx, statementId, repeat)) === 'recorded')
    return loadAgreementView(ctx, statementId, principal);
  await updateAgreementProcess(
    ctx,
    statementId,
    respondToAgreementUpdate,
    {
      actor: actorOf(principal, facts.statement),
      accept: answer.accept,
      reason: answer.reason
        ? await keepFreeText(ctx, statementId, principal, 'agreement_declined', answer.reason)
        : null,
    },
    meta.idempotencyKey,
  );
  return loadAgreementView(ctx, statementId, principal);
}
