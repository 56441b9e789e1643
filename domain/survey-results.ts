import { Decimal } from 'decimal.js';

import { decimalPattern } from '../rules/need-lines.js';
import type { Question } from './survey.js';

/**
 * The results of a needs survey's own questions, as the lead buyer reads them: per question, how
 * many respondents answered and what (counts per option, a numeric summary, the range of dates).
 * Pure: the caller feeds each respondent's stored answers (the normalised values
 * `validateSurveyAnswers` kept) one at a time, so a statement with thousands of buyers is tallied
 * a page at a time. Answers given to an earlier survey version count where the question keeps its
 * id and the answer still fits it (an option that no longer exists, or a value of another type,
 * is left out and counted as `notComparable`).
 */

export interface OptionCount {
  id: string;
  label: string;
  count: number;
}

interface QuestionBase {
  id: string;
  label: string;
  /** Respondents whose answer to this question is counted. */
  answered: number;
  /** Respondents who answered an earlier version of the question in a way this version cannot count. */
  notComparable: number;
}

export type QuestionResult =
  | (QuestionBase & { type: 'single_choice' | 'multiple_choice'; options: OptionCount[] })
  | (QuestionBase & { type: 'yes_no'; yes: number; no: number })
  | (QuestionBase & {
      type: 'number';
      unit: string;
      /** Exact decimals as strings; null while nobody answered. */
      summary: { min: string; max: string; sum: string; mean: string; median: string } | null;
    })
  | (QuestionBase & { type: 'date'; earliest: string | null; latest: string | null })
  | (QuestionBase & { type: 'text' });

const isoDate = /^\d{4}-\d{2}-\d{2}$/;

/** Folds respondents' answers into per-question results for the survey's `questions`. */
export class SurveyTally {
  private respondents = 0;
  private readonly answered = new Map<string, number>();
  private readonly notComparable = new Map<string, number>();
  private readonly optionCounts = new Map<string, Map<string, number>>();
  private readonly numbers = new Map<string, Decimal[]>();
  private readonly dates = new Map<string, { earliest: string; latest: string }>();

  constructor(private readonly questions: readonly Question[]) {}

  get count(): number {
    return this.respondents;
  }

  /** One respondent's stored answers, keyed by question id. */
  add(answers: unknown): void {
    this.respondents += 1;
    const given = answers !== null && typeof answers === 'object' && !Array.isArray(answers) ? answers : {};
    for (const q of this.questions) {
      if (!Object.hasOwn(given, q.id)) continue;
      const raw = (given as Record<string, unknown>)[q.id];
      if (raw === null || raw === undefined) continue;
      if (this.count1(q, raw)) bump(this.answered, q.id);
      else bump(this.notComparable, q.id);
    }
  }

  private count1(q: Question, raw: unknown): boolean {
    switch (q.type) {
      case 'single_choice':
      case 'multiple_choice': {
        const chosen = q.type === 'single_choice' ? [raw] : raw;
        if (!Array.isArray(chosen) || chosen.length === 0) return false;
        const offered = new Set(q.options.map((o) => o.id));
        if (!chosen.every((c): c is string => typeof c === 'string' && offered.has(c))) return false;
        let counts = this.optionCounts.get(q.id);
        if (!counts) this.optionCounts.set(q.id, (counts = new Map()));
        for (const c of new Set(chosen)) bump(counts, c);
        return true;
      }
      case 'yes_no': {
        if (typeof raw !== 'boolean') return false;
        let counts = this.optionCounts.get(q.id);
        if (!counts) this.optionCounts.set(q.id, (counts = new Map()));
        bump(counts, raw ? 'yes' : 'no');
        return true;
      }
      case 'number': {
        const text = typeof raw === 'number' && Number.isFinite(raw) ? String(raw) : raw;
        if (typeof text !== 'string' || !decimalPattern.test(text)) return false;
        let values = this.numbers.get(q.id);
        if (!values) this.numbers.set(q.id, (values = []));
        values.push(new Decimal(text));
        return true;
      }
      case 'date': {
        if (typeof raw !== 'string' || !isoDate.test(raw)) return false;
        const seen = this.dates.get(q.id);
        if (!seen) this.dates.set(q.id, { earliest: raw, latest: raw });
        else {
          if (raw < seen.earliest) seen.earliest = raw;
          if (raw > seen.latest) seen.latest = raw;
        }
        return true;
      }
      case 'text':
        return typeof raw === 'string' && raw.trim() !== '';
    }
  }

  results(): QuestionResult[] {
    return this.questions.map((q): QuestionResult => {
      const base = {
        id: q.id,
        label: q.label,
        answered: this.answered.get(q.id) ?? 0,
        notComparable: this.notComparable.get(q.id) ?? 0,
      };
      const counts = this.optionCounts.get(q.id) ?? new Map<string, number>();
      switch (q.type) {
        case 'single_choice':
        case 'multiple_choice':
          return {
            ...base,
            type: q.type,
            options: q.options.map((o) => ({ id: o.id, label: o.label, count: counts.get(o.id) ?? 0 })),
          };
        case 'yes_no':
          return { ...base, type: 'yes_no', yes: counts.get('yes') ?? 0, no: counts.get('no') ?? 0 };
        case 'number':
          return { ...base, type: 'number', unit: q.unit, summary: numericSummary(this.numbers.get(q.id) ?? []) };
        case 'date': {
          const d = this.dates.get(q.id);
          return { ...base, type: 'date', earliest: d?.earliest ?? null, latest: d?.latest ?? null };
        }
        case 'text':
          return { ...base, type: 'text' };
      }
    });
  }
}

/** Minimum, maximum, sum, mean and median of exact decimals (the mean to 6 decimal places, trailing zeros dropped). */
export function numericSummary(values: readonly Decimal[]) {
  if (values.length === 0) return null;
  const sorted = [...values].sort((a, b) => a.comparedTo(b));
  const sum = sorted.reduce((s, v) => s.plus(v), new Decimal(0));
  const mid = Math.floor(sorted.length / 2);
  const median = sorted.length % 2 === 1 ? sorted[mid]! : sorted[mid - 1]!.plus(sorted[mid]!).div(2);
  return {
    min: sorted[0]!.toFixed(),
    max: sorted.at(-1)!.toFixed(),
    sum: sum.toFixed(),
    mean: sum.div(sorted.length).toDecimalPlaces(6, Decimal.ROUND_HALF_EVEN).toFixed(),
    median: median.toFixed(),
  };
}

function bump<K>(map: Map<K, number>, key: K): void {
  map.set(key, (map.get(key) ?? 0) + 1);
}
