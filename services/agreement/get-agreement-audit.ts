import { listAuditEvents, verifyAuditChain } from '../../db/audit.js';
import { agreementChain } from '../../domain/agreement-events.js';
import type { Principal } from '../../domain/authorization.js';
import type { RequestMeta, ServiceContext } from '../context.js';
import { iso } from '../views.js';
import { authorizeAgreement } from './authorize-agreement.js';

/** The agreement's own audit chain, verified, for whoever follows the agreement. */
export async function getAgreementAudit(ctx: ServiceContext, principal: Principal, statementId: string, meta: RequestMeta) {
  await authorizeAgreement(ctx, principal, statementId, 'view', meta);
  const chain = agreementChain(statementId);
  const [events, verification] = await Promise.all([listAuditEvents(ctx.db, chain, 10_000), verifyAuditChain(ctx.db, chain)]);
  return {
    events: events.map((e) => ({ seq: e.seq, action: e.action, actorUserId: e.actor_user_id, actorOrgId: e.actor_org_id, data: e.data, at: iso(e.at)!, hash: e.hash })),
    verification,
  };
}
