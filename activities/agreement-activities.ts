import { ApplicationFailure } from '@temporalio/activity';
import {
  agreementOrgIds,
  clearAgreementSignatures,
  findAgreement,
  findAgreementDraft,
  insertAgreement,
  insertAgreementParties,
  insertAgreementSignature,
  insertAgreementVersion,
  setAgreementPartyStatus,
  setAgreementStatus,
  setSignatureDeadline,
} from '../db/agreements.js';
import type { Db, Tx } from '../db/database.js';
import { forHistory, recordEventOnce, type Applied, type RecordResult } from '../db/record-event.js';
import { findOrganisation, findOrganisations, usersOfOrganisations } from '../db/organisations.js';
import type { OutgoingMessage } from '../db/outbox.js';
import { findStatement } from '../db/statements.js';
import { signatoryRole } from '../domain/agreement-authorization.js';
import { resolveEventTexts } from '../db/free-texts.js';
import { agreementChain, type AgreementEvent } from '../domain/agreement-events.js';
import type { WithTextRefs } from '../domain/events.js';
import { composeForEach, formatDateTime, statementLink, type Recipient } from '../mail/compose.js';
import { renderAgreement, type AgreementVersionContent } from '../platform/agreement-document.js';

export interface AgreementActivityDeps {
  db: Db;
  publicUrl: string;
}


const conflict = (message: string) => ApplicationFailure.create({ type: 'conflict', message, details: [[]], nonRetryable: true });

/**
 * Side effects of the agreement workflow: the read model, the documents (HTML and PDF rendered
 * when a version is created, with the PDF's hash), the audit chain `agreement:<statementId>`
 * and the e-mail, all in one transaction per event, keyed so a retry changes nothing twice.
 */
export function createAgreementActivities(deps: AgreementActivityDeps) {
  const { db, publicUrl } = deps;

  async function mailOrganisations(
    trx: Tx,
    statementId: string,
    orgIds: readonly string[],
    keyPrefix: string,
    template: string,
    params: (r: Recipient & { orgName: string }) => Record<string, string>,
    options: { signatoriesOnly?: boolean } = {},
  ): Promise<OutgoingMessage[]> {
    if (orgIds.length === 0) return [];
    let users = await usersOfOrganisations(trx, orgIds);
    if (options.signatoriesOnly) {
      // Those who can sign; an organisation without any authorised signatory hears it through all its users.
      const withSignatory = new Set(users.filter((u) => u.roles.includes(signatoryRole)).map((u) => u.organisation_id));
      users = users.filter((u) => u.roles.includes(signatoryRole) || !withSignatory.has(u.organisation_id));
    }
    const names = new Map((await findOrganisations(trx, orgIds)).map((o) => [o.id, o.name]));
    const recipients = users.map((u) => ({ id: u.id, email: u.email, name: u.name, locale: u.locale, orgName: names.get(u.organisation_id) ?? '' }));
    const byId = new Map(recipients.map((r) => [r.id, r]));
    return composeForEach(recipients, keyPrefix, statementId, template, (r) => params(byId.get(r.id)!));
  }

  async function namesOf(trx: Tx, orgIds: readonly string[]): Promise<string> {
    const orgs = await findOrganisations(trx, orgIds);
    return orgs.map((o) => o.name).sort().join(', ');
  }

  async function apply(trx: Tx, event: AgreementEvent): Promise<Applied> {
    const at = new Date(event.at);
    const sid = event.statementId;
    const statement = await findStatement(trx, sid);
    const title = statement?.title ?? '';
    const link = `${statementLink(publicUrl, sid)}/agreement`;
    const prefix = `${event.kind}:${sid}:${event.eventKey}`;
    const parties = () => agreementOrgIds(trx, sid, ['party']);
    const leadOrgId = statement?.lead_org_id ?? '';

    switch (event.kind) {
      case 'agreement_started': {
        await insertAgreement(trx, { statementId: sid, leadOrgId: event.leadOrgId, startedBy: event.actor!.userId, at, deadline: new Date(event.deadline) });
        await insertAgreementParties(trx, sid, [{ orgId: event.leadOrgId, status: 'party' }, ...event.invitedOrgIds.map((orgId) => ({ orgId, status: 'invited' as const }))], at);
        const lead = await findOrganisation(trx, event.leadOrgId);
        const mail = await mailOrganisations(trx, sid, event.invitedOrgIds, prefix, 'mail.agreement.invited', (r) => ({
          title,
          leadName: lead?.name ?? '',
          deadline: formatDateTime(event.deadline, r.locale),
          link,
        }));
        return { audit: { invitedOrgIds: event.invitedOrgIds, deadline: event.deadline, reminderOffsets: event.reminderOffsets }, mail };
      }
      case 'agreement_invited': {
        await insertAgreementParties(trx, sid, event.orgIds.map((orgId) => ({ orgId, status: 'invited' as const })), at);
        const lead = await findOrganisation(trx, leadOrgId);
        const agreement = await findAgreement(trx, sid);
        const deadline = agreement?.signature_deadline ? new Date(agreement.signature_deadline).toISOString() : event.at;
        const mail = await mailOrganisations(trx, sid, event.orgIds, prefix, 'mail.agreement.invited', (r) => ({
          title,
          leadName: lead?.name ?? '',
          deadline: formatDateTime(deadline, r.locale),
          link,
        }));
        return { audit: { organisationIds: event.orgIds }, mail };
      }
      case 'agreement_joined':
      case 'agreement_declined': {
        const joined = event.kind === 'agreement_joined';
        await setAgreementPartyStatus(trx, { statementId: sid, orgId: event.orgId, status: joined ? 'party' : 'declined', reason: joined ? null : event.reason, at });
        if (joined && event.clearedSignatures.length > 0) await clearAgreementSignatures(trx, sid, 'a new party joined; the version must be amended', at);
        const org = await findOrganisation(trx, event.orgId);
        const mail = await mailOrganisations(trx, sid, [leadOrgId], prefix, joined ? 'mail.agreement.joined' : 'mail.agreement.declined', () => ({
          title,
          orgName: org?.name ?? '',
          link,
        }));
        return { audit: joined ? { organisationId: event.orgId, clearedSignatures: event.clearedSignatures } : { organisationId: event.orgId, reason: event.reason }, mail };
      }
      case 'agreement_version_proposed': {
        const draft = await findAgreementDraft(trx, sid);
        if (!draft || draft.content_hash !== event.contentHash) throw conflict('The proposal changed after it was checked; propose it again');
        const content = draft.content as AgreementVersionContent;
        const rendered = await renderAgreement(content, event.version, event.contentHash, at);
        await insertAgreementVersion(trx, {
          id: event.versionId,
          statementId: sid,
          version: event.version,
          content,
          contentHash: event.contentHash,
          note: content.note,
          html: rendered.html,
          pdf: rendered.pdf,
          pdfHash: rendered.pdfHash,
          createdBy: event.actor!.userId,
          at,
        });
        const cleared = await clearAgreementSignatures(trx, sid, `amended in version ${event.version}`, at);
        const mail = await mailOrganisations(trx, sid, (await parties()).filter((o) => o !== event.actor?.orgId), prefix, event.amendment ? 'mail.agreement.amended' : 'mail.agreement.proposed', () => ({
          title,
          version: String(event.version),
          note: content.note ?? '',
          hash: event.contentHash,
          link,
        }));
        return {
          audit: { versionId: event.versionId, version: event.version, contentHash: event.contentHash, pdfHash: rendered.pdfHash, amendment: event.amendment, clearedSignatures: cleared.sort() },
          mail,
        };
      }
      case 'agreement_signed': {
        await insertAgreementSignature(trx, { statementId: sid, versionId: event.versionId, orgId: event.orgId, userId: event.actor!.userId, versionHash: event.versionHash, at });
        return { audit: { organisationId: event.orgId, versionId: event.versionId, versionHash: event.versionHash }, mail: [] };
      }
      case 'agreement_withdrawn': {
        await setAgreementPartyStatus(trx, { statementId: sid, orgId: event.orgId, status: 'withdrawn', reason: event.reason, at });
        if (event.clearedSignatures.length > 0) await clearAgreementSignatures(trx, sid, 'a party withdrew; the version must be amended', at);
        const org = await findOrganisation(trx, event.orgId);
        const mail = await mailOrganisations(trx, sid, [leadOrgId], prefix, 'mail.agreement.withdrawn', () => ({ title, orgName: org?.name ?? '', reason: event.reason, link }));
        return { audit: { organisationId: event.orgId, reason: event.reason, clearedSignatures: event.clearedSignatures }, mail };
      }
      case 'agreement_in_force': {
        await setAgreementStatus(trx, sid, { status: 'in_force', inForceAt: at });
        const mail = await mailOrganisations(trx, sid, await parties(), prefix, 'mail.agreement.inForce', () => ({ title, version: String(event.version), hash: event.versionHash, link }));
        return { audit: { versionId: event.versionId, version: event.version, versionHash: event.versionHash }, mail };
      }
      case 'agreement_deadline_extended': {
        await setSignatureDeadline(trx, sid, new Date(event.deadline));
        const mail = await mailOrganisations(trx, sid, await parties(), prefix, 'mail.agreement.deadlineExtended', (r) => ({ title, deadline: formatDateTime(event.deadline, r.locale), link }));
        return { audit: { deadline: event.deadline, previous: event.previous }, mail };
      }
      case 'agreement_reminder_sent': {
        // Keyed on the deadline and offset: one reminder per person and moment, whatever happens.
        const mail = await mailOrganisations(
          trx,
          sid,
          event.orgIds,
          `agreement-reminder:${sid}:${event.deadline}:${event.offset}`,
          'mail.agreement.reminder',
          (r) => ({ title, deadline: formatDateTime(event.deadline, r.locale), link }),
          { signatoriesOnly: true },
        );
        return { audit: { deadline: event.deadline, offset: event.offset, organisationIds: event.orgIds }, mail };
      }
      case 'agreement_deadline_passed': {
        const unsigned = await namesOf(trx, event.unsignedOrgIds);
        const mail = await mailOrganisations(trx, sid, [leadOrgId], prefix, 'mail.agreement.deadlinePassed', (r) => ({
          title,
          deadline: formatDateTime(event.deadline, r.locale),
          unsigned,
          link,
        }));
        return { audit: { deadline: event.deadline, unsignedOrgIds: event.unsignedOrgIds }, mail };
      }
      case 'agreement_cancelled': {
        await setAgreementStatus(trx, sid, { status: 'cancelled', cancelReason: event.reason });
        const orgIds = (await agreementOrgIds(trx, sid, ['party', 'invited'])).filter((o) => o !== event.actor?.orgId);
        const mail = await mailOrganisations(trx, sid, orgIds, prefix, 'mail.agreement.cancelled', () => ({ title, reason: event.reason, link }));
        return { audit: { reason: event.reason }, mail };
      }
    }
  }

  return {
    async recordAgreementEvent(event: WithTextRefs<AgreementEvent>): Promise<RecordResult> {
      return forHistory(await recordEventOnce(db, agreementChain(event.statementId), await resolveEventTexts<AgreementEvent>(db, event), apply));
    },
  };
}

export type AgreementActivities = ReturnType<typeof createAgreementActivities>;
