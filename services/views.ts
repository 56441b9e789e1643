import { z } from 'zod';
import { criticalMassSchema, scheduleSchema } from '../domain/statement.js';
import { participantStatuses, stages } from '../domain/stages.js';

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
    statusReason: z.string().nullable(),
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
    participants: z.array(participantViewSchema),
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
    participants: z.array(z.object({ orgId: z.uuid(), status: z.enum(participantStatuses) })),
    cancelReason: z.string().nullable(),
  })
  .meta({ id: 'LiveState', description: 'The process state as the statement workflow holds it' });

export const auditEventViewSchema = z
  .object({
    seq: z.int(),
    action: z.string(),
    actorUserId: z.string().nullable(),
    actorOrgId: z.string().nullable(),
    data: z.record(z.string(), z.unknown()),
    at: z.string(),
    hash: z.string(),
  })
  .meta({ id: 'AuditEvent' });

export const auditLogSchema = z
  .object({
    events: z.array(auditEventViewSchema),
    verification: z.object({
      valid: z.boolean(),
      events: z.int(),
      problem: z.object({ seq: z.int(), issue: z.string() }).nullable(),
    }),
  })
  .meta({ id: 'AuditLog' });

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
        statusReason: z.string().nullable(),
        draftSavedAt: z.string().nullable(),
        latestVersion: z
          .object({ id: z.uuid(), version: z.int(), status: z.string(), lines: z.int(), submittedAt: z.string(), confirmedAt: z.string().nullable() })
          .nullable(),
      }),
    ),
  })
  .meta({ id: 'NeedsOverview' });
