import type { Actor } from './events.js';

/**
 * Every change the agreement workflow decides, handed to the `recordAgreementEvent` activity,
 * which writes the read model, an audit row (chain `agreement:<statementId>`) and any e-mail in
 * one transaction keyed by `eventKey`. Ids and hashes only: the terms stay in the database.
 */
export type AgreementEventBody =
  | {
      kind: 'agreement_started';
      leadOrgId: string;
      invitedOrgIds: string[];
      deadline: string;
      reminderOffsets: string[];
    }
  | { kind: 'agreement_invited'; orgIds: string[] }
  | { kind: 'agreement_joined'; orgId: string; clearedSignatures: string[] }
  | { kind: 'agreement_declined'; orgId: string; reason: string | null }
  | {
      kind: 'agreement_version_proposed';
      versionId: string;
      version: number;
      /** Hash of the checked proposal; the activity refuses a draft that changed since. */
      contentHash: string;
      amendment: boolean;
      clearedSignatures: string[];
    }
  | { kind: 'agreement_signed'; orgId: string; versionId: string; versionHash: string }
  | { kind: 'agreement_withdrawn'; orgId: string; reason: string; clearedSignatures: string[] }
  | { kind: 'agreement_in_force'; versionId: string; version: number; versionHash: string }
  | { kind: 'agreement_deadline_extended'; deadline: string; previous: string | null }
  | { kind: 'agreement_reminder_sent'; deadline: string; offset: string; orgIds: string[] }
  | { kind: 'agreement_deadline_passed'; deadline: string; unsignedOrgIds: string[] }
  | { kind: 'agreement_cancelled'; reason: string };

export type AgreementEvent = AgreementEventBody & {
  eventKey: string;
  statementId: string;
  actor: Actor | null;
  at: string;
};

export const agreementChain = (statementId: string) => `agreement:${statementId}`;
