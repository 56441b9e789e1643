import { recordSecurityEvent } from '../../db/audit.js';
import { statementFactsFor } from '../../db/statements.js';
import { canReadNeedsOf, type Principal, type StatementFacts } from '../../domain/authorization.js';
import { DomainError } from '../../domain/errors.js';
import type { RequestMeta, ServiceContext } from '../context.js';

/** Confidentiality of needs: the buyer itself and the lead buyer; everyone else is refused and logged. */
export async function authorizeNeedsRead(
  ctx: ServiceContext,
  principal: Principal,
  statementId: string,
  orgId: string,
  meta: RequestMeta,
): Promise<StatementFacts> {
  const facts = await statementFactsFor(ctx.db, statementId, principal.orgId);
  const decision = facts
    ? canReadNeedsOf(principal, facts, orgId)
    : ({ allowed: false, code: 'not_found', reason: 'statement not found' } as const);
  if (!decision.allowed) {
    await recordSecurityEvent(ctx.db, {
      kind: 'access_denied',
      userId: principal.userId,
      ip: meta.ip,
      method: meta.method,
      path: meta.path,
      detail: { statementId, needsOf: orgId, reason: decision.reason },
    });
    throw new DomainError(decision.code, decision.code === 'not_found' ? 'Statement not found' : decision.reason);
  }
  return facts!;
}
