import type { Principal } from '../../domain/authorization.js';
import { signAgreementUpdate } from '../../workflows/agreement/messages.js';
import type { RequestMeta, ServiceContext } from '../context.js';
import { actorOf } from '../statements/authorize-statement.js';
import type { AgreementView } from './agreement-contracts.js';
import { updateAgreementProcess } from './agreement-process.js';
import { authorizeAgreement, requireNegotiation } from './authorize-agreement.js';
import { loadAgreementView } from './get-agreement.js';

/**
 * The party's authorised signatory signs one version, named by its id and content hash: a
 * signature on anything but the current version is refused (409). The last signature puts the
 * agreement into force.
 */
export async function signAgreement(
  ctx: ServiceContext,
  principal: Principal,
  statementId: string,
  version: { versionId: string; versionHash: string },
  meta: RequestMeta,
): Promise<AgreementView> {
  const facts = await authorizeAgreement(ctx, principal, statementId, 'sign', meta);
  const repeat = { principal, operation: signAgreementUpdate.name, idempotencyKey: meta.idempotencyKey };
  if ((await requireNegotiation(ctx, statementId, repeat)) === 'recorded')
    return loadAgreementView(ctx, statementId, principal);
  await updateAgreementProcess(
    ctx,
    statementId,
    signAgreementUpdate,
    { actor: actorOf(principal, facts.statement), ...version },
    meta.idempotencyKey,
  );
  return loadAgreementView(ctx, statementId, principal);
}
