import { findOrganisation } from '../../db/organisations.js';
import { findStatement, listParticipants } from '../../db/statements.js';
import { allowedActionsFor } from '../../domain/allowed-actions.js';
import type { Principal } from '../../domain/authorization.js';
import { DomainError } from '../../domain/errors.js';
import { earliestDateToday, scheduleDateFindings } from '../../domain/schedule-dates.js';
import type { CriticalMassRules, Schedule } from '../../domain/statement.js';
import type { Stage } from '../../rules/stages.js';
import type { RequestMeta, ServiceContext } from '../context.js';
import { iso } from '../iso.js';
import { authorizeStatement } from './authorize-statement.js';
import { type Roster, rosterFor } from './roster.js';
import type { StatementView } from './statement-contracts.js';

type ParticipantRow = Awaited<ReturnType<typeof listParticipants>>[number];

async function buildStatementView(
  ctx: ServiceContext,
  statementId: string,
  viewer: Principal,
  roster: Roster,
): Promise<StatementView> {
  const s = await findStatement(ctx.db, statementId);
  if (!s) throw new DomainError('not_found', 'Statement not found');
  const [lead, participants] = await Promise.all([
    findOrganisation(ctx.db, s.lead_org_id),
    listParticipants(ctx.db, statementId),
  ]);
  const shown = (p: ParticipantRow) => roster.shows(p.organisation_id);
  const now = Date.now();
  // The roster's facts were read just before the row: the actions follow the same stage and status.
  const allowedActions = allowedActionsFor(viewer, roster.facts, now);
  const schedule = s.schedule as Schedule;
  return {
    id: s.id,
    title: s.title,
    description: s.description,
    cpvCodes: s.cpv_codes,
    schedule,
    criticalMass: s.critical_mass as CriticalMassRules,
    stage: s.stage as Stage,
    stageEnteredAt: iso(s.stage_entered_at)!,
    stageDeadline: iso(s.stage_deadline),
    detailsVersion: s.details_version,
    detailsHash: s.details_hash,
    lead: { id: lead!.id, name: lead!.name, country: lead!.country },
    participants: participants.filter(shown).map((p) => ({
      organisationId: p.organisation_id,
      name: p.name,
      country: p.country,
      buyerLegalType: p.buyer_legal_type,
      status: p.status as StatementView['participants'][number]['status'],
      statusReason: roster.reasonOf(p.organisation_id) ? p.status_reason : null,
      invitedAt: iso(p.invited_at)!,
      respondedAt: iso(p.responded_at),
    })),
    cancelReason: s.cancel_reason,
    // Told to whoever can still change the dates; to anyone else they are history.
    scheduleWarnings: allowedActions.includes('edit')
      ? scheduleDateFindings(schedule, earliestDateToday(now)).warnings
      : [],
    allowedActions,
    createdAt: iso(s.created_at)!,
    updatedAt: iso(s.updated_at)!,
  };
}

/**
 * The statement as `viewer` may read it (after whatever it just did): participants appear with
 * statuses, never content, and only those the roster rules show it; a reason is the lead's and
 * the buyer's own; `allowedActions` lists what the viewer may do now (domain/allowed-actions.ts).
 */
export async function statementViewFor(
  ctx: ServiceContext,
  statementId: string,
  viewer: Principal,
): Promise<StatementView> {
  return buildStatementView(ctx, statementId, viewer, await rosterFor(ctx, statementId, viewer));
}

export async function getStatement(
  ctx: ServiceContext,
  principal: Principal,
  statementId: string,
  meta: RequestMeta,
): Promise<StatementView> {
  await authorizeStatement(ctx, principal, statementId, 'view', meta);
  return statementViewFor(ctx, statementId, principal);
}
