import type { ParticipantStatus, Stage } from '../rules/stages.js';
import type { ProcurementRouteKind } from './cross-border.js';
import type { ErrorCode, FieldProblem } from './errors.js';

/**
 * The negotiation and signature of a joint procurement agreement as pure rules: who may start
 * it, who its parties are, when a signature counts and when the agreement enters into force.
 * The agreement workflow holds an `AgreementProcessState` and asks these functions; the API
 * asks the same ones before it bothers the workflow.
 */

export const agreementStatuses = ['negotiation', 'in_force', 'cancelled'] as const;
export type AgreementStatus = (typeof agreementStatuses)[number];

/** `invited`: a signatory of the statement that has not opted in; `party`: opted in (the lead always is). */
export const agreementPartyStatuses = ['invited', 'party', 'declined', 'withdrawn'] as const;
export type AgreementPartyStatus = (typeof agreementPartyStatuses)[number];

/** An agreement turns a published statement into a joint procurement: nothing earlier has settled demand. */
export const agreementStartStages: readonly Stage[] = ['published'];

/** The statement's signatories: the buyers whose confirmed demand the published statement carries. */
export const signatoryStatuses: readonly ParticipantStatus[] = ['confirmed'];

/** At least two contracting authorities make a joint procurement (Art. 38(1), 39(1)). */
export const minimumParties = 2;

export interface Refusal {
  code: ErrorCode;
  message: string;
  problems: FieldProblem[];
}

const refuse = (code: ErrorCode, message: string, problems: FieldProblem[] = []): Refusal => ({
  code,
  message,
  problems,
});

/**
 * `route`: the statement's procurement route. When a central purchasing body runs the
 * procurement, its Member State's national provisions apply (Art. 39(3)) and the buyers conclude
 * no Art. 39(4) agreement: there is none to start.
 */
export function startRefusal(stage: Stage, route: ProcurementRouteKind = 'joint'): Refusal | null {
  if (route === 'central_purchasing_body') {
    return refuse(
      'conflict',
      'No joint procurement agreement is needed: a central purchasing body runs this procurement under the national provisions of its Member State (Directive 2014/24/EU Art. 37, Art. 39(2)-(3))',
      [
        {
          field: 'procurementRoute',
          rule: 'the statement’s procurement goes through a central purchasing body, which needs no Art. 39(4) agreement (Directive 2014/24/EU Art. 39(3))',
        },
      ],
    );
  }
  if (agreementStartStages.includes(stage)) return null;
  return refuse('wrong_stage', `An agreement can be started only for a published statement; this one is in ${stage}`);
}

export interface SignatureRecord {
  userId: string;
  at: string;
  versionId: string;
  versionHash: string;
}

/** What survives continue-as-new: ids, statuses and hashes only, never the terms themselves. */
export interface AgreementProcessState {
  statementId: string;
  leadOrgId: string;
  started: boolean;
  status: AgreementStatus;
  parties: Record<string, AgreementPartyStatus>;
  version: number;
  versionId: string | null;
  versionHash: string | null;
  /** The parties the current version was written for, sorted. */
  versionParties: string[];
  signatures: Record<string, SignatureRecord>;
  deadline: number | null;
  deadlineSetAt: number | null;
  reminderOffsets: string[];
  /** `${deadline}|${offset}` of reminders already sent. */
  remindersSent: string[];
  /** The deadline that was recorded as passed, so it is recorded once. */
  deadlinePassedFor: number | null;
  inForceAt: number | null;
  mailPending: boolean;
  /** The latest completed updates and their answers, carried across continue-as-new (`workflows/kernel/process-updates.ts`). */
  completedUpdates?: { id: string; result: unknown }[];
}

export function initialAgreementState(statementId: string, leadOrgId: string): AgreementProcessState {
  return {
    statementId,
    leadOrgId,
    started: false,
    status: 'negotiation',
    parties: {},
    version: 0,
    versionId: null,
    versionHash: null,
    versionParties: [],
    signatures: {},
    deadline: null,
    deadlineSetAt: null,
    reminderOffsets: [],
    remindersSent: [],
    deadlinePassedFor: null,
    inForceAt: null,
    mailPending: false,
  };
}

export function partiesOf(s: AgreementProcessState): string[] {
  return Object.entries(s.parties)
    .filter(([, status]) => status === 'party')
    .map(([orgId]) => orgId)
    .sort();
}

/** The current version no longer fits the parties (one joined or withdrew): it must be amended. */
export function versionIsStale(s: AgreementProcessState): boolean {
  if (s.versionId === null) return false;
  const now = partiesOf(s);
  return now.length !== s.versionParties.length || now.some((o, i) => o !== s.versionParties[i]);
}

function requireNegotiation(s: AgreementProcessState): Refusal | null {
  if (!s.started) return refuse('not_found', 'There is no agreement for this statement');
  if (s.status !== 'negotiation')
    return refuse('wrong_stage', `The agreement is ${s.status.replace('_', ' ')}; it can no longer change`);
  return null;
}

export function respondRefusal(s: AgreementProcessState, orgId: string): Refusal | null {
  const base = requireNegotiation(s);
  if (base) return base;
  const status = s.parties[orgId];
  if (status === undefined) return refuse('forbidden', 'Only a signatory of the statement may join its agreement');
  if (status !== 'invited') return refuse('conflict', `Your organisation has already answered (${status})`);
  return null;
}

/** The lead invites signatories that joined the statement after the agreement started (late signatories). */
export function invitationRefusal(
  s: AgreementProcessState,
  actorOrgId: string,
  orgIds: readonly string[],
): Refusal | null {
  const base = requireNegotiation(s);
  if (base) return base;
  if (actorOrgId !== s.leadOrgId) return refuse('forbidden', 'Only the lead buyer invites new parties');
  if (orgIds.filter((o) => s.parties[o] === undefined).length === 0) {
    return refuse('conflict', 'Every signatory of the statement has been invited to the agreement already');
  }
  return null;
}

export function proposalRefusal(
  s: AgreementProcessState,
  actorOrgId: string,
  partyOrgIds: readonly string[],
): Refusal | null {
  const base = requireNegotiation(s);
  if (base) return base;
  if (actorOrgId !== s.leadOrgId) return refuse('forbidden', 'Only the lead buyer drafts and amends the agreement');
  const parties = partiesOf(s);
  if (parties.length < minimumParties) {
    return refuse('unprocessable', 'A joint procurement needs at least two parties', [
      {
        field: 'parties',
        rule: `at least ${minimumParties} contracting authorities must have joined the agreement; ${parties.length} has`,
      },
    ]);
  }
  const given = [...partyOrgIds].sort();
  if (given.length !== parties.length || given.some((o, i) => o !== parties[i])) {
    return refuse('conflict', 'The parties changed while the terms were being checked; check them again');
  }
  return null;
}

export function commentRefusal(
  s: AgreementProcessState,
  orgId: string,
  versionId: string,
  versionIds: readonly string[],
): Refusal | null {
  if (!s.started) return refuse('not_found', 'There is no agreement for this statement');
  if (s.parties[orgId] !== 'party') return refuse('forbidden', 'Only a party comments on the agreement');
  if (!versionIds.includes(versionId)) return refuse('not_found', 'No such version of the agreement');
  if (s.status !== 'negotiation')
    return refuse('wrong_stage', `The agreement is ${s.status.replace('_', ' ')}; negotiation is over`);
  return null;
}

export interface SignatureRequest {
  orgId: string;
  versionId: string;
  versionHash: string;
}

/**
 * A signature counts only on the current version, by its hash, before the deadline, once per
 * party, and only while that version still fits the parties.
 */
export function signatureRefusal(s: AgreementProcessState, r: SignatureRequest, now: number): Refusal | null {
  const base = requireNegotiation(s);
  if (base) return base;
  if (s.parties[r.orgId] !== 'party') return refuse('forbidden', 'Only a party to the agreement signs it');
  if (s.versionId === null) return refuse('conflict', 'There is no version to sign yet');
  if (r.versionId !== s.versionId || r.versionHash !== s.versionHash) {
    return refuse('conflict', `Only the current version (${s.version}) can be signed`, [
      { field: 'versionHash', rule: `must be the hash of the current version ${s.version}: ${s.versionHash}` },
    ]);
  }
  if (versionIsStale(s))
    return refuse('conflict', 'The parties changed since this version; the lead must amend it before anyone signs');
  if (s.signatures[r.orgId]) return refuse('conflict', 'Your organisation has already signed this version');
  if (s.deadline !== null && now >= s.deadline) {
    return refuse('deadline_passed', `The signature deadline passed at ${new Date(s.deadline).toISOString()}`);
  }
  return null;
}

export function withdrawalRefusal(s: AgreementProcessState, orgId: string): Refusal | null {
  const base = requireNegotiation(s);
  if (base) return base;
  if (orgId === s.leadOrgId)
    return refuse('forbidden', 'The lead buyer runs the agreement and cannot withdraw; it may cancel it');
  if (s.parties[orgId] !== 'party') return refuse('forbidden', 'Only a party can withdraw from the agreement');
  if (s.signatures[orgId])
    return refuse('conflict', 'Your organisation has signed; a party can withdraw only before signing');
  return null;
}

export function deadlineRefusal(
  s: AgreementProcessState,
  actorOrgId: string,
  deadline: number,
  now: number,
): Refusal | null {
  const base = requireNegotiation(s);
  if (base) return base;
  if (actorOrgId !== s.leadOrgId) return refuse('forbidden', 'Only the lead buyer sets the signature deadline');
  if (!(deadline > now) || (s.deadline !== null && deadline <= s.deadline)) {
    return refuse('unprocessable', 'A new signature deadline must be later than now and than the current one', [
      { field: 'deadline', rule: 'must be later than now and than the current signature deadline' },
    ]);
  }
  return null;
}

/** Every party has signed the current version, and there are enough parties for a joint procurement. */
export function allSigned(s: AgreementProcessState): boolean {
  const parties = partiesOf(s);
  return (
    s.versionId !== null &&
    parties.length >= minimumParties &&
    !versionIsStale(s) &&
    parties.every((o) => s.signatures[o]?.versionId === s.versionId)
  );
}

/** Parties that still have to sign the current version (all parties while there is none). */
export function awaitingSignature(s: AgreementProcessState): string[] {
  return partiesOf(s).filter((o) => s.signatures[o]?.versionId !== s.versionId || s.versionId === null);
}
