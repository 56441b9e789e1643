import { appendAudit } from '../../db/audit.js';
import { findConsultation, findResponse, upsertResponseWhileOpen } from '../../db/consultation.js';
import { refreshPilotSummary } from '../../db/projections/pilot-summary.js';
import { logSupplierContact } from '../../db/suppliers.js';
import type { Principal } from '../../domain/authorization.js';
import { checkAnswers } from '../../domain/consultation.js';
import { DomainError, unprocessable } from '../../domain/errors.js';
import type { RequestMeta, ServiceContext } from '../context.js';
import { closedError, isOpen, requireSupplier, visibleConsultation } from './consultation-access.js';

const view = (r: { answers: Record<string, string>; revision: number; created_at: Date; updated_at: Date }) => ({
  answers: r.answers,
  revision: r.revision,
  createdAt: r.created_at.toISOString(),
  updatedAt: r.updated_at.toISOString(),
});

/** A supplier's own response; nobody else's is ever readable by a supplier. */
export async function getOwnResponse(
  ctx: ServiceContext,
  principal: Principal,
  statementId: string,
  meta: RequestMeta,
) {
  await requireSupplier(ctx, principal, statementId, meta);
  await visibleConsultation(ctx, statementId);
  const row = await findResponse(ctx.db, statementId, principal.orgId);
  if (!row) throw new DomainError('not_found', 'Your organisation has not responded to this consultation');
  return view(row);
}

/**
 * Saves the supplier's response (its answers to the request for information). Editable until
 * the deadline; written straight to the database while the consultation is open (high-volume
 * supplier submissions do not go through the workflow). Every save is a logged contact.
 */
export async function saveResponse(
  ctx: ServiceContext,
  principal: Principal,
  statementId: string,
  answers: Record<string, string>,
  meta: RequestMeta,
) {
  await requireSupplier(ctx, principal, statementId, meta);
  const statement = await visibleConsultation(ctx, statementId);
  if (!isOpen(statement)) throw closedError(statement);
  const problems = checkAnswers(answers, (await findConsultation(ctx.db, statementId))?.questions ?? []);
  if (problems.length > 0)
    throw unprocessable(problems, 'The response answers questions the request for information does not ask');
  const revision = await ctx.db.transaction().execute(async (trx) => {
    const rev = await upsertResponseWhileOpen(trx, {
      statementId,
      supplierOrgId: principal.orgId,
      userId: principal.userId,
      answers,
    });
    if (rev === undefined) return undefined;
    await logSupplierContact(trx, {
      statementId,
      supplierOrgId: principal.orgId,
      userId: principal.userId,
      kind: 'response_saved',
      detail: { revision: rev, answered: Object.keys(answers).length },
    });
    await appendAudit(trx, {
      chain: statementId,
      eventKey: null,
      statementId,
      actorUserId: principal.userId,
      actorOrgId: principal.orgId,
      action: 'supplier_response_saved',
      data: { supplierOrgId: principal.orgId, revision: rev, questionsAnswered: Object.keys(answers).length },
      at: new Date(),
    });
    await refreshPilotSummary(trx, statementId);
    return rev;
  });
  if (revision === undefined) throw closedError(statement);
  return view((await findResponse(ctx.db, statementId, principal.orgId))!);
}
