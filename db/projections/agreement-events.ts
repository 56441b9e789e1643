import { ApplicationFailure } from '@temporalio/activity';

import type { AgreementEvent } from '../../domain/agreement-events.js';
import { type AgreementVersionContent, renderAgreement } from '../../platform/agreement-document.js';
import {
  clearAgreementSignatures,
  findAgreementDraft,
  insertAgreement,
  insertAgreementParties,
  insertAgreementSignature,
  insertAgreementVersion,
  setAgreementPartyStatus,
  setAgreementStatus,
  setSignatureDeadline,
} from '../agreements.js';
import type { Tx } from '../database.js';

/** What an agreement event wrote: its audit data and, for a version proposed, the lead's note that its notice quotes. */
export interface AgreementProjection {
  audit: Record<string, unknown>;
  proposed?: { note: string | null };
}

const conflict = (message: string) =>
  ApplicationFailure.create({ type: 'conflict', message, details: [[]], nonRetryable: true });

/**
 * What each agreement event writes to the read model, inside the caller's transaction: the
 * parties, the versions with their documents (HTML and PDF rendered when a version is created,
 * with the PDF's hash), the signatures and the agreement's status; returns the event's audit data
 * (chain `agreement:<statementId>`). Who is told, and how, is `mail/notices/agreement-notices.ts`.
 */
export async function projectAgreementEvent(trx: Tx, event: AgreementEvent): Promise<AgreementProjection> {
  const at = new Date(event.at);
  const sid = event.statementId;
  switch (event.kind) {
    case 'agreement_started':
      await insertAgreement(trx, {
        statementId: sid,
        leadOrgId: event.leadOrgId,
        startedBy: event.actor!.userId,
        at,
        deadline: new Date(event.deadline),
      });
      await insertAgreementParties(
        trx,
        sid,
        [
          { orgId: event.leadOrgId, status: 'party' },
          ...event.invitedOrgIds.map((orgId) => ({ orgId, status: 'invited' as const })),
        ],
        at,
      );
      return {
        audit: { invitedOrgIds: event.invitedOrgIds, deadline: event.deadline, reminderOffsets: event.reminderOffsets },
      };
    case 'agreement_invited':
      await insertAgreementParties(
        trx,
        sid,
        event.orgIds.map((orgId) => ({ orgId, status: 'invited' as const })),
        at,
      );
      return { audit: { organisationIds: event.orgIds } };
    case 'agreement_joined':
      await setAgreementPartyStatus(trx, { statementId: sid, orgId: event.orgId, status: 'party', reason: null, at });
      if (event.clearedSignatures.length > 0)
        await clearAgreementSignatures(trx, sid, 'a new party joined; the version must be amended', at);
      return { audit: { organisationId: event.orgId, clearedSignatures: event.clearedSignatures } };
    case 'agreement_declined':
      await setAgreementPartyStatus(trx, {
        statementId: sid,
        orgId: event.orgId,
        status: 'declined',
        reason: event.reason,
        at,
      });
      return { audit: { organisationId: event.orgId, reason: event.reason } };
    case 'agreement_version_proposed': {
      const draft = await findAgreementDraft(trx, sid);
      if (!draft || draft.content_hash !== event.contentHash)
        throw conflict('The proposal changed after it was checked; propose it again');
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
      return {
        audit: {
          versionId: event.versionId,
          version: event.version,
          contentHash: event.contentHash,
          pdfHash: rendered.pdfHash,
          amendment: event.amendment,
          clearedSignatures: cleared.sort(),
        },
        proposed: { note: content.note },
      };
    }
    case 'agreement_signed':
      await insertAgreementSignature(trx, {
        statementId: sid,
        versionId: event.versionId,
        orgId: event.orgId,
        userId: event.actor!.userId,
        versionHash: event.versionHash,
        at,
      });
      return { audit: { organisationId: event.orgId, versionId: event.versionId, versionHash: event.versionHash } };
    case 'agreement_withdrawn':
      await setAgreementPartyStatus(trx, {
        statementId: sid,
        orgId: event.orgId,
        status: 'withdrawn',
        reason: event.reason,
        at,
      });
      if (event.clearedSignatures.length > 0)
        await clearAgreementSignatures(trx, sid, 'a party withdrew; the version must be amended', at);
      return {
        audit: { organisationId: event.orgId, reason: event.reason, clearedSignatures: event.clearedSignatures },
      };
    case 'agreement_in_force':
      await setAgreementStatus(trx, sid, { status: 'in_force', inForceAt: at });
      return { audit: { versionId: event.versionId, version: event.version, versionHash: event.versionHash } };
    case 'agreement_deadline_extended':
      await setSignatureDeadline(trx, sid, new Date(event.deadline));
      return { audit: { deadline: event.deadline, previous: event.previous } };
    case 'agreement_reminder_sent':
      // The organisations reminded are chosen by the workflow; who of their users is told is the notice's.
      return { audit: { deadline: event.deadline, offset: event.offset, organisationIds: event.orgIds } };
    case 'agreement_deadline_passed':
      return { audit: { deadline: event.deadline, unsignedOrgIds: event.unsignedOrgIds } };
    case 'agreement_cancelled':
      await setAgreementStatus(trx, sid, { status: 'cancelled', cancelReason: event.reason });
      return { audit: { reason: event.reason } };
  }
}
