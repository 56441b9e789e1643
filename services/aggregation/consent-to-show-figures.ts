import { latestSnapshot } from '../../db/aggregation.js';
import { appendAudit } from '../../db/audit.js';
import { findFigureConsent, setFigureConsent, snapshotDisclosure } from '../../db/disclosure.js';
import { refreshPilotSummary } from '../../db/projections/pilot-summary.js';
import type { Principal } from '../../domain/authorization.js';
import { loadLpSolver } from '../../platform/lp-solver.js';
import type { RequestMeta, ServiceContext } from '../context.js';
import { authorizeStatement } from '../statements/authorize-statement.js';

/**
 * A participating buyer agrees (or no longer agrees) that its own figures may be shown to the
 * other participants, Commission staff and the public in this statement. Recorded in the audit
 * log; the latest snapshot's disclosure pattern is computed again at once, so no output keeps
 * showing figures after consent is withdrawn. Figures already published stay as published.
 */
export async function consentToShowFigures(
  ctx: ServiceContext,
  principal: Principal,
  statementId: string,
  agree: boolean,
  meta: RequestMeta,
) {
  await authorizeStatement(ctx, principal, statementId, 'consentToNaming', meta);
  const solver = await loadLpSolver();
  await ctx.db.transaction().execute(async (trx) => {
    await setFigureConsent(trx, { statementId, orgId: principal.orgId, agreed: agree, userId: principal.userId });
    await appendAudit(trx, {
      chain: statementId,
      eventKey: null,
      statementId,
      actorUserId: principal.userId,
      actorOrgId: principal.orgId,
      action: 'figure_consent_given',
      data: { organisationId: principal.orgId, agreed: agree },
      at: new Date(),
    });
    const snapshot = await latestSnapshot(trx, statementId);
    if (snapshot) await snapshotDisclosure(trx, solver, snapshot.id);
    // The dashboard shows Commission staff what the new pattern shows, from now on.
    await refreshPilotSummary(trx, statementId);
  });
  return { organisationId: principal.orgId, showFigures: agree };
}

export async function getFigureConsent(
  ctx: ServiceContext,
  principal: Principal,
  statementId: string,
  meta: RequestMeta,
) {
  await authorizeStatement(ctx, principal, statementId, 'consentToNaming', meta);
  return {
    organisationId: principal.orgId,
    showFigures: await findFigureConsent(ctx.db, statementId, principal.orgId),
  };
}
