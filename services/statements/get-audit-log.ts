import { readAuditPage } from '../../db/audit.js';
import { auditDataFor, type Principal } from '../../domain/authorization.js';
import { type AuditLogView, type AuditPageQuery, toAuditLogView } from '../audit/audit-contracts.js';
import type { RequestMeta, ServiceContext } from '../context.js';
import { authorizeStatement } from './authorize-statement.js';

/**
 * One page of the statement's audit chain with its verification, both from one snapshot, so an
 * append committing meanwhile is never mistaken for a removed event. The verification re-hashes
 * only what came after the latest signed checkpoint. A buyer's free-text reason is withheld from
 * all but the lead (the hashes are over what was recorded).
 */
export async function getAuditLog(
  ctx: ServiceContext,
  principal: Principal,
  statementId: string,
  query: AuditPageQuery,
  meta: RequestMeta,
): Promise<AuditLogView> {
  const facts = await authorizeStatement(ctx, principal, statementId, 'viewAudit', meta);
  const page = await readAuditPage(ctx.db, statementId, query, { expectEvents: true });
  return toAuditLogView(page, query, (e) =>
    auditDataFor(principal, facts, e.action, e.data as Record<string, unknown>),
  );
}
