import { randomUUID } from 'node:crypto';

import { findAgreement, findAgreementVersion, insertAgreementComment } from '../../db/agreements.js';
import { appendAudit } from '../../db/audit.js';
import { agreementChain } from '../../domain/agreement-events.js';
import type { Principal } from '../../domain/authorization.js';
import { DomainError } from '../../domain/errors.js';
import type { RequestMeta, ServiceContext } from '../context.js';
import type { AgreementVersionView } from './agreement-contracts.js';
import { authorizeAgreement } from './authorize-agreement.js';
import { getAgreementVersion } from './get-agreement-version.js';

/**
 * A party comments on one version (optionally on one clause). Comments change no process
 * state, so they are written here with their audit row in one transaction, not through the
 * workflow: its history carries ids and hashes, never free text.
 */
export async function commentOnAgreement(
  ctx: ServiceContext,
  principal: Principal,
  statementId: string,
  comment: { version: number; clause?: string | undefined; text: string },
  meta: RequestMeta,
): Promise<AgreementVersionView> {
  await authorizeAgreement(ctx, principal, statementId, 'comment', meta);
  const [agreement, version] = await Promise.all([
    findAgreement(ctx.db, statementId),
    findAgreementVersion(ctx.db, statementId, comment.version),
  ]);
  if (!version) throw new DomainError('not_found', `The agreement has no version ${comment.version}`);
  if (agreement!.status !== 'negotiation')
    throw new DomainError(
      'wrong_stage',
      `The agreement is ${agreement!.status.replace('_', ' ')}; negotiation is over`,
    );
  const id = randomUUID();
  const at = new Date();
  await ctx.db.transaction().execute(async (trx) => {
    await insertAgreementComment(trx, {
      id,
      statementId,
      versionId: version.id,
      orgId: principal.orgId,
      userId: principal.userId,
      clause: comment.clause ?? null,
      text: comment.text,
      at,
    });
    await appendAudit(trx, {
      chain: agreementChain(statementId),
      eventKey: `comment:${id}`,
      statementId,
      actorUserId: principal.userId,
      actorOrgId: principal.orgId,
      action: 'agreement_commented',
      data: {
        commentId: id,
        version: comment.version,
        versionId: version.id,
        clause: comment.clause ?? null,
        length: comment.text.length,
      },
      at,
    });
  });
  return getAgreementVersion(ctx, principal, statementId, comment.version, meta);
}
