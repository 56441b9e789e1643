import { stringify } from 'csv-stringify/sync';

import type { Principal } from '../../domain/authorization.js';
import { spreadsheetCell } from '../../rules/text-hygiene.js';
import type { RequestMeta, ServiceContext } from '../context.js';
import { authorizeStatement } from '../statements/authorize-statement.js';
import { surveyResultsTables } from './survey-results-tables.js';

/** The byte order mark that tells spreadsheet programs the file is UTF-8 (é, ø, ß read as typed). */
const bom = '\uFEFF';

/**
 * The lead's survey results as CSV: one row per respondent (organisation, its counted version, a
 * column per question), headers in `lang`, UTF-8 with a byte order mark. Every cell neutralised
 * against formula injection (OWASP): the answers are free text typed by other organisations.
 */
export async function exportSurveyResultsCsv(
  ctx: ServiceContext,
  principal: Principal,
  statementId: string,
  lang: string,
  meta: RequestMeta,
) {
  await authorizeStatement(ctx, principal, statementId, 'viewSurveyResults', meta);
  const { answers } = await surveyResultsTables(ctx, statementId, lang, { withLines: false });
  const csv = stringify([answers.headers, ...answers.rows].map((row) => row.map(spreadsheetCell)));
  return { csv: bom + csv, filename: `survey-results-${statementId}.csv` };
}
