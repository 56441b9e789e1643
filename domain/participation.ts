import { operationOpen, type ParticipantStatus, type Stage } from '../rules/stages.js';
import type { ErrorCode, FieldProblem } from './errors.js';

/**
 * A buyer's own actions on a statement. Each is committed in PostgreSQL by the API (design §
 * Principles: a buyer's action never queues behind the others' in the workflow), so these rules
 * are the one place that says who may act, in which stage and until when: the API checks them in
 * the transaction that records the action, the workflow's validators of the older update path
 * check them too, and the statement view lists the actions they allow.
 */
export const buyerActions = ['answerInvitation', 'saveNeeds', 'submitNeeds', 'withdrawNeeds', 'confirmNeeds'] as const;
export type BuyerAction = (typeof buyerActions)[number];

/** What the rules read: the statement's stage and deadline and the buyer's status, as committed. */
export interface ParticipationFacts {
  stage: Stage;
  /** Epoch milliseconds; null for a stage without a deadline. */
  deadline: number | null;
  /** null when the organisation does not take part. */
  status: ParticipantStatus | null;
  /** The buyer's latest submitted (not yet confirmed) version, for a confirmation. */
  latestSubmittedVersionId?: string | null;
}

export interface Refusal {
  code: ErrorCode;
  message: string;
  problems: FieldProblem[];
}

/** The statuses from which each action is possible. */
const fromStatuses: Record<BuyerAction, readonly ParticipantStatus[]> = {
  answerInvitation: ['invited'],
  saveNeeds: ['joined', 'submitted'],
  submitNeeds: ['joined', 'submitted'],
  withdrawNeeds: ['joined', 'submitted'],
  confirmNeeds: ['submitted'],
};

/** Actions that close with the stage's deadline (an invitation may be answered until the stage changes). */
const boundByDeadline: Record<BuyerAction, boolean> = {
  answerInvitation: false,
  saveNeeds: true,
  submitNeeds: true,
  withdrawNeeds: false,
  confirmNeeds: true,
};

const doing: Record<BuyerAction, string> = {
  answerInvitation: 'Answering the invitation',
  saveNeeds: 'Entering needs',
  submitNeeds: 'Submitting needs',
  withdrawNeeds: 'Withdrawing from the statement',
  confirmNeeds: 'Confirming needs',
};

/**
 * Why `action` is refused now, or null when it is allowed. The order matters to the caller:
 * taking part, then the stage, then the deadline, then the buyer's own status.
 */
export function refusalOf(
  action: BuyerAction,
  facts: ParticipationFacts,
  now: number,
  request: { versionId?: string } = {},
): Refusal | null {
  if (facts.status === null)
    return { code: 'forbidden', message: 'Your organisation does not take part in this statement', problems: [] };
  if (!operationOpen(action, facts.stage)) {
    return {
      code: 'wrong_stage',
      message: `${doing[action]} is not possible while the statement is in ${facts.stage}`,
      problems: [],
    };
  }
  if (boundByDeadline[action] && facts.deadline !== null && now >= facts.deadline) {
    return {
      code: 'deadline_passed',
      message: `The deadline of this stage passed at ${new Date(facts.deadline).toISOString()}`,
      problems: [],
    };
  }
  if (!fromStatuses[action].includes(facts.status)) {
    return {
      code: 'conflict',
      message: `${doing[action]} is not possible for an organisation whose status is ${facts.status}`,
      problems: [],
    };
  }
  if (
    action === 'confirmNeeds' &&
    request.versionId !== undefined &&
    request.versionId !== facts.latestSubmittedVersionId
  ) {
    return {
      code: 'conflict',
      message: `Version ${request.versionId} is not your latest submission`,
      problems: [{ field: 'versionId', rule: 'must be the latest submitted version of your needs' }],
    };
  }
  return null;
}

/** The buyer actions the rules allow now, for the statement view (the web shows exactly these). */
export function allowedBuyerActions(facts: ParticipationFacts, now: number): BuyerAction[] {
  return buyerActions.filter((action) => refusalOf(action, facts, now) === null);
}

/** Counts of participants by status, as the workflow keeps them instead of the participants. */
export type ParticipationCounts = Partial<Record<ParticipantStatus, number>>;

/** The confirmation ends on its own once nobody is left to confirm. */
export function everyoneHasConfirmed(counts: ParticipationCounts): boolean {
  return (counts.submitted ?? 0) === 0;
}

/**
 * Whether an action taken in `stage` may end it before its deadline: only in the confirmation,
 * which ends once nobody is left to confirm (`everyoneHasConfirmed`, read after the action
 * committed). The statement's workflow must hear of such an action even if it queued no mail.
 */
export function actionMayEndStage(stage: Stage): boolean {
  return stage === 'confirmation';
}
