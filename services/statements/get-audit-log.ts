import { listAuditEvents, verifyAuditChain } from '../../db/audit.js';
import { auditDataFor, type Principal } from '../../domain/authorization.js';
import type { RequestMeta, ServiceContext } from '../context.js';
import { iso } from '../views.js';
import { authorizeStatement } from './authorize-statement.js';

/** The statement's audit chain, verified; a buyer's free-text reason is withheld from all but the lead (the hashes are over what was recorded). */
export async function getAuditLog(ctx: ServiceContext, principal: Principal, statementId: string, meta: RequestMeta) {
  const facts = await authorizeStatement(ctx, principal, statementId, 'viewAudit', meta);
  const [events, verification] = await Promise.all([listAuditEvents(ctx.db, statementId, 10_000), verifyAuditChain(ctx.db, statementId)]);
  return {
    events: events.map((e) => ({
      seq: e.seq,
      action: e.action,
      actorUserId: e.actor_user_id,
      actorOrgId: e.actor_org_id,
      data: auditDataFor(principal, facts, e.action, e.data as Record<string, unknown>),
      at: iso(e.at)!,
      hash: e.hash,
    })),
    verification,
  };
}
