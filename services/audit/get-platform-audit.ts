import { PLATFORM_CHAIN, readAuditPage } from '../../db/audit.js';
import type { Principal } from '../../domain/authorization.js';
import { DomainError } from '../../domain/errors.js';
import type { ServiceContext } from '../context.js';
import { type AuditLogView, type AuditPageQuery, toAuditLogView } from './audit-contracts.js';

/** One page of the platform chain (organisations, users, suppliers, exchange rates, access changes), verified in the same snapshot; administrators only. */
export async function getPlatformAudit(
  ctx: ServiceContext,
  principal: Principal,
  query: AuditPageQuery,
): Promise<AuditLogView> {
  if (!principal.isAdmin) throw new DomainError('forbidden', 'Only administrators read the platform audit log');
  const page = await readAuditPage(ctx.db, PLATFORM_CHAIN, query);
  return toAuditLogView(page, query, (e) => e.data as Record<string, unknown>);
}
