import { agreementPartyStatusOf, findAgreement } from '../../db/agreements.js';
import { hasAuditEventKeyPrefix, recordSecurityEvent } from '../../db/audit.js';
import { statementFactsFor } from '../../db/statements.js';
import { type AgreementAction, type AgreementFacts, decideAgreement } from '../../domain/agreement-authorization.js';
import { agreementChain } from '../../domain/agreement-events.js';
import type { Principal } from '../../domain/authorization.js';
import { DomainError } from '../../domain/errors.js';
import { agreementWorkflowId } from '../../workflows/agreement/messages.js';
import type { RequestMeta, ServiceContext } from '../context.js';
import { updateIdOf } from '../statements/idempotency.js';

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
 * Except for a request repeated with its Idempotency-Key whose first attempt was recorded and
 * ended the negotiation (the last signature, the cancellation) but whose answer was lost (a 503
 * while a worker restarted, a dropped connection): the audit chain holds that update's events, and
 * the caller gets `'recorded'`, to answer as the first attempt would have. Seen in `npm run chaos`:
 * a signature retried after a worker was killed answered 409 "in force" though it had counted.
 */
export async function requireNegotiation(
  ctx: ServiceContext,
  statementId: string,
  repeat: { principal: Principal; operation: string; idempotencyKey: string | undefined },
): Promise<'negotiation' | 'recorded'> {
  const agreement = await findAgreement(ctx.db, statementId);
  if (!agreement || agreement.status === 'negotiation') return 'negotiation';
  if (repeat.idempotencyKey) {
    const updateId = updateIdOf(
      {
        organisationId: repeat.principal.orgId,
        workflowId: agreementWorkflowId(statementId),
        operation: repeat.operation,
      },
      repeat.idempotencyKey,
    );
    if (await hasAuditEventKeyPrefix(ctx.db, agreementChain(statementId), `update:${updateId}:`)) return 'recorded';
  }
  throw new DomainError(
    'wrong_stage',
    `The agreement is ${agreement.status.replace('_', ' ')}; it can no longer change`,
  );
}
