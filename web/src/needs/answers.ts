import type { TFunction } from 'i18next';

import type { Schemas } from '../api/client';
import type { paths } from '../api/schema';
import { decimalForInput, Exact, parseDecimalInput, readDecimalInput, withinDecimalBounds } from '../forms/decimal';
import type { FieldError } from '../forms/field-error';
import { textCharacterError } from '../forms/text-rules';
import { numberProblemMessage } from './need-lines';

/**
 * Answers to the survey's own questions as the buyer edits them, keyed by question id:
 * text, number and date as typed, a single choice as its option id, multiple choices as a
 * list of option ids, yes/no as "yes", "no" or "" (not answered).
 */
export type Question = Schemas['SurveyQuestion'];
/** The answers of a needs draft, as the API takes them (the generated schema of the draft request). */
export type DraftAnswers = NonNullable<
  paths['/api/statements/{statementId}/needs/draft']['put']['requestBody']['content']['application/json']['answers']
>;
export type AnswerValue = string | string[];
export type AnswerValues = Record<string, AnswerValue>;

export const answerPath = (id: string) => `answers.${id}`;

export function answersFromSaved(questions: readonly Question[], raw: unknown, locale: string): AnswerValues {
  const given = typeof raw === 'object' && raw !== null && !Array.isArray(raw) ? (raw as Record<string, unknown>) : {};
  const out: AnswerValues = {};
  for (const q of questions) {
    const v = Object.hasOwn(given, q.id) ? given[q.id] : undefined;
    if (v === undefined || v === null) continue;
    switch (q.type) {
      case 'multiple_choice':
        if (Array.isArray(v)) out[q.id] = v.filter((x): x is string => typeof x === 'string');
        break;
      case 'yes_no':
        if (typeof v === 'boolean') out[q.id] = v ? 'yes' : 'no';
        break;
      case 'number':
        if (typeof v === 'string' || typeof v === 'number') {
          const s = String(v);
          out[q.id] = /^-?\d+(\.\d+)?$/.test(s) ? decimalForInput(s, locale) : s;
        }
        break;
      default:
        if (typeof v === 'string') out[q.id] = v;
    }
  }
  return out;
}

/** The answers as the API takes them; unanswered questions are left out. */
export function answersToRequest(questions: readonly Question[], values: AnswerValues, locale: string): DraftAnswers {
  const out: DraftAnswers = {};
  for (const q of questions) {
    const v = values[q.id];
    if (v === undefined) continue;
    if (q.type === 'multiple_choice') {
      if (Array.isArray(v) && v.length > 0) out[q.id] = v;
      continue;
    }
    if (typeof v !== 'string' || v.trim() === '') continue;
    if (q.type === 'yes_no') out[q.id] = v === 'yes';
    else if (q.type === 'number') out[q.id] = parseDecimalInput(v, locale) ?? v.trim();
    else out[q.id] = q.type === 'text' ? v.trim() : v;
  }
  return out;
}

export function validateAnswers(
  questions: readonly Question[],
  values: AnswerValues,
  locale: string,
  t: TFunction,
): FieldError[] {
  const errors: FieldError[] = [];
  for (const q of questions) {
    const add = (message: string) => errors.push({ path: answerPath(q.id), message });
    const v = values[q.id];
    const empty = v === undefined || (Array.isArray(v) ? v.length === 0 : v.trim() === '');
    if (empty) {
      if (q.required)
        add(
          t(
            q.type === 'single_choice' || q.type === 'multiple_choice' || q.type === 'yes_no'
              ? 'answers.errors.choose'
              : 'answers.errors.required',
          ),
        );
      continue;
    }
    switch (q.type) {
      case 'text': {
        const characters = textCharacterError('paragraph', v as string, t);
        if (characters) add(characters);
        else if ((v as string).trim().length > q.maxLength) add(t('answers.errors.tooLong', { max: q.maxLength }));
        break;
      }
      case 'number': {
        const ambiguous = ambiguousNumber(v as string, locale, t);
        const canonical = parseDecimalInput(v as string, locale);
        if (ambiguous) add(ambiguous);
        else if (canonical === undefined || !withinDecimalBounds(canonical)) add(t('answers.errors.number'));
        else if (q.min !== undefined && new Exact(canonical).lt(q.min)) add(t('answers.errors.min', { min: q.min }));
        else if (q.max !== undefined && new Exact(canonical).gt(q.max)) add(t('answers.errors.max', { max: q.max }));
        break;
      }
      case 'date':
        if (!/^\d{4}-\d{2}-\d{2}$/.test(v as string)) add(t('answers.errors.date'));
        break;
      case 'multiple_choice': {
        const n = (v as string[]).length;
        if (q.minSelections !== undefined && n < q.minSelections)
          add(t('answers.errors.minSelections', { count: q.minSelections }));
        else if (q.maxSelections !== undefined && n > q.maxSelections)
          add(t('answers.errors.maxSelections', { count: q.maxSelections }));
        break;
      }
      default:
        break;
    }
  }
  return errors;
}

/** The message of a number answer that reads two ways ("390.000" in English), or undefined. */
function ambiguousNumber(value: string, locale: string, t: TFunction): string | undefined {
  const read = readDecimalInput(value, locale);
  if (read.ok || read.problem.kind !== 'ambiguous') return undefined;
  return numberProblemMessage({ ok: false, rule: 'ambiguous', typed: value.trim(), ...read.problem }, locale, t);
}

/**
 * The number answers that read two ways: like the need lines' (`ambiguousNumbers`), they stop a
 * save, since sent as typed the API would read "390.000" as its own canonical 390 (issue 18).
 */
export function ambiguousAnswers(
  questions: readonly Question[],
  values: AnswerValues,
  locale: string,
  t: TFunction,
): FieldError[] {
  return questions.flatMap((q) => {
    const v = values[q.id];
    const message = q.type === 'number' && typeof v === 'string' ? ambiguousNumber(v, locale, t) : undefined;
    return message ? [{ path: `answers.${q.id}`, message }] : [];
  });
}
