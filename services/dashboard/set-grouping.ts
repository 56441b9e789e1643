import { appendAudit } from '../../db/audit.js';
import { upsertGrouping } from '../../db/dashboard.js';
import { refreshPilotSummary } from '../../db/projections/pilot-summary.js';
import type { Principal } from '../../domain/authorization.js';
import type { Grouping } from '../../domain/pilot-tracking.js';
import type { RequestMeta, ServiceContext } from '../context.js';
import { actorOf, authorizeStatement } from '../statements/authorize-statement.js';

/**
 * Places a statement in a programme grouping (lead buyer or Commission staff). Grouping is
 * bookkeeping of the programme, not a step of the statement's process, so it is written here
 * and not by the workflow; the change and who made it go to the statement's audit log in the
 * same transaction.
 */
export async function setGrouping(
  ctx: ServiceContext,
  principal: Principal,
  statementId: string,
  grouping: Grouping,
  meta: RequestMeta,
) {
  const facts = await authorizeStatement(ctx, principal, statementId, 'setGrouping', meta);
  const actor = actorOf(principal, facts);
  const at = new Date();
  const row = await ctx.db.transaction().execute(async (trx) => {
    const saved = await upsertGrouping(trx, { statementId, ...grouping, userId: principal.userId, at });
    await appendAudit(trx, {
      chain: statementId,
      // Setting the same grouping twice changes nothing twice over: no retry key is needed.
      eventKey: null,
      statementId,
      actorUserId: actor.userId,
      actorOrgId: actor.orgId,
      action: 'grouping_set',
      data: { kind: grouping.kind, name: grouping.name, sector: grouping.sector },
      at,
    });
    await refreshPilotSummary(trx, statementId);
    return saved;
  });
  return { statementId, kind: row.kind, name: row.name, sector: row.sector, updatedAt: row.updated_at.toISOString() };
}
