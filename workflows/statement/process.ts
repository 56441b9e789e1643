import { ApplicationFailure, currentUpdateInfo, patched, uuid4 } from '@temporalio/workflow';

import type { StatementActivities, StatementStepResult } from '../../activities/statement-activities.js';
import type { ErrorCode, FieldProblem } from '../../domain/errors.js';
import type { Actor, FreeText, StatementEventBody, WithTextRefs } from '../../domain/events.js';
import { type BuyerAction, type ParticipationCounts, refusalOf } from '../../domain/participation.js';
import type { ProcessFailure } from '../../domain/process-failures.js';
import type { Schedule } from '../../domain/statement.js';
import {
  canTransition,
  operationOpen,
  type ParticipantStatus,
  type Stage,
  type StatementOperation,
} from '../../rules/stages.js';
import { proxyStepActivities } from '../activity-policies.js';
import { ProcessUpdates } from '../kernel/process-updates.js';
import type { RememberedAnswer } from '../kernel/remembered-answers.js';
import { ProcessLock } from '../lock.js';
import type { MarketProcessState } from './market-messages.js';
import { type StatementAck, type StatementLiveState, type StatementWorkflowInput } from './messages.js';

// A rule broken inside the activity (a draft changed since it was validated, a record the
// database refuses) is final; an outage is retried, briefly inside an update, patiently otherwise.
const statementSteps = proxyStepActivities<StatementActivities>({ startToCloseTimeout: '1 minute' });

export interface ParticipantEntry {
  status: ParticipantStatus;
  version: number | null;
  versionId: string | null;
  contentHash: string | null;
  /** The status before dropping out, restored if the needs assessment reopens. */
  droppedFrom: ParticipantStatus | null;
}

/** What survives continue-as-new: ids, statuses and hashes only, never documents. */
export interface StatementProcessState {
  statementId: string;
  leadOrgId: string;
  created: boolean;
  stage: Stage;
  stageEnteredAt: number;
  deadline: number | null;
  /** When the current deadline was set or last extended. */
  deadlineSetAt: number | null;
  detailsVersion: number;
  detailsHash: string;
  schedule: Schedule | null;
  participants: Record<string, ParticipantEntry>;
  surveyVersion: number;
  surveyHash: string;
  round: number;
  /** Reminders already sent for the current deadline, as `${stage}|${deadline}|${offset}`. */
  remindersSent: string[];
  aggregate: StatementLiveState['aggregate'];
  aggregationBlocked: StatementLiveState['aggregationBlocked'];
  retryAggregationRequested: boolean;
  /** The reason's id and hash (a string in runs from before reasons left the histories). */
  cancelReason: FreeText | null;
  mailPending: boolean;
  /** The latest completed updates and their answers, carried across continue-as-new (see onUpdate). */
  completedUpdates?: RememberedAnswer[];
  /** Market engagement, approval and publication (absent in runs started before they existed). */
  market?: MarketProcessState;
  /** A step the workflow took on its own that failed for good, until the lead acts (absent in older runs). */
  processFailure?: ProcessFailure | null;
  /**
   * Participants by status as PostgreSQL last reported them (runs whose buyers act in the
   * database; `participants` then holds only what older runs carried).
   */
  participation?: ParticipationCounts;
}

/**
 * Buyers' actions are committed in PostgreSQL by the API and signalled (design § Principles):
 * decisions taken after this patch read who has acted from the database, through an activity,
 * instead of the participants an older run carried.
 */
export const participantsInDatabasePatch = 'participants-in-database';

export function initialState(input: StatementWorkflowInput, now: number): StatementProcessState {
  return {
    statementId: input.statementId,
    leadOrgId: input.leadOrgId,
    created: false,
    stage: 'draft',
    stageEnteredAt: now,
    deadline: null,
    deadlineSetAt: null,
    detailsVersion: 0,
    detailsHash: '',
    schedule: null,
    participants: {},
    surveyVersion: 0,
    surveyHash: '',
    round: 0,
    remindersSent: [],
    aggregate: null,
    aggregationBlocked: null,
    retryAggregationRequested: false,
    cancelReason: null,
    mailPending: false,
  };
}

export function reject(code: ErrorCode, message: string, problems: FieldProblem[] = []): never {
  throw ApplicationFailure.create({ type: code, message, details: [problems], nonRetryable: true });
}

/**
 * The statement's process: its state, and the few primitives every stage uses to change it
 * (record an event through an activity, move to another stage, check who may act).
 */
export class StatementProcess {
  readonly lock = new ProcessLock();
  /** Updates: answered once across continue-as-new, refused while the run hands over (the kernel). */
  readonly updates: ProcessUpdates;
  /** The event the workflow last recorded on its own (not for an update): names a failed step. */
  backgroundStep: string | null = null;
  /** A buyer acted since the counts were last read (a signal); a new run reads them once. */
  participationStale = true;

  constructor(readonly state: StatementProcessState) {
    this.updates = new ProcessUpdates(state);
  }

  /** Registers an update handler with the kernel's dedupe, hand-over and seal checks (`ProcessUpdates`). */
  readonly onUpdate: ProcessUpdates['register'] = (definition, handler, options) =>
    this.updates.register(definition, handler, options);

  ack(): StatementAck {
    const s = this.state;
    return {
      stage: s.stage,
      deadline: s.deadline === null ? null : new Date(s.deadline).toISOString(),
      detailsVersion: s.detailsVersion,
      round: s.round,
    };
  }

  liveState(): StatementLiveState {
    const s = this.state;
    return {
      statementId: s.statementId,
      leadOrgId: s.leadOrgId,
      stage: s.stage,
      stageEnteredAt: new Date(s.stageEnteredAt).toISOString(),
      deadline: s.deadline === null ? null : new Date(s.deadline).toISOString(),
      detailsVersion: s.detailsVersion,
      detailsHash: s.detailsHash,
      participants: Object.entries(s.participants).map(([orgId, p]) => ({
        orgId,
        status: p.status,
        version: p.version,
        versionId: p.versionId,
        contentHash: p.contentHash,
      })),
      surveyVersion: s.surveyVersion,
      round: s.round,
      aggregate: s.aggregate,
      aggregationBlocked: s.aggregationBlocked,
      cancelReason: s.cancelReason,
      processFailure: s.processFailure ?? null,
    };
  }

  /** Writes one event through an activity; the update's id (or a replay-stable uuid) makes it idempotent. */
  async record(actor: Actor | null, body: WithTextRefs<StatementEventBody>): Promise<StatementStepResult> {
    const result = await statementSteps().recordStatementEvent({
      ...body,
      eventKey: this.eventKey(body.kind),
      statementId: this.state.statementId,
      actor,
      at: new Date().toISOString(),
    });
    if (result.mailQueued > 0) this.state.mailPending = true;
    return result;
  }

  /** The key of an event (`kind`); a step taken on its own is remembered as `step` to name it if it fails. */
  private eventKey(kind: string, step = kind): string {
    const updateId = currentUpdateInfo()?.id;
    if (!updateId) this.backgroundStep = step;
    return updateId ? `update:${updateId}:${kind}` : `process:${uuid4()}`;
  }

  /** True once buyers' actions are read from PostgreSQL (see `participantsInDatabasePatch`). */
  participantsInDatabase(): boolean {
    return patched(participantsInDatabasePatch);
  }

  /**
   * Reads the participants' counts again if a buyer acted since (coalescing any number of
   * signals), or always with `fresh` (a decision that must not rest on a lost signal).
   */
  async refreshParticipation(fresh = false): Promise<ParticipationCounts> {
    if (fresh || this.participationStale || !this.state.participation) {
      this.participationStale = false;
      this.state.participation = await statementSteps().readParticipation({ statementId: this.state.statementId });
    }
    return this.state.participation;
  }

  /** Who has one of `statuses` now, read from PostgreSQL. */
  async participantsWithStatus(...statuses: ParticipantStatus[]): Promise<string[]> {
    return statementSteps().participantsWithStatus({ statementId: this.state.statementId, statuses });
  }

  /**
   * Ends a stage with a deadline in one activity, under the row lock buyers' actions take: who has
   * not acted drops out and `to` opens. See `StatementActivities.closeStage`.
   */
  async closeStage(actor: Actor | null, to: Stage, deadline: number | null, reason: FreeText | null): Promise<void> {
    const from = this.state.stage;
    if (!canTransition(from, to)) reject('wrong_stage', `A statement cannot move from ${from} to ${to}`);
    const result = await statementSteps().closeStage({
      statementId: this.state.statementId,
      from,
      to,
      deadline: deadline === null ? null : new Date(deadline).toISOString(),
      reason: typeof reason === 'string' ? reason : null,
      actor,
      // Named as the stage change it is, for the lead's alert if it fails (`ProcessFailureNotice`).
      eventKey: this.eventKey('close_stage', 'stage_changed'),
      at: new Date().toISOString(),
    });
    if (result.stage !== to)
      reject('conflict', `The statement was in ${result.stage ?? 'no stage'} when ${from} was to close`);
    if (result.mailQueued > 0) this.state.mailPending = true;
    this.participationStale = true;
    this.enteredStage(to, deadline);
  }

  async enterStage(actor: Actor | null, to: Stage, deadline: number | null, reason: FreeText | null): Promise<void> {
    const from = this.state.stage;
    if (!canTransition(from, to)) reject('wrong_stage', `A statement cannot move from ${from} to ${to}`);
    await this.record(actor, {
      kind: 'stage_changed',
      from,
      to,
      deadline: deadline === null ? null : new Date(deadline).toISOString(),
      reason,
    });
    this.enteredStage(to, deadline);
  }

  private enteredStage(to: Stage, deadline: number | null): void {
    this.state.stage = to;
    // A failure recorded in the stage it leaves is over.
    this.state.processFailure = null;
    this.state.stageEnteredAt = Date.now();
    this.state.deadline = deadline;
    this.state.deadlineSetAt = Date.now();
    this.state.remindersSent = [];
  }

  orgsWithStatus(...statuses: ParticipantStatus[]): string[] {
    return Object.entries(this.state.participants)
      .filter(([, p]) => statuses.includes(p.status))
      .map(([orgId]) => orgId);
  }

  requireCreated(): void {
    if (!this.state.created) reject('not_found', 'The statement does not exist yet');
  }

  requireOpen(operation: StatementOperation): void {
    this.requireCreated();
    if (!operationOpen(operation, this.state.stage)) {
      reject('wrong_stage', `${operation} is not possible while the statement is in ${this.state.stage}`);
    }
  }

  requireBeforeDeadline(): void {
    if (this.state.deadline !== null && Date.now() >= this.state.deadline) {
      reject('deadline_passed', `The deadline of this stage passed at ${new Date(this.state.deadline).toISOString()}`);
    }
  }

  requireLead(actor: Actor): void {
    if (actor.orgId !== this.state.leadOrgId) reject('forbidden', 'Only the lead buyer may do this');
  }

  /**
   * Runs that carried the participants (their buyers' actions were updates): the same rules the
   * API applies in PostgreSQL (`domain/participation.ts`), read from the carried state.
   */
  requireAllowed(action: BuyerAction, actor: Actor, request: { versionId?: string } = {}): ParticipantEntry {
    const entry = this.state.participants[actor.orgId];
    const facts = {
      stage: this.state.stage,
      deadline: this.state.deadline,
      status: entry?.status ?? null,
      latestSubmittedVersionId: entry?.versionId ?? null,
    };
    const refusal = refusalOf(action, facts, Date.now(), request);
    if (refusal) reject(refusal.code, refusal.message, refusal.problems);
    return entry!;
  }
}
