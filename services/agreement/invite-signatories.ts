import { agreementOrgIds } from '../../db/agreements.js';
import { listSignatories } from '../../db/publication.js';
import type { Principal } from '../../domain/authorization.js';
import { DomainError } from '../../domain/errors.js';
import { inviteToAgreementUpdate } from '../../workflows/agreement/messages.js';
import type { RequestMeta, ServiceContext } from '../context.js';
import { actorOf } from '../statements/authorize-statement.js';
import type { AgreementView } from './agreement-contracts.js';
import { updateAgreementProcess } from './agreement-process.js';
import { authorizeAgreement, requireNegotiation } from './authorize-agreement.js';
import { loadAgreementView } from './get-agreement.js';

/**
 * Invites the statement's signatories that are not in the agreement yet (late signatories who
 * joined the published statement after the agreement started) to opt in.
 */
export async function inviteSignatories(
  ctx: ServiceContext,
  principal: Principal,
  statementId: string,
  meta: RequestMeta,
): Promise<AgreementView> {
  const facts = await authorizeAgreement(ctx, principal, statementId, 'manage', meta);
  const repeat = { principal, operation: inviteToAgreementUpdate.name, idempotencyKey: meta.idempotencyKey };
  if ((await requireNegotiation(ctx, statementId, repeat)) === 'recorded')
    return loadAgreementView(ctx, statementId, principal);
  const [signatories, known] = await Promise.all([
    listSignatories(ctx.db, statementId),
    agreementOrgIds(ctx.db, statementId, ['invited', 'party', 'declined', 'withdrawn']),
  ]);
  const orgIds = signatories.map((s) => s.organisationId).filter((o) => !known.includes(o));
  if (orgIds.length === 0)
    throw new DomainError('conflict', 'Every signatory of the statement has been invited to the agreement already');
  await updateAgreementProcess(
    ctx,
    statementId,
    inviteToAgreementUpdate,
    { actor: actorOf(principal, facts.statement), orgIds },
    meta.idempotencyKey,
  );
  return loadAgreementView(ctx, statementId, principal);
}
