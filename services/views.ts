import { z } from 'zod';
import { criticalMassSchema, scheduleSchema } from '../domain/statement.js';
import { participantStatuses, stages } from '../rules/stages.js';

/** Response shapes: the services build them, the API documents them from these same schemas. */
export const organisationViewSchema = z
  .object({
    id: z.uuid(),
    kind: z.enum(['buyer', 'supplier', 'commission', 'operator']),
    name: z.string(),
    country: z.string(),
    buyerLegalType: z.string().nullable(),
    nuts: z.string().nullable(),
    sme: z.boolean().nullable(),
  })
  .meta({ id: 'Organisation' });
export type OrganisationView = z.infer<typeof organisationViewSchema>;

export const participantViewSchema = z
  .object({
    organisationId: z.uuid(),
    name: z.string(),
    country: z.string(),
    buyerLegalType: z.string().nullable(),
    status: z.enum(participantStatuses),
    statusReason: z.string().nullable().meta({ description: 'Why it declined, withdrew or dropped out: for the lead buyer and the organisation itself (null for anyone else)' }),
    invitedAt: z.string(),
    respondedAt: z.string().nullable(),
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
    criticalMass: criticalMassSchema,
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
    createdAt: z.string(),
    updatedAt: z.string(),
  })
  .meta({ id: 'Statement' });
export type StatementView = z.infer<typeof statementViewSchema>;

export const statementSummarySchema = statementViewSchema
  .pick({ id: true, title: true, cpvCodes: true, stage: true, stageDeadline: true, createdAt: true })
  .extend({ leadOrganisationId: z.uuid() })
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
      .object({ snapshotId: z.uuid(), snapshotHash: z.string(), criticalMassMet: z.boolean(), failedRules: z.array(z.string()) })
      .nullable()
      .meta({ description: 'The latest aggregate’s verdict, once aggregated; null for a viewer that may not read the aggregate' }),
    aggregationBlocked: z
      .object({ message: z.string(), problems: z.array(z.object({ field: z.string(), rule: z.string() })) })
      .nullable()
      .meta({ description: 'Why aggregation cannot complete (e.g. a missing exchange rate) until it is retried; null for a viewer that may not read the aggregate' }),
    cancelReason: z.string().nullable(),
    processFailure: z
      .object({
        step: z.string().meta({ description: 'What the workflow was doing on its own, e.g. `needs_assessment: stage_changed`' }),
        type: z.string().meta({ description: '`invalid_data` (a record the database cannot store), `constraint_violation`, or an error code' }),
        message: z.string(),
        problems: z.array(z.object({ field: z.string(), rule: z.string() })),
        at: z.string(),
        actions: z
          .array(z.enum(['closeStage', 'extendDeadline', 'retryAggregation', 'cancel']))
          .meta({ description: 'What the lead can do once the cause is fixed: close the stage (the step runs again now), extend the deadline (it runs again then), or cancel' }),
      })
      .nullable()
      .meta({ description: 'A step the process took on its own that failed for good and waits for the lead; null while all is well, and for viewers other than the lead and administrators' }),
  })
  .meta({ id: 'LiveState', description: 'The process state as the statement workflow holds it' });
export type LiveStateView = z.infer<typeof liveStateSchema>;

// The audit answers live with the audit use cases.
export { auditEventViewSchema, auditLogSchema } from './audit/audit-views.js';

export const iso = (d: Date | string | null): string | null => (d === null ? null : new Date(d).toISOString());

export function toOrganisationView(o: {
  id: string;
  kind: OrganisationView['kind'];
  name: string;
  country: string;
  buyer_legal_type: string | null;
  nuts: string | null;
  sme: boolean | null;
}): OrganisationView {
  return { id: o.id, kind: o.kind, name: o.name, country: o.country.trim(), buyerLegalType: o.buyer_legal_type, nuts: o.nuts, sme: o.sme };
}

export const userViewSchema = z
  .object({
    id: z.uuid(),
    email: z.string(),
    name: z.string(),
    organisationId: z.uuid(),
    locale: z.string(),
    roles: z.array(z.string()),
    isAdmin: z.boolean(),
  })
  .meta({ id: 'User' });

const fieldProblemSchema = z.object({ field: z.string(), rule: z.string() });

export const surveyViewSchema = z
  .object({ version: z.int(), questions: z.array(z.record(z.string(), z.unknown())), createdAt: z.string() })
  .meta({ id: 'SurveyVersion' });

export const draftSavedSchema = z
  .object({
    savedAt: z.string(),
    stage: z.enum(stages),
    readyToSubmit: z.boolean(),
    problems: z.array(fieldProblemSchema).meta({ description: 'What would still stop a submission' }),
  })
  .meta({ id: 'NeedsDraftSaved' });

export const needsViewSchema = z
  .object({
    organisationId: z.uuid(),
    draft: z.object({ lines: z.array(z.unknown()), answers: z.record(z.string(), z.unknown()), savedAt: z.string() }).nullable(),
    versions: z.array(
      z.object({
        id: z.uuid(),
        version: z.int(),
        status: z.enum(['submitted', 'superseded', 'confirmed', 'withdrawn']),
        surveyVersion: z.int(),
        lines: z.array(z.unknown()),
        answers: z.unknown(),
        contentHash: z.string(),
        submittedAt: z.string(),
        confirmedAt: z.string().nullable(),
      }),
    ),
  })
  .meta({ id: 'Needs' });

export const submittedSchema = z
  .object({ versionId: z.uuid(), version: z.int(), contentHash: z.string(), lines: z.int() })
  .meta({ id: 'NeedsSubmitted' });

export const needsOverviewSchema = z
  .object({
    stage: z.enum(stages),
    deadline: z.string().nullable(),
    participants: z.array(
      z.object({
        organisationId: z.uuid(),
        name: z.string(),
        country: z.string(),
        status: z.enum(participantStatuses),
        statusReason: z.string().nullable().meta({ description: 'For the lead buyer (null for Commission staff and administrators)' }),
        draftSavedAt: z.string().nullable(),
        latestVersion: z
          .object({
            id: z.uuid().nullable().meta({ description: 'For the lead buyer (null for Commission staff and administrators)' }),
            version: z.int(),
            status: z.string(),
            lines: z.int().nullable().meta({ description: 'For the lead buyer (null for Commission staff and administrators: a buyer’s own figure)' }),
            submittedAt: z.string(),
            confirmedAt: z.string().nullable(),
          })
          .nullable(),
      }),
    ),
  })
  .meta({ id: 'NeedsOverview' });

const decimal = z.string().meta({ description: 'An exact decimal number, as a string' });
const withheldReason = z
  .enum(['fewer-buyers', 'dominance', 'complementary'])
  .nullable()
  .meta({ description: 'Why a figure is withheld: fewer than 3 buyers make it up; one buyer holds more than 85 % of it; or it is withheld to protect another figure that could otherwise be derived from it' });
const disclosedGroup = {
  buyers: z.int().nullable().meta({ description: 'Null when withheld' }),
  valueEur: decimal.nullable().meta({ description: 'Null when withheld to protect individual buyers’ figures (see withheldReason)' }),
  lines: z.int().nullable(),
  withheld: z.boolean(),
  withheldReason,
};
const unitQuantitySchema = z.object({ unit: z.string(), firmQuantity: decimal, totalQuantity: decimal });
const ruleOutcome = <T extends z.ZodType>(t: T) => ({
  field: z.string(),
  required: t,
  actual: t.nullable(),
  met: z.boolean().nullable().meta({ description: 'Null when the figure the rule is decided on is withheld' }),
  gap: t.nullable(),
  withheld: z.boolean(),
});
const thresholdPeriodSchema = z.object({
  validFrom: z.string(),
  validTo: z.string(),
  legalBasis: z.array(z.string()).readonly(),
  provisional: z.boolean(),
  note: z.string().optional(),
});

export const aggregateViewSchema = z
  .object({
    snapshotId: z.uuid(),
    snapshotHash: z.string().meta({ description: 'SHA-256 of the snapshot: aggregate, verdicts and rates' }),
    round: z.int(),
    computedAt: z.string(),
    aggregate: z.object({
      totals: z.object({ ...disclosedGroup, countries: z.int() }),
      byCpv: z.array(
        z.object({
          cpvCode: z.string(),
          level: z.enum(['division', 'group', 'class', 'category', 'code']),
          parentCode: z.string().nullable(),
          ...disclosedGroup,
          quantities: z.array(unitQuantitySchema).nullable(),
        }),
      ),
      items: z
        .array(z.object({ cpvCode: z.string(), ...disclosedGroup, quantities: z.array(unitQuantitySchema).nullable() }))
        .meta({ description: 'The lines coded at exactly each CPV code (what a published item is)' }),
      byCountry: z.array(z.object({ country: z.string(), ...disclosedGroup })),
      byDeliveryYear: z.array(z.object({ year: z.int(), ...disclosedGroup })),
      byBuyerType: z.array(z.object({ buyerLegalType: z.string(), ...disclosedGroup })),
      buyers: z.array(z.object({ orgId: z.string(), name: z.string(), country: z.string(), buyerLegalType: z.string() })),
      conversion: z.object({ date: z.string(), source: z.string(), rates: z.record(z.string(), z.string()) }),
      needVersions: z.int(),
      complete: z.boolean().meta({ description: 'True when every figure is shown: for the lead buyer, or when nothing needs withholding' }),
    }),
    criticalMass: z.object({
      met: z.boolean(),
      results: z.array(
        z.union([
          z.object({ rule: z.literal('minBuyers'), ...ruleOutcome(z.number()) }),
          z.object({ rule: z.literal('minCountries'), ...ruleOutcome(z.number()) }),
          z.object({ rule: z.literal('minTotalValueEur'), ...ruleOutcome(decimal) }),
          z.object({ rule: z.literal('minQuantityPerCpv'), cpvCode: z.string(), unit: z.string(), ...ruleOutcome(decimal) }),
        ]),
      ),
    }),
    thresholds: z.object({
      expectedProcurementStart: z.string(),
      period: thresholdPeriodSchema,
      estimatedValueEur: decimal.nullable(),
      natures: z.array(
        z.object({
          nature: z.enum(['works', 'supplies', 'services', 'social-services']),
          estimatedValueEur: decimal.nullable(),
          thresholdEur: decimal,
          position: z.enum(['at-or-above', 'below']).nullable(),
          differenceEur: decimal.nullable(),
          withheld: z.boolean(),
          period: thresholdPeriodSchema,
          provisional: z.boolean(),
          setBy: z.object({ orgId: z.string(), name: z.string(), buyerLegalType: z.string(), authorityCategory: z.enum(['central', 'sub-central', 'utilities']) }),
        }),
      ),
      atOrAboveAny: z.boolean().nullable(),
    }),
    crossBorder: z.object({
      kind: z.enum(['single-buyer', 'occasional', 'cross-border']),
      legalBasis: z.string().nullable(),
      needsAgreement: z.boolean(),
      countries: z.array(z.string()),
      eeaCountries: z.array(z.string()),
      otherCountries: z.array(z.string()),
    }),
  })
  .meta({ id: 'Aggregate' });
export type AggregateView = z.infer<typeof aggregateViewSchema>;

/** What anyone sees of the demand (domain/consultation.ts `publicDemand`): small groups withheld, buyers named only if they agreed. */
const aggregateSchema = aggregateViewSchema.shape.aggregate;
export const publicDemandSchema = z
  .object({
    totals: aggregateSchema.shape.totals,
    byCpv: aggregateSchema.shape.byCpv,
    byCountry: aggregateSchema.shape.byCountry,
    byDeliveryYear: aggregateSchema.shape.byDeliveryYear,
    buyers: z.array(z.object({ name: z.string(), country: z.string() })),
    unnamedBuyers: z.int().meta({ description: 'Buyers that took part without agreeing to be named' }),
  })
  .meta({ id: 'PublicDemand' });

export const publishedStatementSummarySchema = z
  .object({ statementId: z.uuid(), title: z.string(), cpvCodes: z.array(z.string()), version: z.int(), publishedAt: z.string(), signatories: z.int() })
  .meta({ id: 'PublishedStatementSummary' });

export const publishedStatementSchema = z
  .object({
    statementId: z.uuid(),
    title: z.string(),
    description: z.string(),
    cpvCodes: z.array(z.string()),
    version: z.int(),
    publishedAt: z.string(),
    firstPublishedAt: z.string(),
    text: z.string(),
    textVersion: z.int(),
    textLocale: z.string().meta({ description: 'The language the text is written in (the lead buyer’s), e.g. `en`' }),
    signatories: z.array(z.object({ name: z.string(), country: z.string(), sinceVersion: z.int(), late: z.boolean() })).meta({ description: 'The signatories that agreed to be named' }),
    unnamedSignatories: z.int().meta({ description: 'Signatories that did not agree to be named' }),
    demand: publicDemandSchema,
    versions: z.array(z.object({ version: z.int(), publishedAt: z.string(), signatories: z.int() })),
    links: z.object({ ocds: z.string(), consultation: z.string(), feed: z.string() }),
  })
  .meta({ id: 'PublishedStatement' });

export const openConsultationSummarySchema = z
  .object({ statementId: z.uuid(), title: z.string(), cpvCodes: z.array(z.string()), deadline: z.string().nullable() })
  .meta({ id: 'OpenConsultationSummary' });

export const publicConsultationSchema = z
  .object({
    statementId: z.uuid(),
    title: z.string(),
    description: z.string(),
    cpvCodes: z.array(z.string()),
    stage: z.enum(stages),
    open: z.boolean(),
    deadline: z.string().nullable(),
    demand: z.union([publicDemandSchema, z.null()]).meta({ description: 'Null before the first aggregate' }),
    requestForInformation: z.array(z.object({ id: z.string(), text: z.string() })),
    answers: z.array(z.object({ number: z.int(), question: z.string(), answer: z.string(), answeredAt: z.string() })),
  })
  .meta({ id: 'PublicConsultation' });

// The lead's side of the market consultation, and the approval of the statement text.

export const rfiViewSchema = z
  .object({ version: z.int().meta({ description: '0 before the lead sets any question' }), questions: z.array(z.object({ id: z.string(), text: z.string() })) })
  .meta({ id: 'RequestForInformationView' });

export const figureConsentViewSchema = z
  .object({
    organisationId: z.uuid(),
    showFigures: z.boolean().nullable().meta({ description: 'Null until the buyer decides (then its figures are protected like everyone’s)' }),
  })
  .meta({ id: 'FigureConsent' });

export const nameConsentViewSchema = z
  .object({ organisationId: z.uuid(), named: z.boolean().nullable().meta({ description: 'Null until the buyer decides (then not named)' }) })
  .meta({ id: 'NameConsent' });

export const consultationResponseViewSchema = z
  .object({
    supplier: z.object({ organisationId: z.uuid(), name: z.string(), country: z.string(), sme: z.boolean() }),
    answers: z.record(z.string(), z.string()),
    revision: z.int(),
    createdAt: z.string(),
    updatedAt: z.string(),
  })
  .meta({ id: 'ConsultationResponse' });

export const supplierQuestionViewSchema = z
  .object({
    number: z.int(),
    question: z.string(),
    askedAt: z.string(),
    askedBy: z.object({ organisationId: z.uuid(), name: z.string() }),
    answer: z.string().nullable(),
    answeredAt: z.string().nullable(),
  })
  .meta({ id: 'SupplierQuestionView' });

export const questionAnsweredSchema = z
  .object({ number: z.int(), question: z.string(), answer: z.string(), published: z.boolean() })
  .meta({ id: 'QuestionAnswered' });

export const supplierContactViewSchema = z
  .object({
    id: z.int(),
    kind: z.string(),
    supplier: z.object({ organisationId: z.uuid(), name: z.string() }).nullable(),
    userId: z.uuid().nullable(),
    detail: z.record(z.string(), z.unknown()),
    at: z.string(),
  })
  .meta({ id: 'SupplierContact' });

export const marketSummaryViewSchema = z
  .object({
    summaryId: z.string(),
    summaryHash: z.string(),
    computedAt: z.string(),
    summary: z.object({
      responses: z.int(),
      smeResponses: z.int(),
      smeShare: z.string().meta({ description: 'Decimal fraction with 4 places' }),
      countries: z.array(z.object({ country: z.string(), responses: z.int() })),
      answersPerQuestion: z.array(z.object({ questionId: z.string(), text: z.string(), answers: z.int() })),
      questionsAsked: z.int(),
      questionsAnswered: z.int(),
    }),
  })
  .meta({ id: 'MarketSummary' });

const approvalDecisions = ['approved', 'changes_requested'] as const;

export const statementTextViewSchema = z
  .object({
    version: z.int(),
    text: z.string(),
    textHash: z.string(),
    locale: z.string(),
    createdAt: z.string(),
    versions: z.array(z.object({ version: z.int(), textHash: z.string(), createdAt: z.string(), drafted: z.boolean().meta({ description: 'Drafted by the system (not edited by the lead)' }) })),
    approvers: z
      .array(z.object({ organisationId: z.uuid(), name: z.string(), country: z.string(), decision: z.enum(approvalDecisions).nullable() }))
      .meta({ description: 'Who approves the current version, and what they decided on it' }),
    decisions: z.array(
      z.object({ version: z.int(), organisationId: z.uuid(), name: z.string(), decision: z.enum(approvalDecisions), comment: z.string().nullable(), at: z.string() }),
    ),
  })
  .meta({ id: 'StatementText' });

export const textRevisedSchema = z.object({ version: z.int(), textHash: z.string(), stage: z.enum(stages) }).meta({ id: 'StatementTextRevised' });
export const approvalRecordedSchema = z
  .object({ version: z.int(), decision: z.enum(['approve', 'request_changes']), stage: z.enum(stages) })
  .meta({ id: 'ApprovalRecorded' });
export const publishingSchema = z.object({ stage: z.enum(stages), publishing: z.boolean() }).meta({ id: 'Publishing' });

export const signatoriesViewSchema = z
  .object({
    signatories: z.array(z.object({ organisationId: z.uuid(), name: z.string(), country: z.string(), sinceVersion: z.int(), late: z.boolean(), joinedAt: z.string() })),
    requests: z
      .array(
        z.object({
          organisationId: z.uuid(),
          name: z.string(),
          country: z.string(),
          status: z.enum(['pending', 'accepted', 'declined']),
          requestedAt: z.string(),
          decidedAt: z.string().nullable(),
        }),
      )
      .meta({ description: 'Requests to sign late: for the lead buyer and Commission staff; the requester sees its own' }),
  })
  .meta({ id: 'Signatories' });

export const signatoryRequestViewSchema = z
  .object({ organisationId: z.uuid(), status: z.enum(['pending', 'accepted', 'declined']), publicationVersion: z.int().optional() })
  .meta({ id: 'SignatoryRequest' });
