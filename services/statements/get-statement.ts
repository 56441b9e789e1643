import { findSurvey } from '../../db/needs.js';
import { findOrganisation } from '../../db/organisations.js';
import { findStatement, listParticipants } from '../../db/statements.js';
import { allowedActionsFor } from '../../domain/allowed-actions.js';
import type { Principal } from '../../domain/authorization.js';
import { DomainError } from '../../domain/errors.js';
import { nextStepFor, readinessFor, readinessStepIn } from '../../domain/guidance.js';
import { leavingOf } from '../../domain/leaving.js';
import { earliestDateToday, scheduleDateFindings } from '../../domain/schedule-dates.js';
import type { CriticalMassRules, Schedule } from '../../domain/statement.js';
import type { ParticipantStatus, Stage } from '../../rules/stages.js';
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
  const [leadOrg, participants] = await Promise.all([
    findOrganisation(ctx.db, s.lead_org_id),
    listParticipants(ctx.db, statementId),
  ]);
  const shown = (p: ParticipantRow) => roster.shows(p.organisation_id);
  const now = Date.now();
  // The roster's facts were read just before the row: the actions follow the same stage and status.
  const allowedActions = allowedActionsFor(viewer, roster.facts, now);
  const schedule = s.schedule as Schedule;
  const scheduleWarnings = allowedActions.includes('edit')
    ? scheduleDateFindings(schedule, earliestDateToday(now)).warnings
    : [];
  const stage = s.stage as Stage;
  const criticalMass = s.critical_mass as CriticalMassRules;
  const lead = viewer.orgKind === 'buyer' && viewer.orgId === s.lead_org_id;
  // The lead's checklist: it reads every participant anyway; nobody else gets the counts.
  const readiness =
    lead && readinessStepIn(stage)
      ? readinessFor({
          stage,
          criticalMass,
          participants: participants.map((p) => ({
            status: p.status as ParticipantStatus,
            country: p.country,
            isLead: p.organisation_id === s.lead_org_id,
          })),
          surveyQuestions:
            stage === 'draft' ? (((await findSurvey(ctx.db, statementId))?.questions as unknown[]) ?? []).length : 0,
          scheduleWarnings: scheduleWarnings.length,
        })
      : null;
  return {
    id: s.id,
    title: s.title,
    description: s.description,
    cpvCodes: s.cpv_codes,
    schedule,
    criticalMass,
    stage,
    stageEnteredAt: iso(s.stage_entered_at)!,
    stageDeadline: iso(s.stage_deadline),
    detailsVersion: s.details_version,
    detailsHash: s.details_hash,
    lead: { id: leadOrg!.id, name: leadOrg!.name, country: leadOrg!.country },
    participants: participants.filter(shown).map((p) => ({
      organisationId: p.organisation_id,
      name: p.name,
      country: p.country,
      buyerLegalType: p.buyer_legal_type,
      status: p.status as StatementView['participants'][number]['status'],
      statusReason: roster.reasonOf(p.organisation_id) ? p.status_reason : null,
      invitedAt: iso(p.invited_at)!,
      respondedAt: iso(p.responded_at),
      leaving: leavingOf({
        status: p.status as ParticipantStatus,
        droppedFrom: p.dropped_from as ParticipantStatus | null,
        statusReason: p.status_reason,
      }),
    })),
    cancelReason: s.cancel_reason,
    // Told to whoever can still change the dates; to anyone else they are history.
    scheduleWarnings,
    nextStep: nextStepFor(allowedActions, {
      stage,
      isLead: lead,
      invitedOthers: participants.filter((p) => p.organisation_id !== s.lead_org_id).length,
    }),
    readiness,
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
