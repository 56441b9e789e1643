import { listAuditAlerts } from '../../db/audit.js';
import type { Principal } from '../../domain/authorization.js';
import { DomainError } from '../../domain/errors.js';
import type { ServiceContext } from '../context.js';
import type { AuditAlertView } from './audit-contracts.js';

/** Breaks the nightly verification found, newest first, for the administrators' page. */
export async function listAuditAlertsFor(ctx: ServiceContext, principal: Principal): Promise<AuditAlertView[]> {
  if (!principal.isAdmin) throw new DomainError('forbidden', 'Only administrators read audit alerts');
  const rows = await listAuditAlerts(ctx.db, 100);
  return rows.map((a) => ({
    raisedAt: new Date(a.raised_at).toISOString(),
    runId: a.run_id,
    chain: a.chain,
    seq: a.seq,
    issue: a.issue,
  }));
}
