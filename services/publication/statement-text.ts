import { findOrganisations } from '../../db/organisations.js';
import { findStatementText, insertTextDraft, listApprovals, listStatementTextVersions } from '../../db/publication.js';
import type { Principal } from '../../domain/authorization.js';
import { DomainError } from '../../domain/errors.js';
import { contentHash } from '../../platform/canonical-json.js';
import {
  decideApprovalUpdate,
  marketStateQuery,
  proceedWithoutMissingUpdate,
  reviseStatementTextUpdate,
} from '../../workflows/statement/market-messages.js';
import type { RequestMeta, ServiceContext } from '../context.js';
import { actorOf, authorizeStatement } from '../statements/authorize-statement.js';
import { keepFreeText } from '../statements/free-text.js';
import { readStatementProcess } from '../statements/read-statement-process.js';
import { rosterFor } from '../statements/roster.js';
import { updateStatementProcess } from '../statements/statement-process.js';

export function marketState(ctx: ServiceContext, statementId: string) {
  return readStatementProcess(ctx, statementId, marketStateQuery);
}

/**
 * The current statement text, its versions and the approvals, for the buyers and Commission staff;
 * the approvers and their decisions are the roster the viewer may read (after publication, a
 * participant reads the named signatories' and its own).
 */
export async function getStatementText(
  ctx: ServiceContext,
  principal: Principal,
  statementId: string,
  meta: RequestMeta,
) {
  await authorizeStatement(ctx, principal, statementId, 'viewStatementText', meta);
  const current = await findStatementText(ctx.db, statementId);
  if (!current)
    throw new DomainError(
      'not_found',
      'No statement text has been drafted yet: it is drafted when the market consultation closes',
    );
  const [versions, allApprovals, live, roster] = await Promise.all([
    listStatementTextVersions(ctx.db, statementId),
    listApprovals(ctx.db, statementId),
    marketState(ctx, statementId),
    rosterFor(ctx, statementId, principal),
  ]);
  const approvers = live.approvers.filter((orgId) => roster.shows(orgId));
  const approvals = allApprovals.filter((a) => roster.shows(a.organisation_id));
  const organisations = new Map((await findOrganisations(ctx.db, approvers)).map((o) => [o.id, o]));
  return {
    version: current.version,
    text: current.text,
    textHash: current.text_hash,
    locale: current.locale,
    createdAt: current.created_at.toISOString(),
    versions: versions.map((v) => ({
      version: v.version,
      textHash: v.text_hash,
      createdAt: v.created_at.toISOString(),
      drafted: v.created_by === null,
    })),
    approvers: approvers.map((orgId) => ({
      organisationId: orgId,
      name: organisations.get(orgId)?.name ?? orgId,
      country: organisations.get(orgId)?.country.trim() ?? '',
      decision: live.decisions[orgId] ?? null,
    })),
    decisions: approvals.map((a) => ({
      version: a.text_version,
      organisationId: a.organisation_id,
      name: a.name,
      decision: a.decision,
      comment: a.comment,
      at: a.decided_at.toISOString(),
    })),
  };
}

/** The lead's edit: stored as a draft under its hash, then the workflow makes it the next version (approvals start again). */
export async function reviseStatementText(
  ctx: ServiceContext,
  principal: Principal,
  statementId: string,
  input: { text: string; expectedVersion: number },
  meta: RequestMeta,
) {
  const facts = await authorizeStatement(ctx, principal, statementId, 'editStatementText', meta);
  if (facts.stage !== 'approval')
    throw new DomainError('wrong_stage', `The statement text can be revised in approval, not in ${facts.stage}`);
  const textHash = contentHash({ text: input.text });
  await insertTextDraft(ctx.db, { statementId, hash: textHash, text: input.text, userId: principal.userId });
  const ack = await updateStatementProcess(
    ctx,
    statementId,
    reviseStatementTextUpdate,
    { actor: actorOf(principal, facts), textHash, expectedVersion: input.expectedVersion },
    meta.idempotencyKey,
  );
  return { version: ack.textVersion, textHash, stage: ack.stage };
}

export async function decideApproval(
  ctx: ServiceContext,
  principal: Principal,
  statementId: string,
  input: { version: number; decision: 'approve' | 'request_changes'; comment?: string | undefined },
  meta: RequestMeta,
) {
  const facts = await authorizeStatement(ctx, principal, statementId, 'approveStatement', meta);
  const ack = await updateStatementProcess(
    ctx,
    statementId,
    decideApprovalUpdate,
    {
      actor: actorOf(principal, facts),
      version: input.version,
      decision: input.decision,
      // The comment stays in PostgreSQL; the workflow gets its id and hash.
      ...(input.comment?.trim()
        ? { comment: await keepFreeText(ctx, statementId, principal, 'approval_comment', input.comment.trim()) }
        : {}),
    },
    meta.idempotencyKey,
  );
  return { version: ack.textVersion, decision: input.decision, stage: ack.stage };
}

export async function proceedWithoutMissing(
  ctx: ServiceContext,
  principal: Principal,
  statementId: string,
  meta: RequestMeta,
) {
  const facts = await authorizeStatement(ctx, principal, statementId, 'publishWithoutMissing', meta);
  const ack = await updateStatementProcess(
    ctx,
    statementId,
    proceedWithoutMissingUpdate,
    { actor: actorOf(principal, facts) },
    meta.idempotencyKey,
  );
  return { stage: ack.stage, publishing: true };
}
