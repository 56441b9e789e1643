import type { Stage } from '../rules/stages.js';
import { decideAgreement } from './agreement-authorization.js';
import type { AgreementPartyStatus, AgreementStatus } from './agreement-process.js';
import { allowedActionsFor, type ViewerAction } from './allowed-actions.js';
import { isLead, type Principal, type StatementFacts } from './authorization.js';

/**
 * What is due for one user ("what is due" page, its calendar feed, the invitation's calendar
 * event): each thing the user's organisation has to do on a statement, until when, and where.
 * Nothing here is a rule of its own: a buyer's and the lead's items are the actions
 * `allowedActionsFor` offers the viewer now (so only what the viewer may see and do), the
 * agreement's those `decideAgreement` allows; the deadline is the one stored with the statement
 * (its stage's deadline) or the agreement (its signature deadline).
 */
export const dueKinds = [
  // A buyer's own steps.
  'answerInvitation',
  'submitNeeds',
  'confirmNeeds',
  'approveStatement',
  'answerAgreementInvitation',
  'signAgreement',
  // A supplier's.
  'answerConsultation',
  // The lead's decisions.
  'openNeedsAssessment',
  'closeNeedsAssessment',
  'closeConfirmation',
  'closeConsultation',
  'closeApproval',
  'decideShortfall',
  'publishStatement',
] as const;
export type DueKind = (typeof dueKinds)[number];

/** One statement as the due rule reads it, seen from the viewer's organisation. */
export interface DueStatementFacts extends StatementFacts {
  statementId: string;
  title: string;
  /** The current stage's deadline (epoch ms) as stored; null without one. */
  deadline: number | null;
  /** Whether the viewer's organisation has decided on the current statement text version (approval). */
  decidedOnCurrentText: boolean;
  /** The statement's agreement, if one was started. */
  agreement: {
    status: AgreementStatus;
    /** Epoch ms; null while none is set. */
    signatureDeadline: number | null;
    partyStatus: AgreementPartyStatus | null;
    /** Whether a version is out for signature and the viewer's organisation has signed it. */
    versionToSign: boolean;
    signedCurrentVersion: boolean;
  } | null;
}

/** An open consultation as a supplier sees it. */
export interface DueConsultationFacts {
  statementId: string;
  title: string;
  stage: Stage;
  deadline: number | null;
  /** Whether the consultation matches the supplier's subscription (the rule of the e-mailed notices). */
  matchesSubscription: boolean;
  /** Whether the supplier's organisation has answered the request for information. */
  responded: boolean;
}

export interface DueItem {
  /** Stable per statement and kind: `<statementId>/<kind>` (the calendar event's UID derives from it). */
  key: string;
  statementId: string;
  title: string;
  kind: DueKind;
  /** Epoch ms; null for a step without a deadline. */
  deadline: number | null;
  /** The web page where it is done. */
  link: string;
}

/** The viewer action that, offered now, makes each of the statement's items due. */
const fromActions: readonly {
  action: ViewerAction;
  kind: DueKind;
  page: string;
  when?: (f: DueStatementFacts) => boolean;
}[] = [
  { action: 'answerInvitation', kind: 'answerInvitation', page: '' },
  // A buyer that has submitted may submit again, but nothing is due from it any more.
  { action: 'submitNeeds', kind: 'submitNeeds', page: '/needs', when: (f) => f.participantStatus === 'joined' },
  { action: 'confirmNeeds', kind: 'confirmNeeds', page: '/needs' },
  { action: 'approveStatement', kind: 'approveStatement', page: '/approval', when: (f) => !f.decidedOnCurrentText },
  { action: 'openNeedsAssessment', kind: 'openNeedsAssessment', page: '' },
  { action: 'decideShortfall', kind: 'decideShortfall', page: '' },
  { action: 'publishWithoutMissing', kind: 'publishStatement', page: '/approval' },
];

/** For the lead, each stage with a deadline: the stage closes then unless it closes or extends it first. */
const leadStageDeadline: Partial<Record<Stage, DueKind>> = {
  needs_assessment: 'closeNeedsAssessment',
  confirmation: 'closeConfirmation',
  market_engagement: 'closeConsultation',
  approval: 'closeApproval',
};

const item = (f: { statementId: string; title: string }, kind: DueKind, deadline: number | null, page: string) => ({
  key: `${f.statementId}/${kind}`,
  statementId: f.statementId,
  title: f.title,
  kind,
  deadline,
  link: `/statements/${f.statementId}${page}`,
});

function statementItems(principal: Principal, f: DueStatementFacts, now: number): DueItem[] {
  const offered = new Set(allowedActionsFor(principal, f, now));
  const items: DueItem[] = fromActions
    .filter((a) => offered.has(a.action) && (a.when?.(f) ?? true))
    .map((a) => item(f, a.kind, f.deadline, a.page));
  const closing = leadStageDeadline[f.stage];
  // The approval's deadline passed: the lead's item is to publish (publishWithoutMissing above).
  if (closing && isLead(principal, f) && f.deadline !== null && !offered.has('publishWithoutMissing')) {
    items.push(item(f, closing, f.deadline, ''));
  }
  const a = f.agreement;
  if (a && a.status === 'negotiation') {
    const facts = { statement: f, exists: true, partyStatus: a.partyStatus };
    if (a.partyStatus === 'invited' && decideAgreement(principal, 'respond', facts).allowed) {
      items.push(item(f, 'answerAgreementInvitation', a.signatureDeadline, '/agreement'));
    }
    if (a.versionToSign && !a.signedCurrentVersion && decideAgreement(principal, 'sign', facts).allowed) {
      items.push(item(f, 'signAgreement', a.signatureDeadline, '/agreement'));
    }
  }
  return items;
}

function consultationItems(principal: Principal, c: DueConsultationFacts, now: number): DueItem[] {
  const open = c.stage === 'market_engagement' && (c.deadline === null || now < c.deadline);
  if (principal.orgKind !== 'supplier' || !open || !c.matchesSubscription || c.responded) return [];
  return [{ ...item(c, 'answerConsultation', c.deadline, ''), link: `/consultations/${c.statementId}` }];
}

/** The soonest deadline first; steps without a deadline last; then by title and kind, so the order is stable. */
export function compareDue(a: DueItem, b: DueItem): number {
  const da = a.deadline ?? Number.POSITIVE_INFINITY;
  const db = b.deadline ?? Number.POSITIVE_INFINITY;
  if (da !== db) return da < db ? -1 : 1;
  if (a.title !== b.title) return a.title < b.title ? -1 : 1;
  if (a.statementId !== b.statementId) return a.statementId < b.statementId ? -1 : 1;
  return dueKinds.indexOf(a.kind) - dueKinds.indexOf(b.kind);
}

/**
 * What is due for `principal` at `now`: from the statements its organisation leads or was
 * invited to (`statements`, each with the facts seen from that organisation) and, for a
 * supplier, the open consultations (`consultations`). Commission staff and administrators
 * follow the process; nothing is due from them.
 */
export function dueItemsFor(
  principal: Principal,
  statements: readonly DueStatementFacts[],
  consultations: readonly DueConsultationFacts[],
  now: number,
): DueItem[] {
  return [
    ...(principal.orgKind === 'buyer' ? statements.flatMap((f) => statementItems(principal, f, now)) : []),
    ...consultations.flatMap((c) => consultationItems(principal, c, now)),
  ].sort(compareDue);
}
