import { recordSecurityEvent } from '../../db/audit.js';
import { statementFactsFor } from '../../db/statements.js';
import { decide, type Principal, type StatementAction, type StatementFacts } from '../../domain/authorization.js';
import { DomainError } from '../../domain/errors.js';
import type { Actor } from '../../domain/events.js';
import type { RequestMeta, ServiceContext } from '../context.js';

/** Loads what authorisation needs, asks the rules, and logs every refusal. */
export async function authorizeStatement(
  ctx: ServiceContext,
  principal: Principal,
  statementId: string,
  action: StatementAction,
  meta: RequestMeta = {},
): Promise<StatementFacts> {
  const facts = await statementFactsFor(ctx.db, statementId, principal.orgId);
  const decision = facts
    ? decide(principal, action, facts)
    : ({ allowed: false, code: 'not_found', reason: 'statement not found' } as const);
  if (!decision.allowed) {
    await recordSecurityEvent(ctx.db, {
      kind: 'access_denied',
      userId: principal.userId,
      ip: meta.ip,
      method: meta.method,
      path: meta.path,
      detail: { statementId, action, reason: decision.reason },
    });
    throw new DomainError(decision.code, decision.code === 'not_found' ? 'Statement not found' : decision.reason);
  }
  return facts!;
}

/**
 * The actor a workflow is told about: who, for which organisation, with which roles (binding
 * acts need `signatory`) and whether as an administrator. The workflow believes none of it
 * unless the request carries the API's seal (`services/statements/seal.ts`).
 */
export function actorOf(principal: Principal, facts?: StatementFacts): Actor {
  const actingAsLead = facts !== undefined && principal.orgId === facts.leadOrgId;
  return {
    userId: principal.userId,
    orgId: principal.orgId,
    ...(principal.isAdmin && !actingAsLead ? { asAdministrator: true } : {}),
    ...(principal.roles.length > 0 ? { roles: [...principal.roles].sort() } : {}),
  };
}
