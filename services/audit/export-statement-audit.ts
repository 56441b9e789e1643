import { auditDataFor, type Principal } from '../../domain/authorization.js';
import type { RequestMeta, ServiceContext } from '../context.js';
import { authorizeStatement } from '../statements/authorize-statement.js';
import { exportAuditChain, type ExportedAudit } from './audit-export.js';

/** The statement's whole audit trail as a file with its verified head; the viewer's confidentiality rules apply as in the list. */
export async function exportStatementAudit(
  ctx: ServiceContext,
  principal: Principal,
  statementId: string,
  format: 'jsonl' | 'csv',
  meta: RequestMeta,
): Promise<ExportedAudit> {
  const facts = await authorizeStatement(ctx, principal, statementId, 'viewAudit', meta);
  return exportAuditChain(
    ctx.db,
    statementId,
    format,
    (e) => auditDataFor(principal, facts, e.action, e.data as Record<string, unknown>),
    {
      exportedAt: new Date(),
      exportedBy: principal.userId,
    },
  );
}
