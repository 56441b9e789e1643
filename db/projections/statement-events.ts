import type { LpSolver } from '../../domain/disclosure/linear-program.js';
import { DomainError, type FieldProblem } from '../../domain/errors.js';
import type { StatementEvent } from '../../domain/events.js';
import { droppedReason } from '../../domain/leaving.js';
import { awaitingInStage } from '../../rules/stages.js';
import type { Tx } from '../database.js';
import {
  confirmNeedVersion,
  findNeedsDraft,
  insertNeedVersion,
  setNeedVersionStatus,
  upsertSurvey,
  withdrawOpenVersions,
} from '../needs.js';
import { dropParticipants, inviteNewParticipants, restoreDroppedParticipants } from '../participation.js';
import { renderConsultationList, renderStatementDocuments } from '../public-document-renderer.js';
import {
  insertInvitedParticipants,
  insertStatement,
  setParticipantStatus,
  setStageDeadline,
  setStatementStage,
  updateStatementDetails,
} from '../statements.js';
import { validateNeeds } from '../validate-needs.js';

export interface StatementProjectionDeps {
  publicUrl: string;
  /**
   * Disclosure control of published figures: a worker has it; the API, which records only buyers'
   * own actions (none of which publish figures), does not load it.
   */
  solver?: LpSolver;
}

export function solverOf(deps: StatementProjectionDeps): LpSolver {
  if (!deps.solver)
    throw new Error(
      'This event publishes figures and must be recorded where the disclosure solver is loaded (the worker)',
    );
  return deps.solver;
}

/** A rule broken when the event is written: a 4xx for the API, a final failure for a workflow (`classifyActivityError`). */
const refused = (code: 'unprocessable' | 'conflict', message: string, problems: FieldProblem[] = []) =>
  new DomainError(code, message, problems);

/**
 * What each statement event writes to the read model, inside the caller's transaction; returns the
 * event's audit data, or null when it changed nothing and is not recorded. Who is told, and how, is
 * `mail/notices/statement-notices.ts`.
 */
export async function projectStatementEvent(
  trx: Tx,
  deps: StatementProjectionDeps,
  event: StatementEvent,
): Promise<Record<string, unknown> | null> {
  const at = new Date(event.at);
  const { statementId } = event;
  switch (event.kind) {
    case 'statement_created': {
      await insertStatement(trx, {
        id: statementId,
        leadOrgId: event.leadOrgId,
        createdBy: event.actor!.userId,
        details: event.details,
        detailsHash: event.detailsHash,
        at,
      });
      await upsertSurvey(trx, {
        statementId,
        version: 1,
        questions: [],
        surveyHash: '',
        createdBy: event.actor!.userId,
      });
      // The lead buyer is a buyer too: it takes part with needs of its own from the start.
      await insertInvitedParticipants(trx, { statementId, orgIds: [event.leadOrgId], invitedBy: null, at });
      await setParticipantStatus(trx, {
        statementId,
        orgIds: [event.leadOrgId],
        status: 'joined',
        reason: null,
        at,
        responded: true,
      });
      return { title: event.details.title, cpvCodes: event.details.cpvCodes, detailsHash: event.detailsHash };
    }
    case 'statement_edited':
      await updateStatementDetails(trx, {
        id: statementId,
        details: event.details,
        detailsHash: event.detailsHash,
        version: event.version,
      });
      return { version: event.version, title: event.details.title, detailsHash: event.detailsHash };
    case 'survey_defined':
      await upsertSurvey(trx, {
        statementId,
        version: event.version,
        questions: event.questions,
        surveyHash: event.surveyHash,
        createdBy: event.actor?.userId ?? null,
      });
      return { version: event.version, questions: event.questions.length, surveyHash: event.surveyHash };
    case 'buyers_invited': {
      // Only those not invited before: an invitation repeated by the lead changes nothing.
      const invited = await inviteNewParticipants(trx, {
        statementId,
        orgIds: event.orgIds,
        invitedBy: event.actor?.userId ?? null,
        at,
      });
      return invited.length > 0 ? { organisationIds: invited } : null;
    }
    case 'invitation_answered':
      await setParticipantStatus(trx, {
        statementId,
        orgIds: [event.orgId],
        status: event.accepted ? 'joined' : 'declined',
        reason: event.reason,
        at,
        responded: true,
      });
      return { organisationId: event.orgId, accepted: event.accepted, reason: event.reason };
    case 'needs_submitted': {
      const draft = await findNeedsDraft(trx, statementId, event.orgId);
      const checked = draft
        ? await validateNeeds(trx, statementId, { lines: draft.lines, answers: draft.answers })
        : undefined;
      if (!checked || 'problems' in checked)
        throw refused(
          'unprocessable',
          'The draft no longer passes the checks',
          checked && 'problems' in checked ? checked.problems : [],
        );
      if (checked.valid.contentHash !== event.contentHash)
        throw refused('conflict', 'The draft changed after it was checked; submit again');
      await insertNeedVersion(trx, {
        id: event.versionId,
        statementId,
        orgId: event.orgId,
        version: event.version,
        surveyVersion: checked.valid.surveyVersion,
        lines: checked.valid.lines,
        answers: checked.valid.answers,
        contentHash: event.contentHash,
        submittedBy: event.actor!.userId,
        at,
      });
      if (event.supersedes) await setNeedVersionStatus(trx, { id: event.supersedes, status: 'superseded', at });
      await setParticipantStatus(trx, { statementId, orgIds: [event.orgId], status: 'submitted', reason: null, at });
      return {
        organisationId: event.orgId,
        versionId: event.versionId,
        version: event.version,
        contentHash: event.contentHash,
        lines: checked.valid.lines.length,
        supersedes: event.supersedes,
      };
    }
    case 'needs_withdrawn':
      await setParticipantStatus(trx, {
        statementId,
        orgIds: [event.orgId],
        status: 'withdrawn',
        reason: event.reason,
        at,
      });
      await withdrawOpenVersions(trx, statementId, event.orgId);
      return { organisationId: event.orgId, reason: event.reason };
    case 'needs_confirmed': {
      const contentHash = await confirmNeedVersion(trx, {
        statementId,
        orgId: event.orgId,
        versionId: event.versionId,
        userId: event.actor?.userId ?? null,
        at,
      });
      if (contentHash === undefined)
        throw refused('conflict', 'Only a submitted version of your own needs can be confirmed');
      return { organisationId: event.orgId, versionId: event.versionId, contentHash };
    }
    case 'deadline_extended':
      await setStageDeadline(trx, statementId, new Date(event.deadline));
      if (event.stage === 'market_engagement') await renderConsultationList(trx);
      return { stage: event.stage, deadline: event.deadline, previous: event.previous };
    case 'reminder_sent':
      // The organisations reminded are the notice's recipients, added to the audit data there.
      return { stage: event.stage, deadline: event.deadline, offset: event.offset };
    case 'participants_dropped': {
      const reason = droppedReason(
        event.stage === 'confirmation' ? 'confirmation' : 'needs_assessment',
        event.closedEarly === true,
      );
      let dropped = event.dropped;
      if (dropped)
        await setParticipantStatus(trx, {
          statementId,
          orgIds: dropped.map((d) => d.orgId),
          status: 'dropped',
          reason,
          at,
        });
      else
        dropped = await dropParticipants(trx, {
          statementId,
          statuses: awaitingInStage[event.stage] ?? [],
          reason,
          at,
        });
      return { stage: event.stage, dropped };
    }
    case 'participants_restored': {
      let restored = event.restored;
      if (restored)
        for (const r of restored)
          await setParticipantStatus(trx, { statementId, orgIds: [r.orgId], status: r.to, reason: null, at });
      else restored = await restoreDroppedParticipants(trx, { statementId, at });
      return { restored };
    }
    case 'aggregation_blocked':
      return { message: event.message, problems: event.problems };
    case 'process_failed':
      // Nothing to write but the audit row: the dashboard's row reads it (pilot_failure_refresh).
      return { step: event.step, type: event.type, actions: event.actions };
    case 'shortfall_decided':
      return { decision: event.decision, reason: event.reason, deadline: event.deadline, snapshotId: event.snapshotId };
    case 'stage_changed': {
      const deadline = event.deadline ? new Date(event.deadline) : null;
      await setStatementStage(trx, {
        id: statementId,
        stage: event.to,
        at,
        deadline,
        ...(event.to === 'cancelled' ? { cancelReason: event.reason } : {}),
      });
      // The public documents follow the stage: the published page appears, a consultation opens or closes.
      if (event.to === 'published')
        await renderStatementDocuments(trx, { publicUrl: deps.publicUrl, solver: solverOf(deps) }, statementId);
      if (event.to === 'market_engagement' || event.from === 'market_engagement') await renderConsultationList(trx);
      return { from: event.from, to: event.to, deadline: event.deadline, reason: event.reason };
    }
  }
}
