import { findSurvey } from '../../db/needs.js';
import { participantCountsByStatus } from '../../db/needs.js';
import { surveyRespondentsPage } from '../../db/survey-results.js';
import type { NeedLine } from '../../domain/need-lines.js';
import type { Question } from '../../domain/survey.js';
import { type QuestionResult, SurveyTally } from '../../domain/survey-results.js';
import { translatorFor } from '../../i18n/index.js';
import type { ServiceContext } from '../context.js';
import { iso } from '../iso.js';

/** A table of an export: localised headers, then rows of cells (numbers stay numbers). */
export interface Table {
  name: string;
  headers: string[];
  rows: (string | number | null)[][];
}

const readPage = 500;

/**
 * The tables the survey exports are made of, headers and words in `lang`: the per-question
 * summary, one row of answers per respondent (a column per question of the latest survey, option
 * labels rather than ids), and (`withLines`) one row per submitted need line. Values stay as
 * stored: exact decimals, ISO dates, option labels as the lead wrote them.
 */
export async function surveyResultsTables(
  ctx: ServiceContext,
  statementId: string,
  lang: string,
  options: { withLines: boolean },
) {
  const t = translatorFor(lang);
  const survey = await findSurvey(ctx.db, statementId);
  const questions = (survey?.questions ?? []) as Question[];
  const counts = await participantCountsByStatus(ctx.db, statementId);
  // Tallied in the same pass that writes the rows: the summary counts exactly the rows exported.
  const tally = new SurveyTally(questions);
  const c = (key: string) => t(`surveyResults.columns.${key}`);
  const answersTable: Table = {
    name: t('surveyResults.sheets.answers'),
    headers: [
      c('organisation'),
      c('country'),
      c('status'),
      c('version'),
      c('surveyVersion'),
      c('submittedAt'),
      c('confirmedAt'),
      c('lines'),
      ...questions.map((q) => (q.type === 'number' ? `${q.label} (${q.unit})` : q.label)),
    ],
    rows: [],
  };
  const linesTable: Table = {
    name: t('surveyResults.sheets.lines'),
    headers: [
      'organisation',
      'country',
      'lineNo',
      'cpvCode',
      'description',
      'quantity',
      'unit',
      'unitPrice',
      'currency',
      'deliveryFrom',
      'deliveryTo',
      'frameworkMonths',
      'optionalQuantity',
      'renewals',
      'renewalQuantity',
      'requirements',
    ].map(c),
    rows: [],
  };
  for (let after: { name: string; organisationId: string } | undefined; ;) {
    const rows = await surveyRespondentsPage(ctx.db, statementId, {
      limit: readPage,
      after,
      withLines: options.withLines,
    });
    for (const r of rows.slice(0, readPage)) {
      const answers = (r.answers ?? {}) as Record<string, unknown>;
      tally.add(answers);
      answersTable.rows.push([
        r.name,
        r.country,
        t(`surveyResults.statuses.${r.status}`),
        r.version,
        r.survey_version,
        iso(r.submitted_at),
        iso(r.confirmed_at),
        Number(r.line_count),
        ...questions.map((q) => answerCell(q, Object.hasOwn(answers, q.id) ? answers[q.id] : undefined, t)),
      ]);
      ((r.lines ?? []) as NeedLine[]).forEach((l, i) =>
        linesTable.rows.push([
          r.name,
          r.country,
          i + 1,
          l.cpvCode,
          l.description,
          decimalCell(l.quantity),
          l.unit,
          decimalCell(l.unitPrice),
          l.currency,
          l.delivery.fromYear,
          l.delivery.toYear,
          l.frameworkMonths,
          decimalCell(l.optionalQuantity),
          l.renewals.count,
          decimalCell(l.renewals.quantityEach),
          l.requirements || null,
        ]),
      );
    }
    if (rows.length <= readPage) break;
    const last = rows[readPage - 1]!;
    after = { name: last.name, organisationId: last.organisation_id };
  }
  const total = Object.values(counts).reduce((a, b) => a + b, 0);
  return {
    summary: summaryTable(tally.results(), t, { respondents: tally.count, total }),
    answers: answersTable,
    lines: linesTable,
  };
}

type T = ReturnType<typeof translatorFor>;

function summaryTable(results: QuestionResult[], t: T, counts: { respondents: number; total: number }): Table {
  const rows: Table['rows'] = [[t('surveyResults.respondents', { count: counts.respondents, total: counts.total })]];
  const share = (n: number, of: number) => (of === 0 ? null : Math.round((n / of) * 1000) / 1000);
  for (const r of results) {
    const head = (answer: string, count: number | string | null, s: number | null = null) =>
      rows.push([r.label, t(`surveyResults.types.${r.type}`), answer, count, s]);
    head(t('surveyResults.answered'), r.answered);
    if (r.notComparable > 0) head(t('surveyResults.notComparable'), r.notComparable);
    switch (r.type) {
      case 'single_choice':
      case 'multiple_choice':
        for (const o of r.options) head(o.label, o.count, share(o.count, r.answered));
        break;
      case 'yes_no':
        head(t('surveyResults.yes'), r.yes, share(r.yes, r.answered));
        head(t('surveyResults.no'), r.no, share(r.no, r.answered));
        break;
      case 'number':
        if (r.summary)
          for (const k of ['min', 'max', 'sum', 'mean', 'median'] as const)
            head(`${t(`surveyResults.${k}`)} (${r.unit})`, decimalCell(r.summary[k]));
        break;
      case 'date':
        if (r.earliest) head(t('surveyResults.earliest'), r.earliest);
        if (r.latest) head(t('surveyResults.latest'), r.latest);
        break;
      case 'text':
        break;
    }
  }
  return {
    name: t('surveyResults.sheets.summary'),
    headers: ['question', 'type', 'answer', 'count', 'share'].map((k) => t(`surveyResults.columns.${k}`)),
    rows,
  };
}

/** An answer as a person reads it: option labels, yes/no in the reader's language, numbers as numbers. */
function answerCell(q: Question, raw: unknown, t: T): string | number | null {
  if (raw === undefined || raw === null) return null;
  switch (q.type) {
    case 'single_choice':
      return q.options.find((o) => o.id === raw)?.label ?? String(raw);
    case 'multiple_choice':
      return Array.isArray(raw)
        ? raw.map((id) => q.options.find((o) => o.id === id)?.label ?? String(id)).join('; ')
        : String(raw);
    case 'yes_no':
      return raw === true ? t('surveyResults.yes') : raw === false ? t('surveyResults.no') : String(raw);
    case 'number':
      return typeof raw === 'string' ? decimalCell(raw) : typeof raw === 'number' ? raw : String(raw);
    default:
      return typeof raw === 'string' ? raw : JSON.stringify(raw);
  }
}

/**
 * A decimal string as a spreadsheet number when a double holds it exactly as written (15
 * significant digits or fewer), else the exact text: a figure is never silently rounded.
 */
export function decimalCell(value: string | null | undefined): string | number | null {
  if (value === null || value === undefined || value === '') return null;
  const n = Number(value);
  if (!Number.isFinite(n)) return value;
  const digits = value.replace(/^-/, '').replace('.', '').replace(/^0+/, '');
  return digits.length <= 15 ? n : value;
}
