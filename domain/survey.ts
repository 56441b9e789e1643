import { Decimal } from 'decimal.js';
import { z } from 'zod';

import { decimalPattern } from '../rules/need-lines.js';
import {
  defaultTextAnswerLength,
  maxHelpTextLength,
  maxLabelLength,
  maxOptions,
  maxQuestions,
  maxTextAnswerLength,
  questionTypes,
} from '../rules/survey.js';
import { normaliseText, text, textProblem } from '../rules/text-policy.js';
import type { FieldProblem } from './errors.js';

/**
 * The lead buyer's own questions, asked next to the need-line form (which every survey has and
 * which is not defined here). A survey is versioned: once the needs assessment opens it is
 * frozen, a correction makes a new version, and answers keep the version they answered.
 */
/** The question types and limits are shared with the web's survey editor: rules/survey.ts. */
export {
  maxHelpTextLength,
  maxLabelLength,
  maxOptions,
  maxQuestions,
  maxTextAnswerLength,
  type QuestionType,
  questionTypes,
} from '../rules/survey.js';

const requiredOr = (rule: string) => (issue: { input?: unknown }) => (issue.input === undefined ? 'is required' : rule);

const slugRule = 'must be a short slug: a lower-case letter, then up to 39 lower-case letters, digits, "-" or "_"';
// A slug rules out "__proto__" and the like, and reads well in field names such as `answers.fleet-size`.
const slugSchema = z.string({ error: requiredOr(slugRule) }).regex(/^[a-z][a-z0-9_-]{0,39}$/, slugRule);

/** A question's or an option's label: one line, as it heads a field. */
const labelSchema = text('line', { min: 1, max: maxLabelLength });

const signedDecimalRule = 'must be a number written with digits, an optional "-" and an optional "." (e.g. -12.5)';
const signedDecimalPattern = decimalPattern;
const signedDecimalSchema = z
  .string({ error: requiredOr(`${signedDecimalRule}, as a string`) })
  .trim()
  .regex(signedDecimalPattern, signedDecimalRule)
  .meta({ description: 'Decimal number as a string', example: '12.5' });

const unitRule =
  'must be a UN/CEFACT Recommendation 20 unit code of 2 or 3 letters and digits (e.g. C62 for one, KGM for kilogram)';

const base = {
  id: slugSchema,
  label: labelSchema,
  helpText: text('paragraph', { max: maxHelpTextLength }).optional(),
  required: z.boolean({ error: 'must be true or false' }).default(false),
};

const optionSchema = z.strictObject(
  { id: slugSchema, label: labelSchema },
  { error: 'must be an option { id, label }' },
);

const optionsSchema = z
  .array(optionSchema, { error: requiredOr('must be a list of options') })
  .min(2, 'must offer at least 2 options')
  .max(maxOptions, `must offer at most ${maxOptions} options`)
  .superRefine((options, ctx) => {
    const ids = new Map<string, number>();
    const labels = new Map<string, number>();
    options.forEach((option, i) => {
      const sameId = ids.get(option.id);
      if (sameId !== undefined)
        ctx.addIssue({ code: 'custom', path: [i, 'id'], message: `must be unique; options[${sameId}] has it too` });
      else ids.set(option.id, i);
      const key = option.label.toLowerCase();
      const sameLabel = labels.get(key);
      if (sameLabel !== undefined) {
        ctx.addIssue({
          code: 'custom',
          path: [i, 'label'],
          message: `must be unique; options[${sameLabel}] has it too`,
        });
      } else labels.set(key, i);
    });
  });

const minSelectionsRule = 'must be a whole number from 0 to the number of options';
const maxSelectionsRule = 'must be a whole number from 1 to the number of options';

export const questionSchema = z
  .discriminatedUnion(
    'type',
    [
      z.strictObject({
        ...base,
        type: z.literal('text'),
        maxLength: z
          .int({ error: `must be a whole number from 1 to ${maxTextAnswerLength}` })
          .min(1, `must be a whole number from 1 to ${maxTextAnswerLength}`)
          .max(maxTextAnswerLength, `must be a whole number from 1 to ${maxTextAnswerLength}`)
          .default(defaultTextAnswerLength),
      }),
      z
        .strictObject({
          ...base,
          type: z.literal('number'),
          unit: z
            .string({ error: requiredOr(unitRule) })
            .trim()
            .toUpperCase()
            .regex(/^[A-Z0-9]{2,3}$/, unitRule),
          min: signedDecimalSchema.optional(),
          max: signedDecimalSchema.optional(),
        })
        .superRefine((q, ctx) => {
          if (q.min !== undefined && q.max !== undefined && new Decimal(q.max).lt(q.min)) {
            ctx.addIssue({ code: 'custom', path: ['max'], message: 'must not be less than min' });
          }
        }),
      z.strictObject({ ...base, type: z.literal('single_choice'), options: optionsSchema }),
      z
        .strictObject({
          ...base,
          type: z.literal('multiple_choice'),
          options: optionsSchema,
          minSelections: z.int({ error: minSelectionsRule }).min(0, minSelectionsRule).optional(),
          maxSelections: z.int({ error: maxSelectionsRule }).min(1, maxSelectionsRule).optional(),
        })
        .superRefine((q, ctx) => {
          const n = q.options.length;
          if (q.minSelections !== undefined && q.minSelections > n) {
            ctx.addIssue({
              code: 'custom',
              path: ['minSelections'],
              message: `must not exceed the number of options (${n})`,
            });
          }
          if (q.maxSelections !== undefined && q.maxSelections > n) {
            ctx.addIssue({
              code: 'custom',
              path: ['maxSelections'],
              message: `must not exceed the number of options (${n})`,
            });
          }
          if (q.minSelections !== undefined && q.maxSelections !== undefined && q.maxSelections < q.minSelections) {
            ctx.addIssue({ code: 'custom', path: ['maxSelections'], message: 'must not be less than minSelections' });
          }
        }),
      z.strictObject({ ...base, type: z.literal('date') }),
      z.strictObject({ ...base, type: z.literal('yes_no') }),
    ],
    {
      error: (issue) =>
        issue.code === 'invalid_union' ? `must be one of: ${questionTypes.join(', ')}` : 'must be a question object',
    },
  )
  .meta({ id: 'SurveyQuestion' });

export type Question = z.output<typeof questionSchema>;
export type QuestionInput = z.input<typeof questionSchema>;

export const surveySchema = z
  .strictObject({
    version: z.int({ error: requiredOr('must be a whole number from 1') }).min(1, 'must be a whole number from 1'),
    questions: z
      .array(questionSchema, { error: requiredOr('must be a list of questions') })
      .max(maxQuestions, `must have at most ${maxQuestions} questions`)
      .superRefine((questions, ctx) => {
        const seen = new Map<string, number>();
        questions.forEach((q, i) => {
          const first = seen.get(q.id);
          if (first !== undefined)
            ctx.addIssue({
              code: 'custom',
              path: [i, 'id'],
              message: `must be unique; questions[${first}] has it too`,
            });
          else seen.set(q.id, i);
        });
      }),
  })
  .meta({ id: 'Survey', description: "The lead buyer's own questions of a needs survey, versioned" });

export type Survey = z.output<typeof surveySchema>;

/**
 * A buyer's answers as a draft holds them: keyed by question id, each of a shape some question
 * takes (text, a number, yes/no, a list of option ids), not yet checked against the survey
 * (saving a draft never fails on content; the answer lists what would stop a submission). What is
 * bounded here is what any answer may be: text under the text policy and the longest a text
 * question allows, at most as many keys as questions and as many choices as options.
 */
export const draftAnswersSchema = z
  .record(
    slugSchema,
    z.union(
      [
        text('paragraph', { max: maxTextAnswerLength }),
        z.number(),
        z.boolean(),
        z.array(text('line', { max: 40 })).max(maxOptions, `must select at most ${maxOptions} options`),
        z.null(),
      ],
      { error: 'must be text, a number, true or false, a list of option ids, or null' },
    ),
  )
  .refine((answers) => Object.keys(answers).length <= maxQuestions, {
    message: `must answer at most ${maxQuestions} questions`,
  })
  .meta({ description: 'Answers keyed by question id: text, a number, true/false or a list of option ids' });

export type DraftAnswers = z.input<typeof draftAnswersSchema>;

export type SurveyInput = z.input<typeof surveySchema>;

/**
 * text: the trimmed text; number: a canonical decimal string; single_choice: the option id;
 * multiple_choice: the option ids in the order given; date: YYYY-MM-DD; yes_no: a boolean.
 */
export type AnswerValue = string | boolean | string[];

export type SurveyAnswersValidation = { answers: Record<string, AnswerValue> } | { problems: FieldProblem[] };

const dateSchema = z.iso.date();

type Checked = { value: AnswerValue } | { rule: string } | 'unanswered';

/**
 * Checks a buyer's answers against the survey's questions: every required question answered,
 * every answer of the question's type and within its limits, no answer to a question the survey
 * does not ask. Unanswered optional questions are left out of the result. Never throws on bad input.
 */
export function validateSurveyAnswers(questions: readonly Question[], answers: unknown): SurveyAnswersValidation {
  const given = answers ?? {};
  if (typeof given !== 'object' || Array.isArray(given)) {
    return { problems: [{ field: 'answers', rule: 'must be an object keyed by question id' }] };
  }
  const byId = given as Record<string, unknown>;
  const problems: FieldProblem[] = [];
  const asked = new Set(questions.map((q) => q.id));
  for (const key of Object.keys(byId)) {
    if (!asked.has(key)) problems.push({ field: `answers.${key}`, rule: 'is not a question of this survey' });
  }
  const out: Record<string, AnswerValue> = {};
  for (const question of questions) {
    // Own properties only: an id such as "constructor" must not read Object.prototype.
    const raw = Object.hasOwn(byId, question.id) ? byId[question.id] : undefined;
    const checked = raw === undefined || raw === null ? 'unanswered' : checkAnswer(question, raw);
    if (checked === 'unanswered') {
      if (question.required) problems.push({ field: `answers.${question.id}`, rule: 'is required' });
    } else if ('rule' in checked) {
      problems.push({ field: `answers.${question.id}`, rule: checked.rule });
    } else {
      out[question.id] = checked.value;
    }
  }
  return problems.length > 0 ? { problems } : { answers: out };
}

function checkAnswer(question: Question, raw: unknown): Checked {
  switch (question.type) {
    case 'text': {
      if (typeof raw !== 'string') return { rule: 'must be text' };
      if (normaliseText(raw) === '') return 'unanswered';
      const broken = textProblem('paragraph', raw, { max: question.maxLength });
      if (broken) return { rule: broken.message };
      return { value: normaliseText(raw) };
    }
    case 'number': {
      const text =
        typeof raw === 'number' && Number.isFinite(raw)
          ? String(raw)
          : typeof raw === 'string'
            ? raw.trim()
            : undefined;
      if (text === undefined) return { rule: signedDecimalRule };
      if (text === '') return 'unanswered';
      if (/^-?\d+,\d+$/.test(text)) return { rule: 'must use "." as the decimal separator, not "," (e.g. 12.5)' };
      if (!signedDecimalPattern.test(text)) return { rule: signedDecimalRule };
      const value = new Decimal(text);
      if (question.min !== undefined && value.lt(question.min)) return { rule: `must be at least ${question.min}` };
      if (question.max !== undefined && value.gt(question.max)) return { rule: `must be at most ${question.max}` };
      return { value: value.toFixed() };
    }
    case 'single_choice': {
      if (typeof raw !== 'string') return { rule: 'must be the id of one of the offered options' };
      if (raw === '') return 'unanswered';
      if (!question.options.some((o) => o.id === raw))
        return { rule: `must be one of the offered options (${optionIds(question)})` };
      return { value: raw };
    }
    case 'multiple_choice': {
      if (!Array.isArray(raw) || !raw.every((v): v is string => typeof v === 'string')) {
        return { rule: 'must be a list of ids of the offered options' };
      }
      if (raw.length === 0) return 'unanswered';
      const offered = new Set(question.options.map((o) => o.id));
      const foreign = raw.find((v) => !offered.has(v));
      if (foreign !== undefined)
        return {
          rule: `must only contain offered options (${optionIds(question)}); "${foreign.slice(0, 40)}" is not one`,
        };
      if (new Set(raw).size !== raw.length) return { rule: 'must not select an option twice' };
      if (question.minSelections !== undefined && raw.length < question.minSelections) {
        return { rule: `must select at least ${question.minSelections} options` };
      }
      if (question.maxSelections !== undefined && raw.length > question.maxSelections) {
        return { rule: `must select at most ${question.maxSelections} options` };
      }
      return { value: [...raw] };
    }
    case 'date': {
      if (raw === '') return 'unanswered';
      if (!dateSchema.safeParse(raw).success) return { rule: 'must be a date (YYYY-MM-DD)' };
      return { value: raw as string };
    }
    case 'yes_no': {
      if (typeof raw !== 'boolean') return { rule: 'must be true or false' };
      return { value: raw };
    }
  }
}

function optionIds(question: { options: readonly { id: string }[] }): string {
  return question.options.map((o) => o.id).join(', ');
}
