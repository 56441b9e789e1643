import type { Db } from '../db/database.js';
import { lockForStageChange, participationCounts } from '../db/participation.js';
import { forHistory, type RecordResult } from '../db/record-event.js';
import { participantOrgIds } from '../db/statements.js';
import type { LpSolver } from '../domain/disclosure/linear-program.js';
import type { Actor, StatementEvent, WithTextRefs } from '../domain/events.js';
import { closedEarlyReason } from '../domain/leaving.js';
import type { ParticipationCounts } from '../domain/participation.js';
import type { ProcessFailureAction } from '../domain/process-failures.js';
import { recordStatementEvent, recordStatementEventIn } from '../mail/notices/record-statement-event.js';
import { awaitingInStage, type ParticipantStatus, type Stage } from '../rules/stages.js';

export interface StatementActivityDeps {
  db: Db;
  publicUrl: string;
  solver: LpSolver;
}

export type { RecordResult };

/** A recorded event, and for an invitation the organisations it newly invited (ids only). */
export interface StatementStepResult extends RecordResult {
  invited?: string[];
}

/** A stage with a deadline closes: who has not acted drops out and the next stage opens, at once. */
export interface CloseStageRequest {
  statementId: string;
  from: Stage;
  to: Stage;
  /** The next stage's deadline, ISO 8601. */
  deadline: string | null;
  reason: string | null;
  actor: Actor | null;
  /** Makes the step idempotent: the events are keyed `${eventKey}:participants_dropped` and `${eventKey}:stage_changed`. */
  eventKey: string;
  at: string;
}

/** A step the workflow took on its own failed for good: what the workflow recorded, ids and codes only. */
export interface ProcessFailureRecord {
  statementId: string;
  /** The run that recorded it: with `at`, the failure's key (a retried activity records nothing again). */
  runId: string;
  step: string;
  type: string;
  actions: ProcessFailureAction[];
  /** The failure's time, as kept in the workflow's state. */
  at: string;
}

export function createStatementActivities(deps: StatementActivityDeps) {
  const { db } = deps;
  return {
    async recordStatementEvent(event: WithTextRefs<StatementEvent>): Promise<StatementStepResult> {
      const outcome = await recordStatementEvent(db, deps, event);
      return {
        ...forHistory(outcome),
        ...(event.kind === 'buyers_invited'
          ? { invited: (outcome.recorded.organisationIds as string[] | undefined) ?? [] }
          : {}),
      };
    },

    /**
     * Closes a stage in one transaction under the statement's row lock, which buyers' actions take
     * too: an action committed before counts (its buyer does not drop out), one after is refused
     * for the new stage. Answers with the stage as committed: a retry finds it moved on already.
     */
    async closeStage(request: CloseStageRequest): Promise<RecordResult & { stage: Stage | null }> {
      return db.transaction().execute(async (trx) => {
        const stage = await lockForStageChange(trx, request.statementId);
        if (stage !== request.from) return { duplicate: true, mailQueued: 0, stage: stage ?? null };
        const base = { statementId: request.statementId, actor: request.actor, at: request.at };
        let mailQueued = 0;
        const awaiting = awaitingInStage[request.from] ?? [];
        const counts = await participationCounts(trx, request.statementId);
        if (awaiting.some((status) => (counts[status] ?? 0) > 0)) {
          const dropped = await recordStatementEventIn(trx, deps, {
            ...base,
            kind: 'participants_dropped',
            stage: request.from,
            ...(request.reason === closedEarlyReason ? { closedEarly: true } : {}),
            eventKey: `${request.eventKey}:participants_dropped`,
          });
          mailQueued += dropped.mailQueued;
        }
        const changed = await recordStatementEventIn(trx, deps, {
          ...base,
          kind: 'stage_changed',
          from: request.from,
          to: request.to,
          deadline: request.deadline,
          reason: request.reason,
          eventKey: `${request.eventKey}:stage_changed`,
        });
        return { duplicate: false, mailQueued: mailQueued + changed.mailQueued, stage: request.to };
      });
    },

    /**
     * Records a process failure as the statement event `process_failed` (the audit trail, the
     * dashboard's row, the lead's e-mail), keyed by the run and the failure's time.
     */
    async recordProcessFailure(failure: ProcessFailureRecord): Promise<RecordResult> {
      const outcome = await recordStatementEvent(db, deps, {
        kind: 'process_failed',
        step: failure.step,
        type: failure.type,
        actions: failure.actions,
        eventKey: `process-failure:${failure.runId}:${failure.at}`,
        statementId: failure.statementId,
        actor: null,
        at: failure.at,
      });
      return forHistory(outcome);
    },

    /** Participants by status: what the workflow keeps instead of the participants themselves. */
    async readParticipation(request: { statementId: string }): Promise<ParticipationCounts> {
      return participationCounts(db, request.statementId);
    },

    /** The organisations with one of `statuses` (e.g. who approves the statement's text). */
    async participantsWithStatus(request: { statementId: string; statuses: ParticipantStatus[] }): Promise<string[]> {
      return (await participantOrgIds(db, request.statementId, request.statuses)).sort();
    },
  };
}

export type StatementActivities = ReturnType<typeof createStatementActivities>;
