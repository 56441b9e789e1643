import { appendAudit } from '../../db/audit.js';
import {
  findConsultation,
  findNameConsent,
  latestMarketSummary,
  listResponses,
  listSupplierContacts,
  saveRfiQuestions,
  setNameConsent,
} from '../../db/consultation.js';
import { renderStatementDocuments } from '../../db/public-document-renderer.js';
import type { Principal } from '../../domain/authorization.js';
import type { RfiQuestion } from '../../domain/consultation.js';
import { DomainError } from '../../domain/errors.js';
import { loadLpSolver } from '../../platform/lp-solver.js';
import { operationOpen } from '../../rules/stages.js';
import type { RequestMeta, ServiceContext } from '../context.js';
import { authorizeStatement } from '../statements/authorize-statement.js';

/** The lead sets the request-for-information questions, any time until the consultation closes. */
export async function setRfiQuestions(
  ctx: ServiceContext,
  principal: Principal,
  statementId: string,
  questions: RfiQuestion[],
  meta: RequestMeta,
) {
  const facts = await authorizeStatement(ctx, principal, statementId, 'manageConsultation', meta);
  if (!operationOpen('setRequestForInformation', facts.stage))
    throw new DomainError('wrong_stage', `The request for information cannot change in ${facts.stage}`);
  const version = await ctx.db.transaction().execute(async (trx) => {
    const v = await saveRfiQuestions(trx, statementId, questions, principal.userId);
    await appendAudit(trx, {
      chain: statementId,
      eventKey: null,
      statementId,
      actorUserId: principal.userId,
      actorOrgId: principal.orgId,
      action: 'rfi_questions_set',
      data: { version: v, questions: questions.map((q) => q.id) },
      at: new Date(),
    });
    return v;
  });
  return { version, questions };
}

export async function getRfiQuestions(
  ctx: ServiceContext,
  principal: Principal,
  statementId: string,
  meta: RequestMeta,
) {
  await authorizeStatement(ctx, principal, statementId, 'view', meta);
  const c = await findConsultation(ctx.db, statementId);
  return { version: c?.version ?? 0, questions: c?.questions ?? [] };
}

/** A participating buyer agrees (or not) to be named on the public consultation page. */
export async function consentToNaming(
  ctx: ServiceContext,
  principal: Principal,
  statementId: string,
  agree: boolean,
  meta: RequestMeta,
) {
  await authorizeStatement(ctx, principal, statementId, 'consentToNaming', meta);
  await ctx.db.transaction().execute(async (trx) => {
    await setNameConsent(trx, { statementId, orgId: principal.orgId, agreed: agree, userId: principal.userId });
    await appendAudit(trx, {
      chain: statementId,
      eventKey: null,
      statementId,
      actorUserId: principal.userId,
      actorOrgId: principal.orgId,
      action: 'name_consent_given',
      data: { organisationId: principal.orgId, agreed: agree },
      at: new Date(),
    });
    // A published page names its signatories as they now agree: its stored rendering follows in the same transaction.
    await renderStatementDocuments(
      trx,
      { solver: await loadLpSolver(), publicUrl: ctx.config.PUBLIC_URL },
      statementId,
      { replace: true },
    );
  });
  return { organisationId: principal.orgId, named: agree };
}

export async function getNameConsent(
  ctx: ServiceContext,
  principal: Principal,
  statementId: string,
  meta: RequestMeta,
) {
  await authorizeStatement(ctx, principal, statementId, 'consentToNaming', meta);
  return { organisationId: principal.orgId, named: await findNameConsent(ctx.db, statementId, principal.orgId) };
}

export async function listConsultationResponses(
  ctx: ServiceContext,
  principal: Principal,
  statementId: string,
  meta: RequestMeta,
) {
  await authorizeStatement(ctx, principal, statementId, 'viewConsultation', meta);
  const rows = await listResponses(ctx.db, statementId);
  return rows.map((r) => ({
    supplier: { organisationId: r.supplier_org_id, name: r.name, country: r.country.trim(), sme: r.sme ?? false },
    answers: r.answers,
    revision: r.revision,
    createdAt: r.created_at.toISOString(),
    updatedAt: r.updated_at.toISOString(),
  }));
}

export async function listContacts(
  ctx: ServiceContext,
  principal: Principal,
  statementId: string,
  page: { limit: number; offset: number },
  meta: RequestMeta,
) {
  await authorizeStatement(ctx, principal, statementId, 'viewConsultation', meta);
  const rows = await listSupplierContacts(ctx.db, statementId, page);
  return rows.map((r) => ({
    id: Number(r.id),
    kind: r.kind,
    supplier: r.supplier_org_id ? { organisationId: r.supplier_org_id, name: r.supplier_name } : null,
    userId: r.user_id,
    detail: r.detail,
    at: r.at.toISOString(),
  }));
}

export async function getMarketSummary(
  ctx: ServiceContext,
  principal: Principal,
  statementId: string,
  meta: RequestMeta,
) {
  await authorizeStatement(ctx, principal, statementId, 'viewStatementText', meta);
  const row = await latestMarketSummary(ctx.db, statementId);
  if (!row) throw new DomainError('not_found', 'The consultation has not closed yet: there is no market summary');
  return {
    summaryId: row.id,
    summaryHash: row.summary_hash,
    computedAt: row.computed_at.toISOString(),
    summary: row.summary,
  };
}
