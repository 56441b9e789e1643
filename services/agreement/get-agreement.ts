import {
  findAgreement,
  listAgreementParties,
  listAgreementSignatures,
  listAgreementVersions,
} from '../../db/agreements.js';
import { findStatement } from '../../db/statements.js';
import { agreementKind } from '../../domain/agreement.js';
import { decideAgreement } from '../../domain/agreement-authorization.js';
import type { AgreementPartyStatus, AgreementStatus } from '../../domain/agreement-process.js';
import { canReadReasonOf, type Principal } from '../../domain/authorization.js';
import { DomainError } from '../../domain/errors.js';
import { legalBasisOf } from '../../platform/agreement-document.js';
import type { RequestMeta, ServiceContext } from '../context.js';
import { iso } from '../iso.js';
import type { AgreementView } from './agreement-contracts.js';
import { agreementFactsFor, authorizeAgreement } from './authorize-agreement.js';

type SignatureRow = Awaited<ReturnType<typeof listAgreementSignatures>>[number];
type VersionRow = Awaited<ReturnType<typeof listAgreementVersions>>[number];

export const signatureView = (s: SignatureRow) => ({
  organisationId: s.organisation_id,
  userId: s.user_id,
  userName: s.user_name,
  version: s.version,
  versionHash: s.version_hash,
  signedAt: iso(s.signed_at)!,
  clearedAt: iso(s.cleared_at),
  clearedReason: s.cleared_reason,
});

export const versionSummary = (v: VersionRow, currentId: string | null) => ({
  version: v.version,
  versionId: v.id,
  contentHash: v.content_hash,
  pdfHash: v.pdf_hash,
  note: v.note,
  createdAt: iso(v.created_at)!,
  createdBy: { id: v.created_by, name: v.created_by_name },
  current: v.id === currentId,
});

/**
 * The agreement as the read model holds it, as `viewer` may read it (after whatever it just did):
 * the parties read the versions with their hashes and the signatures; everyone else who follows
 * it reads its status and the list of parties. A party's reason is the lead's and its own.
 */
export async function loadAgreementView(
  ctx: ServiceContext,
  statementId: string,
  viewer: Principal,
): Promise<AgreementView> {
  const [agreement, statement, parties, versions, signatures, facts] = await Promise.all([
    findAgreement(ctx.db, statementId),
    findStatement(ctx.db, statementId),
    listAgreementParties(ctx.db, statementId),
    listAgreementVersions(ctx.db, statementId),
    listAgreementSignatures(ctx.db, statementId),
    agreementFactsFor(ctx, statementId, viewer),
  ]);
  if (!agreement || !statement || !facts) throw new DomainError('not_found', 'No agreement for this statement');
  const full = decideAgreement(viewer, 'viewVersions', facts).allowed;
  const active = parties.filter((p) => p.status === 'party');
  const kind = agreementKind(active.map((p) => ({ country: p.country.trim() })));
  const currentId = agreement.current_version_id;
  const standing = signatures.filter((s) => s.cleared_at === null && s.version_id === currentId);
  const summaries = versions.map((v) => versionSummary(v, currentId));
  return {
    statementId,
    statementTitle: statement.title,
    status: agreement.status as AgreementStatus,
    kind,
    legalBasis: legalBasisOf(kind),
    leadOrganisationId: agreement.lead_org_id,
    signatureDeadline: iso(agreement.signature_deadline),
    startedAt: iso(agreement.started_at)!,
    inForceAt: iso(agreement.in_force_at),
    cancelReason: agreement.cancel_reason,
    parties: parties.map((p) => ({
      organisationId: p.organisation_id,
      name: p.name,
      country: p.country.trim(),
      status: p.status as AgreementPartyStatus,
      statusReason: canReadReasonOf(viewer, facts.statement, p.organisation_id) ? p.status_reason : null,
      signedCurrentVersion: standing.some((s) => s.organisation_id === p.organisation_id),
    })),
    versionsWithheld: !full,
    currentVersion: full ? (summaries.find((v) => v.current) ?? null) : null,
    versions: full ? summaries : [],
    signatures: full ? signatures.map(signatureView) : [],
  };
}

export async function getAgreement(
  ctx: ServiceContext,
  principal: Principal,
  statementId: string,
  meta: RequestMeta,
): Promise<AgreementView> {
  await authorizeAgreement(ctx, principal, statementId, 'view', meta);
  return loadAgreementView(ctx, statementId, principal);
}
