import { defineQuery, defineUpdate } from '@temporalio/workflow';

import type { AgreementPartyStatus, AgreementStatus } from '../../domain/agreement-process.js';
import type { Actor, FreeText } from '../../domain/events.js';

/**
 * Messages of the agreement workflow: one workflow per statement, id `agreement-<statementId>`,
 * started by update-with-start when the lead starts the agreement of a published statement.
 */
export const agreementWorkflowType = 'jointAgreementWorkflow';
export const agreementWorkflowId = (statementId: string): string => `agreement-${statementId}`;

export interface AgreementWorkflowInput {
  statementId: string;
  leadOrgId: string;
}

/** What every update answers: small and of constant size, like the statement's `StatementAck`. */
export interface AgreementAck {
  status: AgreementStatus;
  version: number;
  versionId: string | null;
  versionHash: string | null;
  deadline: string | null;
  parties: number;
  signed: number;
}

export interface AgreementLiveState {
  statementId: string;
  leadOrgId: string;
  started: boolean;
  status: AgreementStatus;
  parties: { orgId: string; status: AgreementPartyStatus }[];
  version: number;
  versionId: string | null;
  versionHash: string | null;
  versionStale: boolean;
  signatures: { orgId: string; userId: string; at: string; versionId: string; versionHash: string }[];
  awaitingSignature: string[];
  deadline: string | null;
  inForceAt: string | null;
}

export interface StartAgreementRequest {
  actor: Actor;
  /** The statement's signatories other than the lead, invited to opt in. */
  invitedOrgIds: string[];
  deadline: string;
  reminderOffsets: string[];
}

export interface InviteToAgreementRequest {
  actor: Actor;
  /** Signatories of the statement; those already in the agreement are left as they are. */
  orgIds: string[];
}

export interface RespondToAgreementRequest {
  actor: Actor;
  accept: boolean;
  /** Id and hash of the reason kept in PostgreSQL (the text itself in older runs). */
  reason: FreeText | null;
}

export interface ProposeAgreementVersionRequest {
  actor: Actor;
  /** Hash of the checked proposal saved as the agreement's draft. */
  contentHash: string;
  /** The parties the proposal was checked against; the workflow refuses it if they changed. */
  partyOrgIds: string[];
}

export interface SignAgreementRequest {
  actor: Actor;
  versionId: string;
  versionHash: string;
}

export interface WithdrawFromAgreementRequest {
  actor: Actor;
  reason: FreeText;
}

export interface ExtendSignatureDeadlineRequest {
  actor: Actor;
  deadline: string;
}

export interface CancelAgreementRequest {
  actor: Actor;
  reason: FreeText;
}

export const startAgreementUpdate = defineUpdate<AgreementAck, [StartAgreementRequest]>('startAgreement');
export const inviteToAgreementUpdate = defineUpdate<AgreementAck, [InviteToAgreementRequest]>('inviteToAgreement');
export const respondToAgreementUpdate = defineUpdate<AgreementAck, [RespondToAgreementRequest]>('respondToAgreement');
export const proposeAgreementVersionUpdate = defineUpdate<AgreementAck, [ProposeAgreementVersionRequest]>(
  'proposeAgreementVersion',
);
export const signAgreementUpdate = defineUpdate<AgreementAck, [SignAgreementRequest]>('signAgreement');
export const withdrawFromAgreementUpdate = defineUpdate<AgreementAck, [WithdrawFromAgreementRequest]>(
  'withdrawFromAgreement',
);
export const extendSignatureDeadlineUpdate = defineUpdate<AgreementAck, [ExtendSignatureDeadlineRequest]>(
  'extendSignatureDeadline',
);
export const cancelAgreementUpdate = defineUpdate<AgreementAck, [CancelAgreementRequest]>('cancelAgreement');

export const agreementStateQuery = defineQuery<AgreementLiveState>('agreementState');
