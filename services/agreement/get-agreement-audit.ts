import { readAuditPage } from '../../db/audit.js';
import { agreementChain } from '../../domain/agreement-events.js';
import { auditDataFor, type Principal } from '../../domain/authorization.js';
import { type AuditLogView, type AuditPageQuery, toAuditLogView } from '../audit/audit-contracts.js';
import type { RequestMeta, ServiceContext } from '../context.js';
import { authorizeAgreement } from './authorize-agreement.js';

/** One page of the agreement's own audit chain, verified in the same snapshot, for its parties and oversight; a buyer's reason is the lead's and its own. */
export async function getAgreementAudit(
  ctx: ServiceContext,
  principal: Principal,
  statementId: string,
  query: AuditPageQuery,
  meta: RequestMeta,
): Promise<AuditLogView> {
  const facts = await authorizeAgreement(ctx, principal, statementId, 'viewAudit', meta);
  const page = await readAuditPage(ctx.db, agreementChain(statementId), query, { expectEvents: facts.exists });
  return toAuditLogView(page, query, (e) =>
    auditDataFor(principal, facts.statement, e.action, e.data as Record<string, unknown>),
  );
}
