import { agreementPartyStatusOf, findAgreement } from '../../db/agreements.js';
import { recordSecurityEvent } from '../../db/audit.js';
import { statementFactsFor } from '../../db/statements.js';
import { type AgreementAction, type AgreementFacts, decideAgreement } from '../../domain/agreement-authorization.js';
import type { Principal } from '../../domain/authorization.js';
import { DomainError } from '../../domain/errors.js';
import type { RequestMeta, ServiceContext } from '../context.js';

/** What agreement authorisation needs to know about the principal's organisation; undefined without the statement. */
export async function agreementFactsFor(
  ctx: ServiceContext,
  statementId: string,
  principal: Principal,
): Promise<AgreementFacts | undefined> {
  const statement = await statementFactsFor(ctx.db, statementId, principal.orgId);
  if (!statement) return undefined;
  const [agreement, partyStatus] = await Promise.all([
    findAgreement(ctx.db, statementId),
    agreementPartyStatusOf(ctx.db, statementId, principal.orgId),
  ]);
  return { statement, exists: agreement !== undefined, partyStatus };
}

/** Loads what agreement authorisation needs, asks the rules, and logs every refusal. */
export async function authorizeAgreement(
  ctx: ServiceContext,
  principal: Principal,
  statementId: string,
  action: AgreementAction,
  meta: RequestMeta = {},
): Promise<AgreementFacts> {
  const facts = await agreementFactsFor(ctx, statementId, principal);
  const decision = facts
    ? decideAgreement(principal, action, facts)
    : ({ allowed: false, code: 'not_found', reason: 'statement not found' } as const);
  if (!decision.allowed) {
    await recordSecurityEvent(ctx.db, {
      kind: 'access_denied',
      userId: principal.userId,
      ip: meta.ip,
      method: meta.method,
      path: meta.path,
      detail: { statementId, agreementAction: action, reason: decision.reason },
    });
    const message =
      decision.code === 'not_found'
        ? facts?.exists === false && action !== 'start'
          ? 'No agreement for this statement'
          : 'Not found'
        : decision.reason;
    throw new DomainError(decision.code, message);
  }
  return facts!;
}

/**
 * Changes are possible only while the agreement is negotiated. Once it is in force or cancelled
 * its workflow has ended, so this is answered from the read model (409) before Temporal is asked.
 */
export async function requireNegotiation(ctx: ServiceContext, statementId: string): Promise<void> {
  const agreement = await findAgreement(ctx.db, statementId);
  if (agreement && agreement.status !== 'negotiation') {
    throw new DomainError(
      'wrong_stage',
      `The agreement is ${agreement.status.replace('_', ' ')}; it can no longer change`,
    );
  }
}
