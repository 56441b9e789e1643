import { z } from 'zod';

import { participantStatuses, stages } from '../../rules/stages.js';
import { participantCursorSchema } from './needs-contracts.js';

/** Response shapes of the lead's survey results: the services build them, the API documents them from these. */

const questionBase = {
  id: z.string(),
  label: z.string(),
  answered: z.int().meta({ description: 'Respondents whose answer to this question is counted' }),
  notComparable: z.int().meta({
    description: 'Respondents who answered an earlier survey version in a way this version cannot count',
  }),
};

const decimal = z.string().meta({ description: 'Exact decimal as a string' });

export const questionResultSchema = z
  .discriminatedUnion('type', [
    z.object({
      ...questionBase,
      type: z.enum(['single_choice', 'multiple_choice']),
      options: z.array(z.object({ id: z.string(), label: z.string(), count: z.int() })),
    }),
    z.object({ ...questionBase, type: z.literal('yes_no'), yes: z.int(), no: z.int() }),
    z.object({
      ...questionBase,
      type: z.literal('number'),
      unit: z.string(),
      summary: z
        .object({ min: decimal, max: decimal, sum: decimal, mean: decimal, median: decimal })
        .nullable()
        .meta({ description: 'Null while nobody answered' }),
    }),
    z.object({
      ...questionBase,
      type: z.literal('date'),
      earliest: z.string().nullable(),
      latest: z.string().nullable(),
    }),
    z.object({ ...questionBase, type: z.literal('text') }),
  ])
  .meta({ id: 'SurveyQuestionResult' });

export const surveyResultsSchema = z
  .object({
    stage: z.enum(stages),
    survey: z
      .object({ version: z.int(), createdAt: z.string() })
      .nullable()
      .meta({ description: 'The latest survey version, whose questions are summarised (null: no survey defined)' }),
    participants: z.object({
      total: z.int().meta({ description: 'Every participant of the statement, whatever its status' }),
      respondents: z.int().meta({
        description: 'Participants still taking part with a submitted (or confirmed) version: those counted',
      }),
    }),
    questions: z.array(questionResultSchema),
  })
  .meta({ id: 'SurveyResults' });

export const surveyAnswerValueSchema = z.union([z.string(), z.boolean(), z.array(z.string())]);

export const surveyRespondentsSchema = z
  .object({
    nextCursor: z
      .string()
      .nullable()
      .meta({ description: 'Pass as `cursor` for the next page; null on the last page' }),
    respondents: z.array(
      z.object({
        organisationId: z.uuid(),
        name: z.string(),
        country: z.string(),
        status: z.enum(participantStatuses),
        versionId: z.uuid(),
        version: z.int(),
        surveyVersion: z.int(),
        submittedAt: z.string(),
        confirmedAt: z.string().nullable(),
        lines: z
          .int()
          .meta({ description: 'How many need lines the version has (read them at /needs/{organisationId})' }),
        answers: z.record(z.string(), surveyAnswerValueSchema).meta({
          description:
            'Answers keyed by question id: text, a decimal string, a date, true/false, an option id or a list of them',
        }),
      }),
    ),
  })
  .meta({ id: 'SurveyRespondents' });

/** Respondents per page: the default and the most one request may ask for. */
export const respondentsPageSize = { default: 50, max: 200 } as const;

export const surveyRespondentsQuery = z.object({
  limit: z.coerce
    .number({ error: 'must be a whole number' })
    .int({ error: 'must be a whole number' })
    .min(1, { error: 'must be at least 1' })
    .max(respondentsPageSize.max, { error: `must be at most ${respondentsPageSize.max}` })
    .default(respondentsPageSize.default)
    .meta({
      description: `Respondents per page (default ${respondentsPageSize.default}, at most ${respondentsPageSize.max})`,
    }),
  cursor: participantCursorSchema('the survey respondents').optional(),
});
export type SurveyRespondentsQuery = z.infer<typeof surveyRespondentsQuery>;

/** The language of an export's headers and words (yes/no, statuses): en, fr or de. */
export const exportLanguageQuery = z.object({
  lang: z
    .enum(['en', 'fr', 'de'], { error: 'must be en, fr or de' })
    .default('en')
    .meta({ description: 'Language of the headers, sheet names and words such as yes/no (default en)' }),
});
