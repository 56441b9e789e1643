import { z } from 'zod';

import { viewerActions } from '../../domain/allowed-actions.js';
import { fieldProblemCodeShape } from '../../domain/errors.js';
import { leavingKinds } from '../../domain/leaving.js';
import { scheduleWarningCodes } from '../../domain/schedule-dates.js';
import { criticalMassViewSchema, scheduleSchema, statementDetailsPatchSchema } from '../../domain/statement.js';
import { participantStatuses, stages } from '../../rules/stages.js';
import { text } from '../../rules/text-policy.js';

const count = z.int().min(0);
const readinessState = z.enum(['done', 'todo', 'atAggregation']);
/** The lead's checklist (domain/guidance.ts `Readiness`). */
export const readinessSchema = z
  .object({
    before: z.enum(['openNeedsAssessment', 'closeNeedsAssessment', 'closeConfirmation']),
    ready: z.boolean(),
    items: z.array(
      z.discriminatedUnion('item', [
        z.object({
          item: z.enum(['buyers', 'countries', 'invitationsAnswered', 'submitted', 'confirmed']),
          state: readinessState,
          have: count,
          need: count,
        }),
        z.object({ item: z.enum(['survey', 'schedule']), state: readinessState, have: count }),
        z.object({ item: z.literal('totalValue'), state: z.literal('atAggregation'), minTotalValueEur: z.string() }),
        z.object({
          item: z.literal('quantity'),
          state: z.literal('atAggregation'),
          cpvCode: z.string(),
          unit: z.string(),
          minQuantity: z.string(),
        }),
      ]),
    ),
  })
  .meta({ id: 'Readiness' });

/** Response shapes of the statement use cases: the services build them, the API documents them from these same schemas. */
export const participantViewSchema = z
  .object({
    organisationId: z.uuid(),
    name: z.string(),
    country: z.string(),
    buyerLegalType: z.string().nullable(),
    status: z.enum(participantStatuses),
    statusReason: z.string().nullable().meta({
      description:
        'Why it declined, withdrew or dropped out: for the lead buyer and the organisation itself (null for anyone else)',
    }),
    invitedAt: z.string(),
    respondedAt: z.string().nullable(),
    leaving: z.enum(leavingKinds).nullable().meta({
      id: 'LeavingKind',
      description:
        'How it left (domain/leaving.ts): declined, withdrew, or dropped out at a close (what it had not done; the deadline passed or the lead closed the stage early). Null while invited or taking part. Dropping out is visible to everyone who reads the row; the free-text reason is not',
    }),
  })
  .meta({ id: 'Participant' });
export type ParticipantView = z.infer<typeof participantViewSchema>;

export const statementViewSchema = z
  .object({
    id: z.uuid(),
    title: z.string(),
    description: z.string(),
    cpvCodes: z.array(z.string()),
    schedule: scheduleSchema,
    criticalMass: criticalMassViewSchema,
    stage: z.enum(stages),
    stageEnteredAt: z.string(),
    stageDeadline: z.string().nullable(),
    detailsVersion: z.int(),
    detailsHash: z.string(),
    lead: z.object({ id: z.uuid(), name: z.string(), country: z.string() }),
    participants: z.array(participantViewSchema).meta({
      description:
        'Statuses, never content. The lead buyer and, before publication, whoever may see the statement read every participant; after publication Commission staff and administrators do, and anyone else reads the signatories that agreed to be named (and its own organisation)',
    }),
    cancelReason: z.string().nullable(),
    scheduleWarnings: z
      .array(
        z.object({
          field: z.string(),
          code: z.enum(scheduleWarningCodes),
          limit: z.string().meta({ description: 'The date or year the warning compares with' }),
          rule: z.string().meta({ description: 'The warning in words, with its source in Directive 2014/24/EU' }),
        }),
      )
      .meta({
        description:
          'Dates of the schedule worth a second look (domain/schedule-dates.ts), for a viewer who may edit the statement; empty otherwise. Dates the law cannot apply to are refused instead (422)',
      }),
    nextStep: z.enum(viewerActions).nullable().meta({
      description:
        'The viewer’s one primary action in this stage, one of `allowedActions` (domain/guidance.ts nextStepFor); null when it has nothing to do',
    }),
    readiness: readinessSchema.nullable().meta({
      description:
        'For the lead buyer only (null for anyone else): its checklist against the critical mass before opening the needs assessment, closing it or closing the confirmation (domain/guidance.ts readinessFor)',
    }),
    allowedActions: z.array(z.enum(viewerActions).meta({ id: 'ViewerAction' })).meta({
      description:
        'What the viewer may do now (and which of the statement’s pages it may follow), from the same rules the API applies to each request: who may, in which stage, until when. The web shows exactly these; a request the state has overtaken meanwhile is still refused',
    }),
    createdAt: z.string(),
    updatedAt: z.string(),
  })
  .meta({ id: 'Statement' });
export type StatementView = z.infer<typeof statementViewSchema>;

/**
 * What a buyer's own action (answer an invitation, withdraw, confirm needs) answers: its
 * organisation's standing and what it may do next, not the whole statement. Thousands of buyers
 * act within the same minutes; answering each with the whole roster made every answer as costly as
 * the roster is long (issue 23's deadline rush). The statement itself is one GET away.
 */
export const buyerActionAnswerSchema = z
  .object({
    statementId: z.uuid(),
    organisationId: z.uuid(),
    stage: z.enum(stages),
    stageDeadline: z.string().nullable(),
    status: z.enum(participantStatuses).meta({ description: 'The organisation’s participation, as now recorded' }),
    allowedActions: statementViewSchema.shape.allowedActions,
  })
  .meta({ id: 'BuyerActionAnswer' });
export type BuyerActionAnswer = z.infer<typeof buyerActionAnswerSchema>;

export const statementSummarySchema = statementViewSchema
  .pick({ id: true, title: true, cpvCodes: true, stage: true, stageDeadline: true, createdAt: true })
  .extend({
    leadOrganisationId: z.uuid(),
    myParticipation: participantViewSchema.pick({ status: true, leaving: true }).nullable().meta({
      description:
        'The viewer’s own organisation in the statement: `invited` is an invitation waiting for its answer (until the stage’s deadline when it has one); null when it does not take part',
    }),
  })
  .meta({ id: 'StatementSummary' });
export type StatementSummary = z.infer<typeof statementSummarySchema>;

export const liveStateSchema = z
  .object({
    statementId: z.uuid(),
    leadOrgId: z.uuid(),
    stage: z.enum(stages),
    stageEnteredAt: z.string(),
    deadline: z.string().nullable(),
    detailsVersion: z.int(),
    detailsHash: z.string(),
    participants: z
      .array(
        z.object({
          orgId: z.uuid(),
          status: z.enum(participantStatuses),
          version: z.int().nullable().optional(),
          versionId: z.uuid().nullable().optional(),
          contentHash: z.string().nullable().optional(),
        }),
      )
      .meta({
        description:
          'The participants the roster rules show the viewer; `version`, `versionId` and `contentHash` (its latest needs version) only for the lead buyer and for the viewer’s own organisation',
      }),
    surveyVersion: z.int().meta({ description: 'The survey version the needs are answered against' }),
    round: z.int().meta({ description: 'How many times the needs assessment has been opened' }),
    aggregate: z
      .object({
        snapshotId: z.uuid(),
        snapshotHash: z.string(),
        criticalMassMet: z.boolean(),
        failedRules: z.array(z.string()),
      })
      .nullable()
      .meta({
        description:
          'The latest aggregate’s verdict, once aggregated; null for a viewer that may not read the aggregate',
      }),
    aggregationBlocked: z
      .object({
        message: z.string(),
        problems: z.array(z.object({ field: z.string(), rule: z.string(), ...fieldProblemCodeShape })),
        at: z.string().optional().meta({ description: 'When the latest attempt blocked' }),
      })
      .nullable()
      .meta({
        description:
          'Why aggregation cannot complete (e.g. a missing exchange rate) until it is retried; null for a viewer that may not read the aggregate',
      }),
    cancelReason: z.string().nullable(),
    processFailure: z
      .object({
        step: z
          .string()
          .meta({ description: 'What the workflow was doing on its own, e.g. `needs_assessment: stage_changed`' }),
        type: z.string().meta({
          description: '`invalid_data` (a record the database cannot store), `constraint_violation`, or an error code',
        }),
        message: z.string(),
        problems: z.array(z.object({ field: z.string(), rule: z.string(), ...fieldProblemCodeShape })),
        at: z.string(),
        actions: z.array(z.enum(['closeStage', 'extendDeadline', 'retryAggregation', 'cancel'])).meta({
          description:
            'What the lead can do once the cause is fixed: close the stage (the step runs again now), extend the deadline (it runs again then), or cancel',
        }),
      })
      .nullable()
      .meta({
        description:
          'A step the process took on its own that failed for good and waits for the lead; null while all is well, and for viewers other than the lead and administrators',
      }),
  })
  .meta({ id: 'LiveState', description: 'The process state as the statement workflow holds it' });
export type LiveStateView = z.infer<typeof liveStateSchema>;

// Request bodies of the statement routes, and the answer to an invitation of buyers.
export const editStatementRequestSchema = z.intersection(
  statementDetailsPatchSchema,
  z.object({ expectedVersion: z.int().min(1).optional() }),
);

export const inviteBuyersRequestSchema = z.object({
  organisationIds: z
    .array(z.uuid({ message: 'must be an organisation id (UUID)' }))
    .min(1, 'must name at least one organisation')
    .max(5000),
});

export const declineInvitationRequestSchema = z.object({ reason: text('paragraph', { max: 2000 }).optional() });

export const openNeedsAssessmentRequestSchema = z.object({
  deadline: z.iso.datetime({ offset: true, message: 'must be an ISO 8601 date-time' }).optional(),
});

export const cancelStatementRequestSchema = z.object({
  reason: text('paragraph', { min: 3, max: 2000, minRule: 'must give a reason of at least 3 characters' }),
});

export const invitationsSentSchema = z.object({
  invited: z.array(z.uuid()),
  alreadyInvited: z.array(z.uuid()),
  statement: statementViewSchema,
});

export const extendDeadlineRequestSchema = z.object({
  deadline: z.iso.datetime({ offset: true, message: 'must be an ISO 8601 date-time' }),
});
