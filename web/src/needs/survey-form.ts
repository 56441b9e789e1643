import {
  defaultTextAnswerLength,
  maxHelpTextLength,
  maxLabelLength,
  maxOptions,
  maxQuestions,
  maxTextAnswerLength,
  type QuestionType,
} from '@jointdemand/rules/survey';
import type { TFunction } from 'i18next';

import { decimalForInput, Exact, parseDecimalInput, readDecimalInput, withinDecimalBounds } from '../forms/decimal';
import type { FieldError } from '../forms/field-error';
import { textCharacterError } from '../forms/text-rules';
import type { Question } from './answers';
import { newKey, numberProblemMessage } from './need-lines';

/**
 * The survey's own questions as the lead buyer edits them. A question keeps its id once it has
 * one (answers are keyed by it, across survey versions); a new question or option gets an id
 * made from its text when the survey is saved.
 */
export { type QuestionType, questionTypes } from '@jointdemand/rules/survey';

export interface OptionValues {
  key: number;
  id?: string;
  label: string;
}

export interface QuestionValues {
  key: number;
  id?: string;
  type: QuestionType;
  label: string;
  helpText: string;
  required: boolean;
  maxLength: string;
  unit: string;
  min: string;
  max: string;
  options: OptionValues[];
  minSelections: string;
  maxSelections: string;
}

/** The server's limits of a survey (`@jointdemand/rules/survey`), under the names the editor uses. */
export const MAX_QUESTIONS = maxQuestions;
export const MAX_OPTIONS = maxOptions;
export const MAX_LABEL = maxLabelLength;
export const MAX_HELP = maxHelpTextLength;
export const MAX_TEXT_ANSWER = maxTextAnswerLength;

export function newQuestion(type: QuestionType = 'text'): QuestionValues {
  return {
    key: newKey(),
    type,
    label: '',
    helpText: '',
    required: false,
    maxLength: String(defaultTextAnswerLength),
    unit: '',
    min: '',
    max: '',
    options: [
      { key: newKey(), label: '' },
      { key: newKey(), label: '' },
    ],
    minSelections: '',
    maxSelections: '',
  };
}

export function questionFromSurvey(q: Question, locale: string): QuestionValues {
  const base = newQuestion(q.type);
  const common = { ...base, id: q.id, label: q.label, helpText: q.helpText ?? '', required: q.required };
  switch (q.type) {
    case 'text':
      return { ...common, maxLength: String(q.maxLength) };
    case 'number':
      return {
        ...common,
        unit: q.unit,
        min: q.min !== undefined ? decimalForInput(q.min, locale) : '',
        max: q.max !== undefined ? decimalForInput(q.max, locale) : '',
      };
    case 'single_choice':
    case 'multiple_choice':
      return {
        ...common,
        options: q.options.map((o) => ({ key: newKey(), id: o.id, label: o.label })),
        ...(q.type === 'multiple_choice'
          ? { minSelections: q.minSelections?.toString() ?? '', maxSelections: q.maxSelections?.toString() ?? '' }
          : {}),
      };
    default:
      return common;
  }
}

/** A slug the API accepts (`^[a-z][a-z0-9_-]{0,39}$`), from any text, unique among `taken`. */
export function slugFor(textValue: string, taken: Set<string>, fallback: string): string {
  let slug = textValue
    .normalize('NFKD')
    .replace(/[\u0300-\u036f]/g, '')
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^[^a-z]+/, '')
    .replace(/-+$/, '')
    .slice(0, 32)
    .replace(/-+$/, '');
  if (!slug) slug = fallback;
  let candidate = slug;
  for (let n = 2; taken.has(candidate); n += 1) candidate = `${slug}-${n}`;
  taken.add(candidate);
  return candidate;
}

const optionalInt = (v: string) => (v.trim() === '' ? undefined : Number(v.trim()));

/** The questions as the API takes them, with ids for new questions and options. */
export function questionsToRequest(questions: readonly QuestionValues[], locale: string): Question[] {
  const taken = new Set(questions.map((q) => q.id).filter((id): id is string => Boolean(id)));
  return questions.map((q, i) => {
    const id = q.id ?? slugFor(q.label, taken, `q${i + 1}`);
    const base = {
      id,
      label: q.label.trim(),
      required: q.required,
      ...(q.helpText.trim() ? { helpText: q.helpText.trim() } : {}),
    };
    switch (q.type) {
      case 'text':
        return { ...base, type: 'text', maxLength: Number(q.maxLength.trim() || defaultTextAnswerLength) };
      case 'number': {
        const min = q.min.trim() ? (parseDecimalInput(q.min, locale) ?? q.min.trim()) : undefined;
        const max = q.max.trim() ? (parseDecimalInput(q.max, locale) ?? q.max.trim()) : undefined;
        return {
          ...base,
          type: 'number',
          unit: q.unit.trim().toUpperCase(),
          ...(min !== undefined ? { min } : {}),
          ...(max !== undefined ? { max } : {}),
        };
      }
      case 'single_choice':
      case 'multiple_choice': {
        const optionIds = new Set(q.options.map((o) => o.id).filter((x): x is string => Boolean(x)));
        const options = q.options.map((o, j) => ({
          id: o.id ?? slugFor(o.label, optionIds, `option${j + 1}`),
          label: o.label.trim(),
        }));
        if (q.type === 'single_choice') return { ...base, type: 'single_choice', options };
        const minSelections = optionalInt(q.minSelections);
        const maxSelections = optionalInt(q.maxSelections);
        return {
          ...base,
          type: 'multiple_choice',
          options,
          ...(minSelections !== undefined ? { minSelections } : {}),
          ...(maxSelections !== undefined ? { maxSelections } : {}),
        };
      }
      case 'date':
        return { ...base, type: 'date' };
      case 'yes_no':
        return { ...base, type: 'yes_no' };
    }
  });
}

export const questionPath = (i: number, field: string) => `questions[${i}].${field}`;

export function validateQuestions(questions: readonly QuestionValues[], locale: string, t: TFunction): FieldError[] {
  const errors: FieldError[] = [];
  if (questions.length > MAX_QUESTIONS)
    errors.push({ path: 'questions', message: t('survey.errors.tooMany', { max: MAX_QUESTIONS }) });
  questions.forEach((q, i) => {
    const add = (field: string, message: string) => errors.push({ path: questionPath(i, field), message });
    const label = q.label.trim();
    const labelCharacters = textCharacterError('line', q.label, t);
    if (labelCharacters) add('label', labelCharacters);
    else if (!label) add('label', t('survey.errors.labelRequired'));
    else if (label.length > MAX_LABEL) add('label', t('survey.errors.tooLong', { max: MAX_LABEL }));
    const helpCharacters = textCharacterError('paragraph', q.helpText, t);
    if (helpCharacters) add('helpText', helpCharacters);
    else if (q.helpText.trim().length > MAX_HELP) add('helpText', t('survey.errors.tooLong', { max: MAX_HELP }));
    switch (q.type) {
      case 'text': {
        const n = q.maxLength.trim();
        if (!/^\d{1,5}$/.test(n) || Number(n) < 1 || Number(n) > MAX_TEXT_ANSWER)
          add('maxLength', t('survey.errors.maxLength', { max: MAX_TEXT_ANSWER }));
        break;
      }
      case 'number': {
        if (!/^[A-Za-z0-9]{2,3}$/.test(q.unit.trim())) add('unit', t('survey.errors.unit'));
        const read = (field: 'min' | 'max') => {
          const v = q[field].trim();
          if (!v) return undefined;
          const typed = readDecimalInput(v, locale);
          if (!typed.ok && typed.problem.kind === 'ambiguous') {
            // "1.500" in English: 1.5 or 1500? Both readings, as the needs form says it (issue 18).
            add(field, numberProblemMessage({ ok: false, rule: 'ambiguous', typed: v, ...typed.problem }, locale, t));
            return undefined;
          }
          const canonical = typed.ok ? typed.value : undefined;
          if (canonical === undefined || !withinDecimalBounds(canonical)) {
            add(field, t('survey.errors.number'));
            return undefined;
          }
          return new Exact(canonical);
        };
        const min = read('min');
        const max = read('max');
        if (min && max && max.lt(min)) add('max', t('survey.errors.maxBelowMin'));
        break;
      }
      case 'single_choice':
      case 'multiple_choice': {
        if (q.options.length < 2) add('options', t('survey.errors.twoOptions'));
        if (q.options.length > MAX_OPTIONS) add('options', t('survey.errors.tooManyOptions', { max: MAX_OPTIONS }));
        const seen = new Set<string>();
        q.options.forEach((o, j) => {
          const text = o.label.trim();
          const optionCharacters = textCharacterError('line', o.label, t);
          if (optionCharacters) add(`options[${j}].label`, optionCharacters);
          else if (!text) add(`options[${j}].label`, t('survey.errors.optionRequired'));
          else if (seen.has(text.toLowerCase())) add(`options[${j}].label`, t('survey.errors.optionDuplicate'));
          seen.add(text.toLowerCase());
        });
        if (q.type === 'multiple_choice') {
          const n = q.options.length;
          const min = q.minSelections.trim();
          const max = q.maxSelections.trim();
          const minOk = min === '' || (/^\d{1,3}$/.test(min) && Number(min) <= n);
          const maxOk = max === '' || (/^\d{1,3}$/.test(max) && Number(max) >= 1 && Number(max) <= n);
          if (!minOk) add('minSelections', t('survey.errors.selections', { max: n }));
          if (!maxOk) add('maxSelections', t('survey.errors.selections', { max: n }));
          if (minOk && maxOk && min !== '' && max !== '' && Number(max) < Number(min))
            add('maxSelections', t('survey.errors.maxBelowMin'));
        }
        break;
      }
      default:
        break;
    }
  });
  return errors;
}

/** The visible name of a question field, for the error summary. */
export function questionFieldLabel(path: string, t: TFunction): string | undefined {
  const m = /^questions\[(\d+)\]\.(.+)$/.exec(path);
  if (!m) return path === 'questions' ? t('survey.questions') : undefined;
  const n = Number(m[1]) + 1;
  const option = /^options\[(\d+)\]\.(label|id)$/.exec(m[2]!);
  if (option) return t('survey.errors.optionField', { n, option: Number(option[1]) + 1 });
  const key = (
    {
      id: 'survey.question.label',
      label: 'survey.question.label',
      helpText: 'survey.question.helpText',
      type: 'survey.question.type',
      maxLength: 'survey.question.maxLength',
      unit: 'survey.question.unit',
      min: 'survey.question.min',
      max: 'survey.question.max',
      options: 'survey.question.options',
      minSelections: 'survey.question.minSelections',
      maxSelections: 'survey.question.maxSelections',
    } as const
  )[m[2] as 'label'];
  return key ? t('survey.errors.questionField', { n, field: t(key) }) : t('survey.question.title', { n });
}
