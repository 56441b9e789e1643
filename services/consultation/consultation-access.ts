import { recordSecurityEvent } from '../../db/audit.js';
import { findStatement } from '../../db/statements.js';
import type { Principal } from '../../domain/authorization.js';
import { DomainError } from '../../domain/errors.js';
import { consultationPublicIn } from '../../rules/consultation.js';
import type { Stage } from '../../rules/stages.js';
import type { RequestMeta, ServiceContext } from '../context.js';

/** Stages in which a statement's consultation is public (`@jointdemand/rules/consultation`). */
export const consultationVisibleIn: readonly Stage[] = consultationPublicIn;

/** The statement of a public consultation, or 404: before market engagement its demand is not public. */
export async function visibleConsultation(ctx: ServiceContext, statementId: string) {
  const statement = await findStatement(ctx.db, statementId);
  if (!statement || !consultationVisibleIn.includes(statement.stage as Stage))
    throw new DomainError('not_found', 'Consultation not found');
  return statement;
}

export function isOpen(statement: { stage: string; stage_deadline: Date | null }): boolean {
  return (
    statement.stage === 'market_engagement' &&
    statement.stage_deadline !== null &&
    statement.stage_deadline.getTime() > Date.now()
  );
}

/** Supplier users only; anyone else is refused (and logged). */
export async function requireSupplier(
  ctx: ServiceContext,
  principal: Principal,
  statementId: string,
  meta: RequestMeta,
): Promise<void> {
  if (principal.orgKind === 'supplier') return;
  await recordSecurityEvent(ctx.db, {
    kind: 'access_denied',
    userId: principal.userId,
    ip: meta.ip,
    method: meta.method,
    path: meta.path,
    detail: { statementId, reason: 'not a supplier' },
  });
  throw new DomainError('forbidden', 'Only supplier organisations answer a market consultation');
}

export function closedError(statement: { stage: string; stage_deadline: Date | null }): DomainError {
  return statement.stage === 'market_engagement'
    ? new DomainError('deadline_passed', `The consultation closed at ${statement.stage_deadline?.toISOString()}`)
    : new DomainError('wrong_stage', 'The consultation is closed');
}
