import {
  findAgreement,
  findAgreementVersion,
  listAgreementComments,
  listAgreementSignatures,
  listAgreementVersions,
} from '../../db/agreements.js';
import type { Principal } from '../../domain/authorization.js';
import { DomainError } from '../../domain/errors.js';
import type { AgreementVersionContent } from '../../platform/agreement-document.js';
import type { RequestMeta, ServiceContext } from '../context.js';
import { iso } from '../iso.js';
import type { AgreementVersionView } from './agreement-contracts.js';
import { authorizeAgreement } from './authorize-agreement.js';
import { signatureView, versionSummary } from './get-agreement.js';

/** One version with its terms, the comments made on it and the signatures given on it: for the parties only. */
export async function getAgreementVersion(
  ctx: ServiceContext,
  principal: Principal,
  statementId: string,
  version: number,
  meta: RequestMeta,
): Promise<AgreementVersionView> {
  await authorizeAgreement(ctx, principal, statementId, 'viewVersions', meta);
  const [agreement, row, versions] = await Promise.all([
    findAgreement(ctx.db, statementId),
    findAgreementVersion(ctx.db, statementId, version),
    listAgreementVersions(ctx.db, statementId),
  ]);
  const summary = versions.find((v) => v.version === version);
  if (!agreement || !row || !summary) throw new DomainError('not_found', `The agreement has no version ${version}`);
  const [comments, signatures] = await Promise.all([
    listAgreementComments(ctx.db, row.id),
    listAgreementSignatures(ctx.db, statementId),
  ]);
  const content = row.content as AgreementVersionContent;
  return {
    ...versionSummary(summary, agreement.current_version_id),
    kind: content.kind,
    parties: content.parties,
    terms: content.terms as unknown as Record<string, unknown>,
    comments: comments.map((c) => ({
      id: c.id,
      organisationId: c.organisation_id,
      organisationName: c.organisation_name,
      userId: c.user_id,
      userName: c.user_name,
      clause: c.clause,
      text: c.text,
      createdAt: iso(c.created_at)!,
    })),
    signatures: signatures.filter((s) => s.version_id === row.id).map(signatureView),
  };
}
