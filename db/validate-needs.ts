import { defaultRateMaxAgeDays } from '../domain/currency.js';
import type { FieldProblem } from '../domain/errors.js';
import { type NeedLine, referencedCodes, validateNeedLines } from '../domain/need-lines.js';
import type { Schedule } from '../domain/statement.js';
import { type AnswerValue, type Question, validateSurveyAnswers } from '../domain/survey.js';
import { contentHash } from '../platform/canonical-json.js';
import type { DbOrTx } from './database.js';
import { rateCoverageOn } from './exchange-rates.js';
import { findSurvey } from './needs.js';
import { needReferenceLookups } from './reference-data.js';
import { findStatement } from './statements.js';

export interface ValidNeeds {
  lines: NeedLine[];
  answers: Record<string, AnswerValue>;
  surveyVersion: number;
  /** Hash of what would be locked: normalised lines, answers and the survey version answered. */
  contentHash: string;
}

/**
 * Checks a participant's lines and answers against everything the statement and the reference
 * lists require. The API runs it to answer with every problem at once; the activity that locks
 * a version runs it again, so what is locked is exactly what was checked.
 */
export async function validateNeeds(
  db: DbOrTx,
  statementId: string,
  input: { lines: unknown; answers: unknown },
): Promise<{ valid: ValidNeeds } | { problems: FieldProblem[] }> {
  const statement = await findStatement(db, statementId);
  if (!statement) return { problems: [{ field: 'statementId', rule: 'must be an existing statement' }] };
  const schedule = statement.schedule as Schedule;
  const survey = await findSurvey(db, statementId);
  const questions = (survey?.questions ?? []) as Question[];
  const lookups = await needReferenceLookups(db, referencedCodes(input.lines));
  // Only a missing rate refuses a line, whatever its age (rules/exchange-rates.ts), so the age limit does not matter here.
  const rates = await rateCoverageOn(db, new Date().toISOString().slice(0, 10), defaultRateMaxAgeDays);
  const lines = validateNeedLines(input.lines, {
    horizon: { fromYear: schedule.deliveryFromYear, toYear: schedule.deliveryToYear },
    ...lookups,
    rates,
  });
  const answers = validateSurveyAnswers(questions, input.answers);
  const problems = [...('problems' in lines ? lines.problems : []), ...('problems' in answers ? answers.problems : [])];
  if ('problems' in lines || 'problems' in answers) return { problems };
  const surveyVersion = survey?.version ?? 1;
  return {
    valid: {
      lines: lines.lines,
      answers: answers.answers,
      surveyVersion,
      contentHash: contentHash({ lines: lines.lines, answers: answers.answers, surveyVersion }),
    },
  };
}
