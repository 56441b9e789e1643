import { defineQuery, defineSignal, defineUpdate } from '@temporalio/workflow';

import type { Actor, FreeText } from '../../domain/events.js';
import type { ProcessFailure } from '../../domain/process-failures.js';
import type { StatementDetails } from '../../domain/statement.js';
import type { ParticipantStatus, Stage } from '../../rules/stages.js';

/**
 * Message definitions shared by the workflow and its clients (the API, tests, tools), so both
 * sides agree on names and shapes by construction.
 */
export const statementWorkflowType = 'jointStatementWorkflow';
export const statementWorkflowId = (statementId: string): string => `statement-${statementId}`;

export interface StatementWorkflowInput {
  statementId: string;
  leadOrgId: string;
}

export interface ParticipantState {
  orgId: string;
  status: ParticipantStatus;
  /** Number of the latest submitted needs version, if any. */
  version: number | null;
  versionId: string | null;
  contentHash: string | null;
}

/** The live process state, as the workflow itself sees it. */
export interface StatementLiveState {
  statementId: string;
  leadOrgId: string;
  stage: Stage;
  stageEnteredAt: string;
  /** Deadline of the current stage, if it has one. */
  deadline: string | null;
  detailsVersion: number;
  detailsHash: string;
  participants: ParticipantState[];
  surveyVersion: number;
  /** How many times the needs assessment has been opened (a shortfall can reopen it). */
  round: number;
  /** The latest aggregate snapshot and its verdict, once aggregated. */
  aggregate: { snapshotId: string; snapshotHash: string; criticalMassMet: boolean; failedRules: string[] } | null;
  /** Why aggregation cannot complete (e.g. a missing exchange rate), until it is retried. */
  aggregationBlocked: {
    message: string;
    /** With `code` and `values` for a rate problem (rules/exchange-rates.ts), as the activity raised them. */
    problems: { field: string; rule: string; code?: string; values?: Record<string, string | number | null> }[];
    /** When the attempt blocked (workflow time); absent on a state recorded before it was kept. */
    at?: string;
  } | null;
  /** The cancellation reason's id and hash (the text itself in runs from before reasons left the histories). */
  cancelReason: FreeText | null;
  /**
   * A step the workflow took on its own (a deadline, a stage change, a reminder) that failed in a
   * way no retry fixes, with what the lead can do: fix the cause and close the stage, extend the
   * deadline, or cancel. Null while all is well.
   */
  processFailure: ProcessFailure | null;
}

/**
 * What every state-changing update answers: small and of constant size. Update results are kept
 * in the workflow history, so returning the whole live state (every participant) would make a
 * statement with n buyers write O(n²) bytes; clients that need more query `liveState`.
 */
export interface StatementAck {
  stage: Stage;
  deadline: string | null;
  detailsVersion: number;
  round: number;
}

export interface CreateStatementRequest {
  actor: Actor;
  details: StatementDetails;
  detailsHash: string;
}

export interface EditStatementRequest {
  actor: Actor;
  details: StatementDetails;
  detailsHash: string;
  /** Optimistic concurrency: the version the editor started from. */
  expectedVersion?: number;
}

export interface InviteBuyersRequest {
  actor: Actor;
  orgIds: string[];
}

export interface InviteBuyersResult {
  invited: string[];
  alreadyInvited: string[];
  state: StatementAck;
}

export interface AnswerInvitationRequest {
  actor: Actor;
  accept: boolean;
  reason?: FreeText;
}

export interface OpenNeedsAssessmentRequest {
  actor: Actor;
  /** Explicit deadline (ISO 8601); otherwise now + the schedule's needs-assessment duration. */
  deadline?: string;
}

export interface CancelStatementRequest {
  actor: Actor;
  reason: FreeText;
}

export interface DefineSurveyRequest {
  actor: Actor;
  questions: unknown[];
  surveyHash: string;
}

export interface SubmitNeedsRequest {
  actor: Actor;
  /** Hash of the validated draft; the draft must still have it when it is locked. */
  contentHash: string;
}

export interface SubmitNeedsResult {
  versionId: string;
  version: number;
}

export interface WithdrawNeedsRequest {
  actor: Actor;
  reason: FreeText;
}

export interface ConfirmNeedsRequest {
  actor: Actor;
  /** The version being signed off; must be the organisation's latest submission. */
  versionId: string;
}

export interface ExtendDeadlineRequest {
  actor: Actor;
  deadline: string;
}

export interface CloseStageRequest {
  actor: Actor;
}

export type ShortfallDecision =
  | { decision: 'extend'; deadline: string }
  | { decision: 'proceed'; justification: FreeText }
  | { decision: 'abandon'; reason: FreeText };

export type DecideShortfallRequest = { actor: Actor } & ShortfallDecision;

export interface RetryAggregationRequest {
  actor: Actor;
}

export const createStatementUpdate = defineUpdate<StatementAck, [CreateStatementRequest]>('createStatement');
export const editStatementUpdate = defineUpdate<StatementAck, [EditStatementRequest]>('editStatement');
export const inviteBuyersUpdate = defineUpdate<InviteBuyersResult, [InviteBuyersRequest]>('inviteBuyers');
export const answerInvitationUpdate = defineUpdate<StatementAck, [AnswerInvitationRequest]>('answerInvitation');
export const openNeedsAssessmentUpdate = defineUpdate<StatementAck, [OpenNeedsAssessmentRequest]>(
  'openNeedsAssessment',
);
export const cancelStatementUpdate = defineUpdate<StatementAck, [CancelStatementRequest]>('cancelStatement');

export const defineSurveyUpdate = defineUpdate<{ version: number }, [DefineSurveyRequest]>('defineSurvey');
export const submitNeedsUpdate = defineUpdate<SubmitNeedsResult, [SubmitNeedsRequest]>('submitNeeds');
export const withdrawNeedsUpdate = defineUpdate<StatementAck, [WithdrawNeedsRequest]>('withdrawNeeds');
export const confirmNeedsUpdate = defineUpdate<StatementAck, [ConfirmNeedsRequest]>('confirmNeeds');
export const extendDeadlineUpdate = defineUpdate<StatementAck, [ExtendDeadlineRequest]>('extendDeadline');
export const closeStageUpdate = defineUpdate<StatementAck, [CloseStageRequest]>('closeStage');

export const decideShortfallUpdate = defineUpdate<StatementAck, [DecideShortfallRequest]>('decideShortfall');
export const retryAggregationUpdate = defineUpdate<StatementAck, [RetryAggregationRequest]>('retryAggregation');

export const liveStateQuery = defineQuery<StatementLiveState>('liveState');

/** What a participation signal tells besides the change itself. */
export interface ParticipationChange {
  /** Whether any of the actions it stands for queued mail (a confirmation queues none). */
  mailQueued: boolean;
}

/**
 * A buyer's action was committed in PostgreSQL (answer, submission, withdrawal, confirmation).
 * The workflow coalesces any number of them into one read of the counts, and one round of mail
 * delivery if one of them queued mail (design § Principles). Sent without a body before it said so.
 */
export const participationChangedSignal = defineSignal<[ParticipationChange?]>('participationChanged');
