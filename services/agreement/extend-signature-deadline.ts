import type { Principal } from '../../domain/authorization.js';
import { extendSignatureDeadlineUpdate } from '../../workflows/agreement/messages.js';
import type { RequestMeta, ServiceContext } from '../context.js';
import { actorOf } from '../statements/authorize-statement.js';
import type { AgreementView } from './agreement-contracts.js';
import { updateAgreementProcess } from './agreement-process.js';
import { authorizeAgreement, requireNegotiation } from './authorize-agreement.js';
import { loadAgreementView } from './get-agreement.js';

/** The lead moves the signature deadline later (also after it passed, which reopens signing). */
export async function extendSignatureDeadline(
  ctx: ServiceContext,
  principal: Principal,
  statementId: string,
  deadline: string,
  meta: RequestMeta,
): Promise<AgreementView> {
  const facts = await authorizeAgreement(ctx, principal, statementId, 'manage', meta);
  const repeat = { principal, operation: extendSignatureDeadlineUpdate.name, idempotencyKey: meta.idempotencyKey };
  if ((await requireNegotiation(ctx, statementId, repeat)) === 'recorded')
    return loadAgreementView(ctx, statementId, principal);
  await updateAgreementProcess(
    ctx,
    statementId,
    extendSignatureDeadlineUpdate,
    { actor: actorOf(principal, facts.statement), deadline },
    meta.idempotencyKey,
  );
  return loadAgreementView(ctx, statementId, principal);
}
