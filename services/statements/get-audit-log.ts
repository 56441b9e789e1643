import { listAuditEvents, verifyAuditChain } from '../../db/audit.js';
import type { Principal } from '../../domain/authorization.js';
import type { RequestMeta, ServiceContext } from '../context.js';
import { iso } from '../views.js';
import { authorizeStatement } from './authorize-statement.js';

export async function getAuditLog(ctx: ServiceContext, principal: Principal, statementId: string, meta: RequestMeta) {
  await authorizeStatement(ctx, principal, statementId, 'viewAudit', meta);
  const [events, verification] = await Promise.all([listAuditEvents(ctx.db, statementId, 10_000), verifyAuditChain(ctx.db, statementId)]);
  return {
    events: events.map((e) => ({
      seq: e.seq,
      action: e.action,
      actorUserId: e.actor_user_id,
      actorOrgId: e.actor_org_id,
      data: e.data,
      at: iso(e.at)!,
      hash: e.hash,
    })),
    verification,
  };
}
