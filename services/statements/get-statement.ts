import { findOrganisation } from '../../db/organisations.js';
import { findStatement, listParticipants } from '../../db/statements.js';
import type { Principal } from '../../domain/authorization.js';
import { DomainError } from '../../domain/errors.js';
import type { Stage } from '../../domain/stages.js';
import type { CriticalMassRules, Schedule } from '../../domain/statement.js';
import type { RequestMeta, ServiceContext } from '../context.js';
import { iso, type StatementView } from '../views.js';
import { authorizeStatement } from './authorize-statement.js';

/** The statement as the read model holds it; participants appear with statuses, never content. */
export async function loadStatementView(ctx: ServiceContext, statementId: string): Promise<StatementView> {
  const s = await findStatement(ctx.db, statementId);
  if (!s) throw new DomainError('not_found', 'Statement not found');
  const [lead, participants] = await Promise.all([findOrganisation(ctx.db, s.lead_org_id), listParticipants(ctx.db, statementId)]);
  return {
    id: s.id,
    title: s.title,
    description: s.description,
    cpvCodes: s.cpv_codes,
    schedule: s.schedule as Schedule,
    criticalMass: s.critical_mass as CriticalMassRules,
    stage: s.stage as Stage,
    stageEnteredAt: iso(s.stage_entered_at)!,
    stageDeadline: iso(s.stage_deadline),
    detailsVersion: s.details_version,
    detailsHash: s.details_hash,
    lead: { id: lead!.id, name: lead!.name, country: lead!.country },
    participants: participants.map((p) => ({
      organisationId: p.organisation_id,
      name: p.name,
      country: p.country,
      buyerLegalType: p.buyer_legal_type,
      status: p.status as StatementView['participants'][number]['status'],
      statusReason: p.status_reason,
      invitedAt: iso(p.invited_at)!,
      respondedAt: iso(p.responded_at),
    })),
    cancelReason: s.cancel_reason,
    createdAt: iso(s.created_at)!,
    updatedAt: iso(s.updated_at)!,
  };
}

export async function getStatement(ctx: ServiceContext, principal: Principal, statementId: string, meta: RequestMeta): Promise<StatementView> {
  await authorizeStatement(ctx, principal, statementId, 'view', meta);
  return loadStatementView(ctx, statementId);
}
