import { listSignatories, listSignatoryRequests } from '../../db/publication.js';
import type { Principal } from '../../domain/authorization.js';
import { DomainError } from '../../domain/errors.js';
import { decideSignatoryUpdate, requestToSignUpdate } from '../../workflows/statement/market-messages.js';
import type { RequestMeta, ServiceContext } from '../context.js';
import { actorOf, authorizeStatement } from '../statements/authorize-statement.js';
import { rosterFor } from '../statements/roster.js';
import { updateStatementProcess } from '../statements/statement-process.js';

/** Another buyer asks to join a published statement as a signatory. */
export async function requestToSign(ctx: ServiceContext, principal: Principal, statementId: string, meta: RequestMeta) {
  const facts = await authorizeStatement(ctx, principal, statementId, 'requestToSign', meta);
  if (facts.stage !== 'published')
    throw new DomainError('wrong_stage', 'Only a published statement takes new signatories');
  await updateStatementProcess(
    ctx,
    statementId,
    requestToSignUpdate,
    { actor: actorOf(principal, facts) },
    meta.idempotencyKey,
  );
  return { organisationId: principal.orgId, status: 'pending' as const };
}

/** The lead accepts (a new version is published with the new signatory) or declines. */
export async function decideSignatory(
  ctx: ServiceContext,
  principal: Principal,
  statementId: string,
  orgId: string,
  accept: boolean,
  meta: RequestMeta,
) {
  const facts = await authorizeStatement(ctx, principal, statementId, 'decideSignatory', meta);
  const ack = await updateStatementProcess(
    ctx,
    statementId,
    decideSignatoryUpdate,
    { actor: actorOf(principal, facts), orgId, accept },
    meta.idempotencyKey,
  );
  return {
    organisationId: orgId,
    status: accept ? ('accepted' as const) : ('declined' as const),
    publicationVersion: ack.publicationVersion,
  };
}

/** The signatories the roster rules show the viewer (after publication: those that agreed to be named, and its own organisation), and the requests to sign it may follow. */
export async function getSignatories(
  ctx: ServiceContext,
  principal: Principal,
  statementId: string,
  meta: RequestMeta,
) {
  const facts = await authorizeStatement(ctx, principal, statementId, 'view', meta);
  const [all, roster] = await Promise.all([
    listSignatories(ctx.db, statementId),
    rosterFor(ctx, statementId, principal),
  ]);
  const signatories = all.filter((s) => roster.shows(s.organisationId));
  const seesAll = facts.leadOrgId === principal.orgId || principal.orgKind === 'commission' || principal.isAdmin;
  // Another buyer follows its own request only: who else asked stays with the lead.
  const requests = (await listSignatoryRequests(ctx.db, statementId)).filter(
    (r) => seesAll || r.organisation_id === principal.orgId,
  );
  return {
    signatories: signatories.map((s) => ({
      organisationId: s.organisationId,
      name: s.name,
      country: s.country,
      sinceVersion: s.sinceVersion,
      late: s.late,
      joinedAt: s.joinedAt.toISOString(),
    })),
    requests: requests.map((r) => ({
      organisationId: r.organisation_id,
      name: r.name,
      country: r.country.trim(),
      status: r.status,
      requestedAt: r.requested_at.toISOString(),
      decidedAt: r.decided_at?.toISOString() ?? null,
    })),
  };
}
