import { durationMs } from '../../domain/duration.js';
import { canCancel } from '../../rules/stages.js';
import { minJointBuyers } from '../../rules/statement.js';
import {
  answerInvitationUpdate,
  cancelStatementUpdate,
  createStatementUpdate,
  defineSurveyUpdate,
  editStatementUpdate,
  inviteBuyersUpdate,
  openNeedsAssessmentUpdate,
} from './messages.js';
import { reject, type StatementProcess } from './process.js';

// The same rule as criticalMass.minBuyers at creation (domain/statement.ts): the lead and at least
// one other buyer (Directive 2014/24/EU Art. 38(1)); the constant is 2 as the literal was.
const noBuyerJoined = {
  message: 'At least one invited buyer must have joined before the needs assessment opens',
  problem: {
    field: 'participants',
    rule: 'must include at least one buyer that accepted the invitation: a joint procurement is carried out by two or more contracting authorities (Directive 2014/24/EU Art. 38(1))',
  },
};

/** Setting a statement up: details, survey, invitations, opening; and cancelling at any stage. */
export function registerDraftHandlers(p: StatementProcess): void {
  const s = p.state;

  p.onUpdate(
    createStatementUpdate,
    (request) =>
      p.lock.runExclusive(async () => {
        if (s.created) reject('conflict', 'The statement already exists');
        await p.record(request.actor, {
          kind: 'statement_created',
          leadOrgId: s.leadOrgId,
          details: request.details,
          detailsHash: request.detailsHash,
        });
        s.created = true;
        s.detailsVersion = 1;
        s.detailsHash = request.detailsHash;
        s.schedule = request.details.schedule;
        s.surveyVersion = 1;
        s.participants[s.leadOrgId] = {
          status: 'joined',
          version: null,
          versionId: null,
          contentHash: null,
          droppedFrom: null,
        };
        return p.ack();
      }),
    {
      validator: (request) => {
        if (s.created) reject('conflict', 'The statement already exists');
        if (request.actor.orgId !== s.leadOrgId) reject('forbidden', 'The creator must belong to the lead buyer');
      },
    },
  );

  p.onUpdate(
    editStatementUpdate,
    (request) =>
      p.lock.runExclusive(async () => {
        p.requireOpen('editStatement');
        const version = s.detailsVersion + 1;
        await p.record(request.actor, {
          kind: 'statement_edited',
          details: request.details,
          detailsHash: request.detailsHash,
          version,
        });
        s.detailsVersion = version;
        s.detailsHash = request.detailsHash;
        s.schedule = request.details.schedule;
        return p.ack();
      }),
    {
      validator: (request) => {
        p.requireOpen('editStatement');
        p.requireLead(request.actor);
        if (request.expectedVersion !== undefined && request.expectedVersion !== s.detailsVersion) {
          reject(
            'conflict',
            `The statement was changed meanwhile: it is at version ${s.detailsVersion}, not ${request.expectedVersion}`,
            [{ field: 'expectedVersion', rule: `must equal the current version ${s.detailsVersion}` }],
          );
        }
      },
    },
  );

  p.onUpdate(
    defineSurveyUpdate,
    (request) =>
      p.lock.runExclusive(async () => {
        p.requireOpen('defineSurvey');
        // In draft the survey is still being written; once buyers answer it, a change is a new version.
        const replacesDraft = s.stage === 'draft';
        const version = replacesDraft ? s.surveyVersion : s.surveyVersion + 1;
        await p.record(request.actor, {
          kind: 'survey_defined',
          version,
          questions: request.questions,
          surveyHash: request.surveyHash,
          replacesDraft,
        });
        s.surveyVersion = version;
        s.surveyHash = request.surveyHash;
        return { version };
      }),
    {
      validator: (request) => {
        p.requireOpen('defineSurvey');
        p.requireLead(request.actor);
        if (request.surveyHash === s.surveyHash) reject('conflict', 'The survey is unchanged');
        if (s.stage !== 'draft') p.requireBeforeDeadline();
      },
    },
  );

  p.onUpdate(
    inviteBuyersUpdate,
    (request) =>
      p.lock.runExclusive(async () => {
        p.requireOpen('inviteBuyers');
        if (p.participantsInDatabase()) {
          // PostgreSQL knows who was invited before: the activity invites only the others.
          const { invited = [] } = await p.record(request.actor, { kind: 'buyers_invited', orgIds: request.orgIds });
          return { invited, alreadyInvited: request.orgIds.filter((id) => !invited.includes(id)), state: p.ack() };
        }
        const invited = request.orgIds.filter((id) => s.participants[id] === undefined);
        const alreadyInvited = request.orgIds.filter((id) => s.participants[id] !== undefined);
        if (invited.length > 0) {
          await p.record(request.actor, { kind: 'buyers_invited', orgIds: invited });
          for (const id of invited)
            s.participants[id] = {
              status: 'invited',
              version: null,
              versionId: null,
              contentHash: null,
              droppedFrom: null,
            };
        }
        return { invited, alreadyInvited, state: p.ack() };
      }),
    {
      validator: (request) => {
        p.requireOpen('inviteBuyers');
        p.requireLead(request.actor);
        const lead = request.orgIds.indexOf(s.leadOrgId);
        if (lead >= 0) {
          reject('unprocessable', 'The lead buyer takes part already', [
            { field: `organisationIds[${lead}]`, rule: 'must not be the lead buyer' },
          ]);
        }
      },
    },
  );

  p.onUpdate(
    answerInvitationUpdate,
    (request) =>
      p.lock.runShared(request.actor.orgId, async () => {
        p.requireAllowed('answerInvitation', request.actor);
        await p.record(request.actor, {
          kind: 'invitation_answered',
          orgId: request.actor.orgId,
          accepted: request.accept,
          reason: request.reason ?? null,
        });
        s.participants[request.actor.orgId]!.status = request.accept ? 'joined' : 'declined';
        return p.ack();
      }),
    {
      validator: (request) => {
        p.requireAllowed('answerInvitation', request.actor);
      },
    },
  );

  p.onUpdate(
    openNeedsAssessmentUpdate,
    (request) =>
      p.lock.runExclusive(async () => {
        p.requireOpen('openNeedsAssessment');
        if (p.participantsInDatabase()) {
          const counts = await p.refreshParticipation(true);
          // The lead counts among the joined; at least one other buyer must have accepted.
          if ((counts.joined ?? 0) < minJointBuyers)
            reject('unprocessable', noBuyerJoined.message, [noBuyerJoined.problem]);
        }
        const deadline = request.deadline
          ? Date.parse(request.deadline)
          : Date.now() + durationMs(s.schedule!.needsAssessment);
        await p.enterStage(request.actor, 'needs_assessment', deadline, null);
        // Counted once the stage change is recorded: a refused one leaves the round as it was.
        s.round += 1;
        return p.ack();
      }),
    {
      validator: (request) => {
        p.requireOpen('openNeedsAssessment');
        p.requireLead(request.actor);
        if (request.deadline !== undefined && !(Date.parse(request.deadline) > Date.now())) {
          reject('unprocessable', 'The deadline must be in the future', [
            { field: 'deadline', rule: 'must be in the future' },
          ]);
        }
        // Runs that carried the participants check here; later ones in the handler, from PostgreSQL.
        if (
          Object.keys(s.participants).length > 1 &&
          p.orgsWithStatus('joined').filter((id) => id !== s.leadOrgId).length === 0
        ) {
          reject('unprocessable', noBuyerJoined.message, [noBuyerJoined.problem]);
        }
      },
    },
  );

  p.onUpdate(
    cancelStatementUpdate,
    (request) =>
      p.lock.runExclusive(async () => {
        p.requireCreated();
        if (!canCancel(s.stage)) reject('wrong_stage', `A statement in ${s.stage} cannot be cancelled`);
        await p.enterStage(request.actor, 'cancelled', null, request.reason);
        s.cancelReason = request.reason;
        return p.ack();
      }),
    {
      validator: (request) => {
        p.requireCreated();
        if (!canCancel(s.stage)) reject('wrong_stage', `A statement in ${s.stage} cannot be cancelled`);
        if (request.actor.orgId !== s.leadOrgId && !request.actor.asAdministrator) {
          reject('forbidden', 'Only the lead buyer or an administrator may cancel');
        }
      },
    },
  );
}
