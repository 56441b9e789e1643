import type { ParticipantStatus } from '../rules/stages.js';

/**
 * The ways a buyer leaves a statement, each with its own wording on the statement page, in the
 * lists and in the e-mail (issue 18: after an early close, dropped buyers were told they "did not
 * submit before the deadline"). A buyer that drops out at a close is told what it had not done
 * (answered the invitation, submitted, confirmed) and whether the deadline passed or the lead
 * closed the stage early. The lead removing a buyer is not an action the product offers.
 */
export const leavingKinds = [
  'declined',
  'withdrew',
  'unansweredAtDeadline',
  'unansweredClosedEarly',
  'notSubmittedAtDeadline',
  'notSubmittedClosedEarly',
  'notConfirmedAtDeadline',
  'notConfirmedClosedEarly',
] as const;
export type LeavingKind = (typeof leavingKinds)[number];

/** The reason the workflow gives a stage change when the lead closes a stage before its deadline. */
export const closedEarlyReason = 'closed early by the lead buyer';

/** The stages whose close drops out who has not acted. */
export type DroppingStage = 'needs_assessment' | 'confirmation';

/**
 * The reason stored with a dropped buyer (`participants.status_reason`, seen by the lead and the
 * buyer): English, as the audit trail is; the pages and e-mails word it from `leavingOf`.
 */
export function droppedReason(stage: DroppingStage, closedEarly: boolean): string {
  if (stage === 'confirmation')
    return closedEarly
      ? 'did not confirm before the lead buyer closed the confirmation early'
      : 'did not confirm before the deadline';
  return closedEarly
    ? 'did not submit before the lead buyer closed the needs assessment early'
    : 'did not submit before the deadline';
}

const earlyReasons = new Set([droppedReason('needs_assessment', true), droppedReason('confirmation', true)]);

export interface LeavingFacts {
  status: ParticipantStatus;
  /** The status a dropped buyer had when its stage closed (null for older rows). */
  droppedFrom: ParticipantStatus | null;
  statusReason: string | null;
}

/** How the buyer left, or null while it is invited or taking part. */
export function leavingOf(p: LeavingFacts): LeavingKind | null {
  switch (p.status) {
    case 'declined':
      return 'declined';
    case 'withdrawn':
      return 'withdrew';
    case 'dropped': {
      const early = p.statusReason !== null && earlyReasons.has(p.statusReason);
      const notConfirmed =
        p.droppedFrom === 'submitted' || (p.droppedFrom === null && (p.statusReason ?? '').includes('confirm'));
      if (notConfirmed) return early ? 'notConfirmedClosedEarly' : 'notConfirmedAtDeadline';
      if (p.droppedFrom === 'invited') return early ? 'unansweredClosedEarly' : 'unansweredAtDeadline';
      return early ? 'notSubmittedClosedEarly' : 'notSubmittedAtDeadline';
    }
    default:
      return null;
  }
}

/** Whether the buyer's stored reason is its own words (declining, withdrawing) rather than the process's. */
export function reasonIsOwnWords(kind: LeavingKind | null): boolean {
  return kind === 'declined' || kind === 'withdrew';
}
