import { z } from 'zod';

import type { ParticipantCursor } from '../../db/needs.js';
import { fieldProblemCodeShape } from '../../domain/errors.js';
import { maxNeedLines, needLineDraftSchema } from '../../domain/need-lines.js';
import { draftAnswersSchema, questionSchema } from '../../domain/survey.js';
import { type ParticipantStatus, participantStatuses, stages } from '../../rules/stages.js';
import { text } from '../../rules/text-policy.js';
import { encodePageCursor, pageCursorSchema, uuidPattern } from '../page-cursor.js';
import { participantViewSchema } from '../statements/statement-contracts.js';

/** Response shapes of the needs use cases: the services build them, the API documents them from these same schemas. */
const fieldProblemSchema = z.object({ field: z.string(), rule: z.string(), ...fieldProblemCodeShape });

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
    draft: z
      .object({ lines: z.array(z.unknown()), answers: z.record(z.string(), z.unknown()), savedAt: z.string() })
      .nullable(),
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
    counts: z
      .object({
        total: z.int(),
        byStatus: z.partialRecord(z.enum(participantStatuses), z.int()),
      })
      .meta({ description: 'Every participant of the statement, whatever the page and the status filter' }),
    matching: z.int().meta({ description: 'Participants matching the status filter (all of them without one)' }),
    nextCursor: z
      .string()
      .nullable()
      .meta({ description: 'Pass as `cursor` for the next page; null on the last page' }),
    participants: z.array(
      z.object({
        organisationId: z.uuid(),
        name: z.string(),
        country: z.string(),
        status: z.enum(participantStatuses),
        statusReason: z
          .string()
          .nullable()
          .meta({ description: 'For the lead buyer (null for Commission staff and administrators)' }),
        leaving: participantViewSchema.shape.leaving,
        draftSavedAt: z.string().nullable(),
        latestVersion: z
          .object({
            id: z
              .uuid()
              .nullable()
              .meta({ description: 'For the lead buyer (null for Commission staff and administrators)' }),
            version: z.int(),
            status: z.string(),
            lines: z.int().nullable().meta({
              description: 'For the lead buyer (null for Commission staff and administrators: a buyer’s own figure)',
            }),
            submittedAt: z.string(),
            confirmedAt: z.string().nullable(),
          })
          .nullable(),
      }),
    ),
  })
  .meta({ id: 'NeedsOverview' });

/** Participants per page of the needs overview: the default and the most one request may ask for. */
export const overviewPageSize = { default: 100, max: 500 } as const;

/** The `nextCursor` of a page of participants in the order of their names (the overview, the survey's respondents). */
export const encodeParticipantCursor = (c: ParticipantCursor): string => encodePageCursor([c.name, c.organisationId]);

/** The `cursor` parameter of a page of participants in the order of their names, read back by `list`. */
export const participantCursorSchema = (list: string) =>
  pageCursorSchema(list, ([name, organisationId, ...rest]): ParticipantCursor | undefined =>
    name !== undefined && organisationId !== undefined && rest.length === 0 && uuidPattern.test(organisationId)
      ? { name, organisationId }
      : undefined,
  );

/** Query of the needs overview: a page (`limit`, `cursor`) of the participants, optionally in some statuses. */
export const needsOverviewQuery = z.object({
  limit: z.coerce
    .number({ error: 'must be a whole number' })
    .int({ error: 'must be a whole number' })
    .min(1, { error: 'must be at least 1' })
    .max(overviewPageSize.max, { error: `must be at most ${overviewPageSize.max}` })
    .default(overviewPageSize.default)
    .meta({
      description: `Participants per page (default ${overviewPageSize.default}, at most ${overviewPageSize.max})`,
    }),
  cursor: participantCursorSchema('the needs overview').optional(),
  status: z
    .string()
    .transform((value, ctx) => {
      const wanted = value.split(',').map((s) => s.trim());
      const unknown = wanted.filter((s) => !(participantStatuses as readonly string[]).includes(s));
      if (unknown.length === 0) return wanted as ParticipantStatus[];
      ctx.addIssue({
        code: 'custom',
        message: `must be participant statuses separated by commas (${participantStatuses.join(', ')})`,
      });
      return z.NEVER;
    })
    .optional()
    .meta({ description: 'Only participants in these statuses, separated by commas (e.g. `joined,submitted`)' }),
});
export type NeedsOverviewQuery = z.infer<typeof needsOverviewQuery>;

// Request bodies of the needs routes.
export const defineSurveyRequestSchema = z
  .object({ questions: z.array(questionSchema).max(100, 'must have at most 100 questions') })
  .superRefine((b, c) => {
    const seen = new Set<string>();
    b.questions.forEach((q, i) => {
      if (seen.has(q.id))
        c.addIssue({ code: 'custom', path: ['questions', i, 'id'], message: 'must be unique within the survey' });
      seen.add(q.id);
    });
  });

export const saveNeedsDraftRequestSchema = z.object({
  lines: z.array(needLineDraftSchema).max(maxNeedLines, `must have at most ${maxNeedLines} need lines`),
  answers: draftAnswersSchema.default({}),
});

export const withdrawNeedsRequestSchema = z.object({
  reason: text('paragraph', { min: 3, max: 2000, minRule: 'must give a reason of at least 3 characters' }),
});

export const confirmNeedsRequestSchema = z.object({
  versionId: z.uuid({ message: 'must be the id of a submitted version' }),
});
