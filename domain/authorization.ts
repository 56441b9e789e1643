import { leftParticipantStatuses, type ParticipantStatus, type Stage } from '../rules/stages.js';
import type { OrganisationKind } from './organisations.js';

/**
 * The one place that says who may do what. Routes gather the facts (who is asking, what the
 * statement looks like from the database) and ask `decide`; nothing else makes access choices.
 */
export interface Principal {
  userId: string;
  orgId: string;
  orgKind: OrganisationKind;
  isAdmin: boolean;
  /** Roles inside the organisation, e.g. `signatory`. */
  roles: readonly string[];
  /** How the request was authenticated; API tokens cannot manage tokens or sessions. */
  via: 'session' | 'api_token';
}

export interface StatementFacts {
  leadOrgId: string;
  stage: Stage;
  /** The principal organisation's status in this statement, if it was ever invited. */
  participantStatus: ParticipantStatus | null;
  /** The current stage's deadline (epoch ms), when it was read with the rest; null without one. */
  deadline?: number | null;
  /** How the demand is procured (domain/cross-border.ts); the joint route when not read. */
  procurementRoute?: 'joint' | 'central_purchasing_body';
}

export const statementActions = [
  'view',
  'viewAudit',
  'edit',
  'invite',
  'respondToInvitation',
  'openNeedsAssessment',
  'cancel',
  'defineSurvey',
  'manageDeadlines',
  'viewNeedsOverview',
  'actOnOwnNeeds',
  'viewAggregate',
  'exportAggregate',
  'viewSurveyResults',
  'decideShortfall',
  'retryAggregation',
  'setGrouping',
  'manageConsultation',
  'viewConsultation',
  'consentToNaming',
  'viewStatementText',
  'editStatementText',
  'approveStatement',
  'publishWithoutMissing',
  'requestToSign',
  'decideSignatory',
] as const;
export type StatementAction = (typeof statementActions)[number];

export type Decision = { allowed: true } | { allowed: false; code: 'not_found' | 'forbidden'; reason: string };

const allow: Decision = { allowed: true };
const forbid = (reason: string): Decision => ({ allowed: false, code: 'forbidden', reason });

/** The role of a user who may bind the organisation (approve, sign, join or leave an agreement). */
export const signatoryRole = 'signatory';

/** Acts that bind an organisation: each needs a user with the signatory role. */
export const bindingActs = [
  'approveStatement',
  'requestToSign',
  'joinAgreement',
  'declineAgreement',
  'withdrawFromAgreement',
  'signAgreement',
] as const;
export type BindingAct = (typeof bindingActs)[number];

const bindingActWords: Record<BindingAct, string> = {
  approveStatement: 'decide on the statement text for the organisation',
  requestToSign: 'ask to sign the statement for the organisation',
  joinAgreement: 'answer the invitation to the agreement for the organisation',
  declineAgreement: 'answer the invitation to the agreement for the organisation',
  withdrawFromAgreement: 'withdraw the organisation from the agreement',
  signAgreement: 'sign',
};

/**
 * Who may perform a binding act: the one rule, used by the API (through `decide` and
 * `decideAgreement`) and by the workflows' update validators (with the roles the API sealed into
 * the actor). The other conditions of each act (a participant, a party, the stage) are checked
 * where they are known; this is the user's authority to bind its organisation.
 */
export function mayActBindingly(roles: readonly string[] | undefined, act: BindingAct): Decision {
  return roles?.includes(signatoryRole)
    ? allow
    : forbid(
        `only a user authorised to sign for the organisation (role "${signatoryRole}") may ${bindingActWords[act]}`,
      );
}

export function isLead(p: Principal, s: StatementFacts): boolean {
  return p.orgKind === 'buyer' && p.orgId === s.leadOrgId;
}

export function isCommission(p: Principal): boolean {
  return p.orgKind === 'commission';
}

/** Pilot tracking (dashboard, digest, exports across all statements): Commission staff and administrators. */
export function canTrackPilots(p: Principal): Decision {
  return isCommission(p) || p.isAdmin ? allow : forbid('pilot tracking is for Commission staff and administrators');
}

/**
 * Reading an organisation with its users, and correcting it (domain/organisation-corrections.ts):
 * administrators, as for registering them. Not the organisation itself: a buyer that could change
 * its own legal type could choose its threshold (Directive 2014/24/EU Art. 4).
 */
export function canAdministerOrganisations(p: Principal): Decision {
  return p.isAdmin ? allow : forbid('only an administrator may read and correct organisations');
}

/**
 * A buyer's need lines and answers are confidential: its own organisation and the lead buyer
 * read them; other participants and Commission staff see statuses only.
 */
export function canReadNeedsOf(p: Principal, s: StatementFacts, orgId: string): Decision {
  if (!canSee(p, s)) return { allowed: false, code: 'not_found', reason: 'statement not found' };
  if (p.orgKind === 'buyer' && (p.orgId === orgId || isLead(p, s))) return allow;
  return forbid('the needs of a buyer are visible to that buyer and the lead buyer only');
}

/** Statuses of an organisation that left the statement: it keeps its own data, and does nothing else there. */
export const leftStatuses: readonly ParticipantStatus[] = leftParticipantStatuses;

/** Whether the principal's organisation declined, withdrew or dropped out (the lead never leaves its own statement). */
export function hasLeft(p: Principal, s: StatementFacts): boolean {
  return (
    p.orgKind === 'buyer' && !isLead(p, s) && s.participantStatus !== null && leftStatuses.includes(s.participantStatus)
  );
}

/**
 * A free-text reason (why a buyer declined, withdrew, or left the agreement) is read by the lead
 * buyer and by that buyer only, in every output; Commission staff and administrators see the status.
 */
export function canReadReasonOf(p: Principal, s: StatementFacts, orgId: string): boolean {
  return isLead(p, s) || (p.orgKind === 'buyer' && p.orgId === orgId);
}

/** A participant as the roster rules need it: whether it signed the published statement and agreed to be named. */
export interface RosterEntry {
  orgId: string;
  signatory: boolean;
  named: boolean;
}

/**
 * Whether a participant appears in the roster (participants, signatories) the viewer reads.
 * The lead buyer reads everyone, and every buyer reads its own row. Before publication, whoever
 * may see the statement reads its participants' statuses. After publication anyone signed in may
 * read the statement, so the roster shrinks to the signatories that agreed to be named; Commission
 * staff and administrators still follow every status (never a reason: `canReadReasonOf`). An
 * organisation that left reads its own row only (after publication, like anyone, the named
 * signatories besides).
 */
export function canSeeParticipant(p: Principal, s: StatementFacts, entry: RosterEntry): boolean {
  if (isLead(p, s) || (p.orgKind === 'buyer' && p.orgId === entry.orgId)) return true;
  if (s.stage === 'published') return isCommission(p) || p.isAdmin || (entry.signatory && entry.named);
  return !hasLeft(p, s);
}

/** Audit actions whose `reason` is a buyer's own free text, keyed by `organisationId` in their data. */
export const buyerReasonActions: readonly string[] = [
  'invitation_answered',
  'needs_withdrawn',
  'agreement_declined',
  'agreement_withdrawn',
];

/** Audit actions that name one buyer's needs versions or draft (ids, content hashes), by field. */
const buyerNeedsFields: Readonly<Record<string, readonly string[]>> = {
  needs_draft_saved: ['draftHash', 'lines'],
  // How many lines a buyer submitted is its own figure too (the aggregate protects line counts).
  needs_submitted: ['versionId', 'contentHash', 'supersedes', 'lines'],
  needs_confirmed: ['versionId', 'contentHash'],
};

/**
 * An audit event's data as the viewer may read it: a buyer's free-text reason is withheld (null)
 * from everyone but the lead and that buyer, and so are the ids and content hashes of its needs
 * (as on `/live`). The event's hash stays the one of the recorded data.
 */
export function auditDataFor(
  p: Principal,
  s: StatementFacts,
  action: string,
  data: Record<string, unknown>,
): Record<string, unknown> {
  const orgId = typeof data.organisationId === 'string' ? data.organisationId : '';
  const withheld = [
    ...(buyerReasonActions.includes(action) && !canReadReasonOf(p, s, orgId) ? ['reason'] : []),
    ...(buyerNeedsFields[action] !== undefined && !canReadNeedsOf(p, s, orgId).allowed ? buyerNeedsFields[action] : []),
  ].filter((k) => data[k] !== undefined && data[k] !== null);
  return withheld.length === 0 ? data : { ...data, ...Object.fromEntries(withheld.map((k) => [k, null])) };
}

/**
 * Who may know a statement exists before publication: its buyers, Commission staff and
 * administrators. To everyone else it answers 404, so unpublished demand does not leak.
 */
export function canSee(p: Principal, s: StatementFacts): boolean {
  if (s.stage === 'published') return true;
  if (p.isAdmin || isCommission(p) || isLead(p, s)) return true;
  return p.orgKind === 'buyer' && s.participantStatus !== null;
}

/**
 * What an organisation that left may still do: read the statement as far as it concerns itself
 * (`view`: its own participation, the survey it answered; the views show it no one else's row or
 * figure) — its own needs are `canReadNeedsOf`'s. Nothing else: no aggregate, no text, no naming
 * consent, no answer, no request to sign.
 */
const actionsAfterLeaving: readonly StatementAction[] = ['view'];

export function decide(p: Principal, action: StatementAction, s: StatementFacts): Decision {
  if (!canSee(p, s)) return { allowed: false, code: 'not_found', reason: 'statement not found' };
  if (hasLeft(p, s) && !actionsAfterLeaving.includes(action)) {
    return forbid(
      `your organisation ${s.participantStatus === 'declined' ? 'declined the invitation to' : s.participantStatus === 'dropped' ? 'dropped out of' : 'withdrew from'} this statement: it reads its own participation and needs only`,
    );
  }
  switch (action) {
    case 'view':
      return allow;
    case 'viewAudit':
      return isLead(p, s) || isCommission(p) || p.isAdmin
        ? allow
        : forbid('only the lead buyer, Commission staff and administrators read the audit log');
    case 'edit':
    case 'invite':
    case 'exportAggregate':
    case 'decideShortfall':
    case 'retryAggregation':
    case 'openNeedsAssessment':
    case 'defineSurvey':
    case 'manageDeadlines':
      return isLead(p, s) ? allow : forbid('only the lead buyer may do this');
    case 'viewSurveyResults':
      // Every participant's answers and lines, as the lead reads them (canReadNeedsOf): not Commission
      // staff, administrators or the other participants, who see statuses and protected aggregates.
      return isLead(p, s)
        ? allow
        : forbid('the survey results (every participant’s answers and need lines) are the lead buyer’s to read');
    case 'viewNeedsOverview':
      return isLead(p, s) || isCommission(p) || p.isAdmin
        ? allow
        : forbid('only the lead buyer and Commission staff follow who has done what');
    case 'actOnOwnNeeds':
      return isLead(p, s) || (p.orgKind === 'buyer' && s.participantStatus !== null)
        ? allow
        : forbid('only a participating buyer has needs in this statement');
    case 'viewAggregate':
      // Totals are shared with whoever still takes part; a buyer that declined or dropped out does not follow them.
      return isLead(p, s) ||
        isCommission(p) ||
        p.isAdmin ||
        (p.orgKind === 'buyer' &&
          s.participantStatus !== null &&
          ['joined', 'submitted', 'confirmed'].includes(s.participantStatus))
        ? allow
        : forbid('the aggregate is shared with the lead buyer, the participating buyers and Commission staff');
    case 'respondToInvitation':
      return p.orgKind === 'buyer' && s.participantStatus !== null && !isLead(p, s)
        ? allow
        : forbid('only an invited buyer organisation may answer an invitation');
    case 'setGrouping':
      return isLead(p, s) || isCommission(p)
        ? allow
        : forbid('only the lead buyer or Commission staff set the programme grouping');
    case 'cancel':
      return isLead(p, s) || p.isAdmin ? allow : forbid('only the lead buyer or an administrator may cancel');
    case 'manageConsultation':
    case 'editStatementText':
    case 'publishWithoutMissing':
    case 'decideSignatory':
      return isLead(p, s) ? allow : forbid('only the lead buyer may do this');
    case 'viewConsultation':
      // Suppliers' responses and who asked what stay with the lead (and oversight); suppliers see only the published answers.
      return isLead(p, s) || isCommission(p) || p.isAdmin
        ? allow
        : forbid('suppliers’ responses are read by the lead buyer and Commission staff only');
    case 'consentToNaming':
      return p.orgKind === 'buyer' && (isLead(p, s) || s.participantStatus !== null)
        ? allow
        : forbid('only a participating buyer decides whether it is named');
    case 'viewStatementText':
      return isLead(p, s) ||
        isCommission(p) ||
        p.isAdmin ||
        (p.orgKind === 'buyer' &&
          s.participantStatus !== null &&
          ['joined', 'submitted', 'confirmed'].includes(s.participantStatus))
        ? allow
        : forbid(
            'the statement text is shared with the lead buyer, the participating buyers and Commission staff before publication',
          );
    case 'approveStatement':
      return p.orgKind === 'buyer' && (isLead(p, s) || s.participantStatus === 'confirmed')
        ? mayActBindingly(p.roles, 'approveStatement')
        : forbid('only a buyer that confirmed its needs approves the statement');
    case 'requestToSign':
      return p.orgKind === 'buyer' && !isLead(p, s)
        ? mayActBindingly(p.roles, 'requestToSign')
        : forbid('only another buyer organisation may ask to sign');
  }
}
