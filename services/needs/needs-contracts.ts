import { z } from 'zod';
import { participantStatuses, stages } from '../../rules/stages.js';

/** Response shapes of the needs use cases: the services build them, the API documents them from these same schemas. */
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
