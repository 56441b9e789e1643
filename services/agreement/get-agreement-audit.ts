import { listAuditEvents, verifyAuditChain } from '../../db/audit.js';
import { agreementChain } from '../../domain/agreement-events.js';
import { auditDataFor, type Principal } from '../../domain/authorization.js';
import type { RequestMeta, ServiceContext } from '../context.js';
import { iso } from '../views.js';
import { authorizeAgreement } from './authorize-agreement.js';

/** The agreement's own audit chain, verified, for its parties and oversight; a buyer's reason is the lead's and its own. */
export async function getAgreementAudit(ctx: ServiceContext, principal: Principal, statementId: string, meta: RequestMeta) {
  const facts = await authorizeAgreement(ctx, principal, statementId, 'viewAudit', meta);
  const chain = agreementChain(statementId);
  const [events, verification] = await Promise.all([listAuditEvents(ctx.db, chain, 10_000), verifyAuditChain(ctx.db, chain)]);
  return {
    events: events.map((e) => ({ seq: e.seq, action: e.action, actorUserId: e.actor_user_id, actorOrgId: e.actor_org_id, data: auditDataFor(principal, facts.statement, e.action, e.data as Record<string, unknown>), at: iso(e.at)!, hash: e.hash })),
    verification,
  };
}
