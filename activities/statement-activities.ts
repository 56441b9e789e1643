import { ApplicationFailure } from '@temporalio/activity';
import type { Db, Tx } from '../db/database.js';
import { forHistory, recordEventOnce, type Applied, type RecordResult } from '../db/record-event.js';
import { renderConsultationList, renderStatementDocuments } from '../db/public-document-renderer.js';
import { findNeedsDraft, findNeedVersion, insertNeedVersion, setNeedVersionStatus, submittedVersionNumbers, upsertSurvey, withdrawOpenVersions } from '../db/needs.js';
import { findOrganisation, findOrganisations, usersOfOrganisations } from '../db/organisations.js';
import type { OutgoingMessage } from '../db/outbox.js';
import {
  findStatement,
  insertInvitedParticipants,
  insertStatement,
  participantOrgIds,
  setParticipantStatus,
  setStageDeadline,
  setStatementStage,
  updateStatementDetails,
} from '../db/statements.js';
import { resolveEventTexts } from '../db/free-texts.js';
import type { StatementEvent, WithTextRefs } from '../domain/events.js';
import type { ParticipantStatus } from '../rules/stages.js';
import { latestSnapshot } from '../db/aggregation.js';
import type { Aggregate } from '../domain/aggregation.js';
import type { CriticalMassVerdict } from '../domain/critical-mass.js';
import { snapshotDisclosure } from '../db/disclosure.js';
import type { LpSolver } from '../domain/disclosure/linear-program.js';
import { discloseAggregate, discloseCriticalMass } from '../domain/disclosure/protected-views.js';
import { formatEur, translatorFor } from '../i18n/index.js';
import { composeForEach, formatDateTime, statementLink, type Recipient } from '../mail/compose.js';
import { validateNeeds } from '../db/validate-needs.js';

export interface StatementActivityDeps {
  db: Db;
  publicUrl: string;
  solver: LpSolver;
}

export type { RecordResult };

/** Everyone still taking part or still able to (invited); not those who declined, withdrew or dropped out. */
const involved: ParticipantStatus[] = ['invited', 'joined', 'submitted', 'confirmed'];

export function createStatementActivities(deps: StatementActivityDeps) {
  const { db, publicUrl } = deps;

  async function recipientsOf(trx: Tx, orgIds: readonly string[]): Promise<(Recipient & { orgId: string })[]> {
    const users = await usersOfOrganisations(trx, orgIds);
    return users.map((u) => ({ id: u.id, email: u.email, name: u.name, locale: u.locale, orgId: u.organisation_id }));
  }

  /** Mail to every user of the given organisations, with their organisation's name at hand. */
  async function mailOrganisations(
    trx: Tx,
    event: StatementEvent,
    orgIds: readonly string[],
    keyPrefix: string,
    template: string,
    params: (r: Recipient & { orgId: string; orgName: string }, t: (k: string, o?: Record<string, string>) => string) => Record<string, string>,
  ): Promise<OutgoingMessage[]> {
    if (orgIds.length === 0) return [];
    const recipients = await recipientsOf(trx, orgIds);
    const names = new Map((await findOrganisations(trx, orgIds)).map((o) => [o.id, o.name]));
    const byId = new Map(recipients.map((r) => [r.id, { ...r, orgName: names.get(r.orgId) ?? '' }]));
    return composeForEach(recipients, keyPrefix, event.statementId, template, (r, t) => params(byId.get(r.id)!, t));
  }

  /** Applies one event: read model, audit data and e-mail, inside the caller's transaction. */
  async function apply(trx: Tx, event: StatementEvent): Promise<Applied> {
    const at = new Date(event.at);
    const link = statementLink(publicUrl, event.statementId);
    const eventPrefix = `${event.kind}:${event.statementId}:${event.eventKey}`;
    const statement = event.kind === 'statement_created' ? undefined : await findStatement(trx, event.statementId);
    const title = statement?.title ?? '';

    switch (event.kind) {
      case 'statement_created': {
        await insertStatement(trx, { id: event.statementId, leadOrgId: event.leadOrgId, createdBy: event.actor!.userId, details: event.details, detailsHash: event.detailsHash, at });
        await upsertSurvey(trx, { statementId: event.statementId, version: 1, questions: [], surveyHash: '', createdBy: event.actor!.userId });
        // The lead buyer is a buyer too: it takes part with needs of its own from the start.
        await insertInvitedParticipants(trx, { statementId: event.statementId, orgIds: [event.leadOrgId], invitedBy: null, at });
        await setParticipantStatus(trx, { statementId: event.statementId, orgIds: [event.leadOrgId], status: 'joined', reason: null, at, responded: true });
        return { audit: { title: event.details.title, cpvCodes: event.details.cpvCodes, detailsHash: event.detailsHash }, mail: [] };
      }
      case 'statement_edited': {
        await updateStatementDetails(trx, { id: event.statementId, details: event.details, detailsHash: event.detailsHash, version: event.version });
        return { audit: { version: event.version, title: event.details.title, detailsHash: event.detailsHash }, mail: [] };
      }
      case 'survey_defined': {
        await upsertSurvey(trx, { statementId: event.statementId, version: event.version, questions: event.questions, surveyHash: event.surveyHash, createdBy: event.actor?.userId ?? null });
        const mail = event.replacesDraft
          ? []
          : await mailOrganisations(trx, event, await participantOrgIds(trx, event.statementId, ['invited', 'joined', 'submitted']), eventPrefix, 'mail.surveyChanged', () => ({ title, version: String(event.version), link }));
        return { audit: { version: event.version, questions: event.questions.length, surveyHash: event.surveyHash }, mail };
      }
      case 'buyers_invited': {
        await insertInvitedParticipants(trx, { statementId: event.statementId, orgIds: event.orgIds, invitedBy: event.actor?.userId ?? null, at });
        const lead = await findOrganisation(trx, statement!.lead_org_id);
        const mail = await mailOrganisations(trx, event, event.orgIds, `invitation:${event.statementId}`, 'mail.invitation', (r) => ({
          title,
          leadName: lead!.name,
          orgName: r.orgName,
          link,
        }));
        return { audit: { organisationIds: event.orgIds }, mail };
      }
      case 'invitation_answered': {
        await setParticipantStatus(trx, { statementId: event.statementId, orgIds: [event.orgId], status: event.accepted ? 'joined' : 'declined', reason: event.reason, at, responded: true });
        const org = await findOrganisation(trx, event.orgId);
        const mail = await mailOrganisations(trx, event, [statement!.lead_org_id], `invitation-answer:${event.statementId}:${event.orgId}`, 'mail.invitationAnswered', (_r, t) => ({
          title,
          orgName: org!.name,
          answer: t(event.accepted ? 'mail.invitationAnswered.accepted' : 'mail.invitationAnswered.declined'),
          reasonLine: event.reason ? t('mail.invitationAnswered.reason', { reason: event.reason }) : '',
          link,
        }));
        return { audit: { organisationId: event.orgId, accepted: event.accepted, reason: event.reason }, mail };
      }
      case 'needs_submitted': {
        const draft = await findNeedsDraft(trx, event.statementId, event.orgId);
        const checked = draft ? await validateNeeds(trx, event.statementId, { lines: draft.lines, answers: draft.answers }) : undefined;
        if (!checked || 'problems' in checked) {
          throw ApplicationFailure.create({ type: 'unprocessable', message: 'The draft no longer passes the checks', details: [checked && 'problems' in checked ? checked.problems : []], nonRetryable: true });
        }
        if (checked.valid.contentHash !== event.contentHash) {
          throw ApplicationFailure.create({ type: 'conflict', message: 'The draft changed after it was checked; submit again', details: [[]], nonRetryable: true });
        }
        await insertNeedVersion(trx, {
          id: event.versionId,
          statementId: event.statementId,
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
        await setParticipantStatus(trx, { statementId: event.statementId, orgIds: [event.orgId], status: 'submitted', reason: null, at });
        const mail = await mailOrganisations(trx, event, [event.orgId], eventPrefix, 'mail.needsSubmitted', (r) => ({
          title,
          orgName: r.orgName,
          version: String(event.version),
          lines: String(checked.valid.lines.length),
          link,
        }));
        return { audit: { organisationId: event.orgId, versionId: event.versionId, version: event.version, contentHash: event.contentHash, lines: checked.valid.lines.length, supersedes: event.supersedes }, mail };
      }
      case 'needs_withdrawn': {
        await setParticipantStatus(trx, { statementId: event.statementId, orgIds: [event.orgId], status: 'withdrawn', reason: event.reason, at });
        await withdrawOpenVersions(trx, event.statementId, event.orgId);
        const org = await findOrganisation(trx, event.orgId);
        const mail = await mailOrganisations(trx, event, [statement!.lead_org_id], eventPrefix, 'mail.needsWithdrawn', () => ({ title, orgName: org!.name, reason: event.reason, link }));
        return { audit: { organisationId: event.orgId, reason: event.reason }, mail };
      }
      case 'needs_confirmed': {
        const version = await findNeedVersion(trx, event.versionId);
        if (!version || version.organisation_id !== event.orgId || version.status !== 'submitted') {
          throw ApplicationFailure.create({ type: 'conflict', message: 'Only a submitted version of your own needs can be confirmed', details: [[]], nonRetryable: true });
        }
        await setNeedVersionStatus(trx, { id: event.versionId, status: 'confirmed', userId: event.actor?.userId ?? null, at });
        await setParticipantStatus(trx, { statementId: event.statementId, orgIds: [event.orgId], status: 'confirmed', reason: null, at });
        return { audit: { organisationId: event.orgId, versionId: event.versionId, contentHash: version.content_hash }, mail: [] };
      }
      case 'deadline_extended': {
        await setStageDeadline(trx, event.statementId, new Date(event.deadline));
        if (event.stage === 'market_engagement') await renderConsultationList(trx);
        const orgIds = await participantOrgIds(trx, event.statementId, involved);
        const mail = await mailOrganisations(trx, event, orgIds, eventPrefix, 'mail.deadlineExtended', (r, t) => ({
          title,
          stage: t(`mail.stageNames.${event.stage}`),
          deadline: formatDateTime(event.deadline, r.locale),
          link,
        }));
        return { audit: { stage: event.stage, deadline: event.deadline, previous: event.previous }, mail };
      }
      case 'reminder_sent': {
        const orgIds = await participantOrgIds(trx, event.statementId, event.statuses);
        // Keyed on the deadline and offset, not the event: whatever happens, one reminder per person.
        const mail = await mailOrganisations(trx, event, orgIds, `reminder:${event.statementId}:${event.stage}:${event.deadline}:${event.offset}`, `mail.reminder.${event.stage}`, (r) => ({
          title,
          deadline: formatDateTime(event.deadline, r.locale),
          link,
        }));
        return { audit: { stage: event.stage, deadline: event.deadline, offset: event.offset, organisationIds: orgIds }, mail };
      }
      case 'participants_dropped': {
        const orgIds = event.dropped.map((d) => d.orgId);
        const reason = event.stage === 'confirmation' ? 'did not confirm before the deadline' : 'did not submit before the deadline';
        await setParticipantStatus(trx, { statementId: event.statementId, orgIds, status: 'dropped', reason, at });
        const mail = await mailOrganisations(trx, event, orgIds, eventPrefix, 'mail.dropped', (r, t) => ({ title, orgName: r.orgName, reason: t(`mail.dropped.${event.stage}`), link }));
        return { audit: { stage: event.stage, dropped: event.dropped }, mail };
      }
      case 'participants_restored': {
        for (const r of event.restored) {
          await setParticipantStatus(trx, { statementId: event.statementId, orgIds: [r.orgId], status: r.to, reason: null, at });
        }
        return { audit: { restored: event.restored }, mail: [] };
      }
      case 'aggregation_blocked': {
        const mail = await mailOrganisations(trx, event, [statement!.lead_org_id], eventPrefix, 'mail.aggregationBlocked', () => ({
          title,
          message: event.message,
          problems: event.problems.map((p) => `- ${p.field}: ${p.rule}`).join('\n'),
          link,
        }));
        return { audit: { message: event.message, problems: event.problems }, mail };
      }
      case 'shortfall_decided': {
        let mail: OutgoingMessage[] = [];
        if (event.decision === 'proceed') {
          const orgIds = await participantOrgIds(trx, event.statementId, ['confirmed']);
          mail = await mailOrganisations(trx, event, orgIds, eventPrefix, 'mail.proceeded', () => ({ title, reason: event.reason ?? '', link }));
        }
        return { audit: { decision: event.decision, reason: event.reason, deadline: event.deadline, snapshotId: event.snapshotId }, mail };
      }
      case 'stage_changed': {
        const deadline = event.deadline ? new Date(event.deadline) : null;
        await setStatementStage(trx, { id: event.statementId, stage: event.to, at, deadline, ...(event.to === 'cancelled' ? { cancelReason: event.reason } : {}) });
        // The public documents follow the stage: the published page appears, a consultation opens or closes.
        if (event.to === 'published') await renderStatementDocuments(trx, deps, event.statementId);
        if (event.to === 'market_engagement' || event.from === 'market_engagement') await renderConsultationList(trx);
        let mail: OutgoingMessage[] = [];
        if (event.to === 'needs_assessment') {
          // Reopened after a shortfall: those who already confirmed are told the new deadline too.
          const orgIds = await participantOrgIds(trx, event.statementId, event.from === 'shortfall' ? ['joined', 'submitted', 'confirmed'] : ['joined', 'submitted']);
          mail = await mailOrganisations(trx, event, orgIds, eventPrefix, 'mail.stageOpened.needs_assessment', (r) => ({ title, deadline: formatDateTime(event.deadline!, r.locale), link }));
        } else if (event.to === 'confirmation') {
          const orgIds = await participantOrgIds(trx, event.statementId, ['submitted']);
          const versionOf = await submittedVersionNumbers(trx, event.statementId);
          mail = await mailOrganisations(trx, event, orgIds, eventPrefix, 'mail.confirmationOpened', (r) => ({
            title,
            orgName: r.orgName,
            version: String(versionOf.get(r.orgId) ?? ''),
            deadline: formatDateTime(event.deadline!, r.locale),
            link,
          }));
        } else if (event.to === 'shortfall' || (event.to === 'market_engagement' && event.from === 'aggregation')) {
          const snapshot = (await latestSnapshot(trx, event.statementId))!;
          const aggregate = snapshot.aggregate as Aggregate;
          const verdict = snapshot.critical_mass as CriticalMassVerdict;
          // The lead reads every figure; the other buyers what the disclosure pattern leaves.
          const pattern = await snapshotDisclosure(trx, deps.solver, snapshot.id);
          const seenBy = (orgId: string) => (orgId === statement!.lead_org_id ? null : pattern);
          const orgIds = await participantOrgIds(trx, event.statementId, ['confirmed']);
          const template = event.to === 'shortfall' ? 'mail.shortfall' : 'mail.criticalMassMet';
          mail = await mailOrganisations(trx, event, [...new Set([statement!.lead_org_id, ...orgIds])], eventPrefix, template, (r) => ({
            title,
            value: ((v) => (v === null ? translatorFor(r.locale)('disclosure.withheldValue') : formatEur(v, r.locale)))(discloseAggregate(aggregate, seenBy(r.orgId)).totals.valueEur),
            buyers: String(aggregate.totals.buyers),
            countries: String(aggregate.totals.countries),
            failures: discloseCriticalMass(verdict, seenBy(r.orgId))
              .results.filter((x) => x.met === false || (x.withheld && !verdict.met))
              .map((x) => (x.withheld ? `- ${x.field}: ${translatorFor(r.locale)('disclosure.withheldValue')}` : `- ${x.field}: ${x.actual} / ${x.required} (${x.gap})`))
              .join('\n'),
            deadline: event.deadline ? formatDateTime(event.deadline, r.locale) : '',
            link,
          }));
        } else if (event.to === 'abandoned') {
          const orgIds = await participantOrgIds(trx, event.statementId, involved);
          mail = await mailOrganisations(trx, event, orgIds, eventPrefix, 'mail.abandoned', () => ({ title, reason: event.reason ?? '', link }));
        } else if (event.to === 'cancelled') {
          const orgIds = await participantOrgIds(trx, event.statementId, involved);
          mail = await mailOrganisations(trx, event, orgIds, eventPrefix, 'mail.cancelled', () => ({ title, reason: event.reason ?? '', link }));
        }
        return { audit: { from: event.from, to: event.to, deadline: event.deadline, reason: event.reason }, mail };
      }
    }
  }

  return {
    async recordStatementEvent(event: WithTextRefs<StatementEvent>): Promise<RecordResult> {
      return forHistory(await recordEventOnce(db, event.statementId, await resolveEventTexts<StatementEvent>(db, event), apply));
    },
  };
}

export type StatementActivities = ReturnType<typeof createStatementActivities>;
