/**
 * The joint statement's stage machine. The workflow is the only writer of stages; this module
 * is the single definition of which moves exist, shared by the workflow, the API and the web.
 */
export const stages = [
  'draft',
  'needs_assessment',
  'confirmation',
  'aggregation',
  'shortfall',
  'market_engagement',
  'approval',
  'published',
  'cancelled',
  'abandoned',
] as const;

export type Stage = (typeof stages)[number];

export const terminalStages: readonly Stage[] = ['cancelled', 'abandoned'];

const transitions: Readonly<Record<Stage, readonly Stage[]>> = {
  draft: ['needs_assessment', 'cancelled'],
  needs_assessment: ['confirmation', 'cancelled'],
  confirmation: ['aggregation', 'cancelled'],
  // Aggregation is computed, then the threshold check sends it one way or the other.
  aggregation: ['market_engagement', 'shortfall', 'cancelled'],
  // Shortfall: extend or invite more (back to needs assessment), proceed anyway, or give up.
  shortfall: ['needs_assessment', 'market_engagement', 'abandoned', 'cancelled'],
  market_engagement: ['approval', 'cancelled'],
  approval: ['published', 'cancelled'],
  // A published statement stays open to new signatories; it is an outcome, not a stage to cancel.
  published: [],
  cancelled: [],
  abandoned: [],
};

export function allowedTransitions(from: Stage): readonly Stage[] {
  return transitions[from];
}

export function canTransition(from: Stage, to: Stage): boolean {
  return transitions[from].includes(to);
}

export function isTerminal(stage: Stage): boolean {
  return terminalStages.includes(stage);
}

export function isStage(value: unknown): value is Stage {
  return typeof value === 'string' && (stages as readonly string[]).includes(value);
}

/** Participation states of a buyer organisation in one statement. */
export const participantStatuses = [
  'invited',
  'declined',
  'joined',
  'submitted',
  'confirmed',
  'withdrawn',
  'dropped',
] as const;

export type ParticipantStatus = (typeof participantStatuses)[number];

/** Statuses of an organisation that is (still) taking part. */
export const activeParticipantStatuses: readonly ParticipantStatus[] = ['joined', 'submitted', 'confirmed'];

/** Statuses of an organisation that left the statement (declined, withdrew or dropped out). */
export const leftParticipantStatuses: readonly ParticipantStatus[] = ['declined', 'withdrawn', 'dropped'];

/** Stages in which each process operation is open; anything else is answered with `wrong_stage`. */
export const operationStages = {
  editStatement: ['draft'],
  defineSurvey: ['draft', 'needs_assessment'],
  inviteBuyers: ['draft', 'needs_assessment', 'shortfall'],
  answerInvitation: ['draft', 'needs_assessment', 'shortfall'],
  openNeedsAssessment: ['draft'],
  saveNeeds: ['needs_assessment'],
  submitNeeds: ['needs_assessment'],
  withdrawNeeds: ['draft', 'needs_assessment', 'confirmation'],
  confirmNeeds: ['confirmation'],
  /** The lead ends the stage before its deadline, as the deadline would (the workflow's `closeStage`). */
  closeStage: ['needs_assessment', 'confirmation', 'market_engagement'],
  decideShortfall: ['shortfall'],
  /** A blocked or failed aggregation runs again. */
  retryAggregation: ['aggregation'],
  /** The request for information may change until the consultation closes. */
  setRequestForInformation: [
    'draft',
    'needs_assessment',
    'confirmation',
    'aggregation',
    'shortfall',
    'market_engagement',
  ],
  answerSupplierQuestions: ['market_engagement'],
  reviseStatementText: ['approval'],
  approveStatement: ['approval'],
  publishWithoutMissing: ['approval'],
  decideSignatory: ['published'],
} as const satisfies Record<string, readonly Stage[]>;

export type StatementOperation = keyof typeof operationStages;

export function operationOpen(operation: StatementOperation, stage: Stage): boolean {
  return (operationStages[operation] as readonly Stage[]).includes(stage);
}

/** Cancellation is possible until the statement is published or has otherwise ended. */
export function canCancel(stage: Stage): boolean {
  return canTransition(stage, 'cancelled');
}

/** Stages that run against a deadline the lead can extend or close early. */
export const deadlineStages = [
  'needs_assessment',
  'confirmation',
  'market_engagement',
  'approval',
] as const satisfies readonly Stage[];
export type DeadlineStage = (typeof deadlineStages)[number];
export function isDeadlineStage(stage: Stage): stage is DeadlineStage {
  return (deadlineStages as readonly Stage[]).includes(stage);
}

/** Who "has not acted yet" in a stage, and so receives its reminders. */
export const awaitingInStage: Partial<Record<Stage, readonly ParticipantStatus[]>> = {
  needs_assessment: ['invited', 'joined'],
  confirmation: ['submitted'],
};
