import type { ParticipantStatus, Stage } from '../rules/stages.js';
import type { FieldProblem } from './errors.js';
import type { ProcessFailureAction } from './process-failures.js';
import type { StatementDetails } from './statement.js';

/**
 * Who caused a change. `null` actor means the process itself (a deadline passed).
 * `asAdministrator` is set by the API only after it has checked the administrator flag.
 */
export interface Actor {
  userId: string;
  orgId: string;
  asAdministrator?: boolean;
  /** The user's roles in its organisation (e.g. `signatory`), as the API read them; sealed with the request. */
  roles?: readonly string[];
}

/**
 * A free text (a reason, a justification) as workflows carry it: kept in PostgreSQL by the API,
 * only its id and SHA-256 travel through Temporal, so histories hold no confidential prose.
 * Histories recorded before carry the text itself (a string).
 */
export interface FreeTextRef {
  textId: string;
  textHash: string;
}

export type FreeText = string | FreeTextRef;

/**
 * Every change the statement workflow decides is handed to an activity as one of these events.
 * The activity writes the read model, the audit row and any e-mail in one transaction, keyed by
 * `eventKey`, so a retried activity changes nothing the second time.
 */
export type StatementEventBody =
  | { kind: 'statement_created'; leadOrgId: string; details: StatementDetails; detailsHash: string }
  | { kind: 'statement_edited'; details: StatementDetails; detailsHash: string; version: number }
  | { kind: 'buyers_invited'; orgIds: string[] }
  | { kind: 'invitation_answered'; orgId: string; accepted: boolean; reason: string | null }
  | { kind: 'survey_defined'; version: number; questions: unknown[]; surveyHash: string; replacesDraft: boolean }
  | {
      kind: 'needs_submitted';
      orgId: string;
      versionId: string;
      version: number;
      surveyVersion: number;
      /** Hash of the validated draft the participant submitted; the activity refuses a draft that changed since. */
      contentHash: string;
      supersedes: string | null;
    }
  | { kind: 'needs_withdrawn'; orgId: string; reason: string }
  | { kind: 'needs_confirmed'; orgId: string; versionId: string }
  | { kind: 'deadline_extended'; stage: Stage; deadline: string; previous: string | null }
  | { kind: 'reminder_sent'; stage: Stage; deadline: string; offset: string; statuses: ParticipantStatus[] }
  | {
      kind: 'participants_dropped';
      stage: Stage;
      /**
       * Organisation id and the status it had when it dropped out (restored if the stage reopens),
       * as runs that carried the participants decided it. Without it, whoever has one of
       * `awaitingInStage[stage]` in PostgreSQL when the stage closes drops out.
       */
      dropped?: { orgId: string; from: ParticipantStatus }[];
      /** The lead closed the stage before its deadline (absent: the deadline passed; domain/leaving.ts words each). */
      closedEarly?: boolean;
    }
  /** Without `restored` (runs that no longer carry the participants), every drop-out recorded in PostgreSQL. */
  | { kind: 'participants_restored'; restored?: { orgId: string; to: ParticipantStatus }[] }
  | {
      kind: 'aggregation_blocked';
      message: string;
      /** With `code` and `values` for a missing or stale exchange rate (rules/exchange-rates.ts). */
      problems: FieldProblem[];
    }
  | {
      kind: 'shortfall_decided';
      decision: 'extend' | 'proceed' | 'abandon';
      /** Justification (proceed) or reason (abandon); recorded as given. */
      reason: string | null;
      deadline: string | null;
      snapshotId: string | null;
    }
  /**
   * A step the workflow took on its own failed for good (its `processFailure`), recorded at the
   * failure's time for the dashboard and the audit trail. Codes and the step's name only: the
   * message (which may quote a record) stays in the workflow's state.
   */
  | {
      kind: 'process_failed';
      /** As the workflow names it: `<stage>: <event kind>`, or `deliver mail`. */
      step: string;
      /** `invalid_data`, `constraint_violation`, or an error code. */
      type: string;
      actions: ProcessFailureAction[];
    }
  | {
      kind: 'stage_changed';
      from: Stage;
      to: Stage;
      /** Deadline of the stage entered, ISO 8601, if it has one. */
      deadline: string | null;
      reason: string | null;
    };

export type StatementEvent = StatementEventBody & {
  eventKey: string;
  statementId: string;
  actor: Actor | null;
  /** Workflow time of the decision, ISO 8601: the audit log records when it happened, not when it was written. */
  at: string;
};

export type StatementEventKind = StatementEventBody['kind'];

/**
 * An event as a workflow hands it to its activity: its free texts (`reason`, `comment`)
 * may be references, which the activity resolves from PostgreSQL before it records the event.
 */
export type WithTextRefs<E> = E extends unknown
  ? { [K in keyof E]: K extends 'reason' | 'comment' ? E[K] | FreeTextRef : E[K] }
  : never;
