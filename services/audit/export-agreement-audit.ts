import { agreementChain } from '../../domain/agreement-events.js';
import { auditDataFor, type Principal } from '../../domain/authorization.js';
import { authorizeAgreement } from '../agreement/authorize-agreement.js';
import type { RequestMeta, ServiceContext } from '../context.js';
import { exportAuditChain, type ExportedAudit } from './audit-export.js';

/** The agreement's whole audit trail as a file, for its parties and oversight, with the same confidentiality rules as its list. */
export async function exportAgreementAudit(
  ctx: ServiceContext,
  principal: Principal,
  statementId: string,
  format: 'jsonl' | 'csv',
  meta: RequestMeta,
): Promise<ExportedAudit> {
  const facts = await authorizeAgreement(ctx, principal, statementId, 'viewAudit', meta);
  return exportAuditChain(
    ctx.db,
    agreementChain(statementId),
    format,
    (e) => auditDataFor(principal, facts.statement, e.action, e.data as Record<string, unknown>),
    {
      exportedAt: new Date(),
      exportedBy: principal.userId,
    },
  );
}
