import type ExcelJS from 'exceljs';

import type { Principal } from '../../domain/authorization.js';
import { newWorkbook } from '../../platform/workbook.js';
import { cleanText } from '../../rules/text-hygiene.js';
import type { RequestMeta, ServiceContext } from '../context.js';
import { authorizeStatement } from '../statements/authorize-statement.js';
import { surveyResultsTables, type Table } from './survey-results-tables.js';

/**
 * The lead's survey results as an Excel workbook (exceljs): a summary sheet (per question, counts
 * and shares per option, numeric summaries), one row of answers per respondent, and one row per
 * submitted need line. Headers and sheet names in `lang`; numbers are numbers, text stays text
 * (a cell is never a formula, whatever a buyer typed).
 */
export async function exportSurveyResultsXlsx(
  ctx: ServiceContext,
  principal: Principal,
  statementId: string,
  lang: string,
  meta: RequestMeta,
) {
  await authorizeStatement(ctx, principal, statementId, 'viewSurveyResults', meta);
  const tables = await surveyResultsTables(ctx, statementId, lang, { withLines: true });
  const workbook = await newWorkbook();
  workbook.creator = 'jointdemand';
  workbook.created = new Date(0);
  workbook.modified = new Date(0);
  for (const table of [tables.summary, tables.answers, tables.lines]) addSheet(workbook, table);
  const body = Buffer.from(await workbook.xlsx.writeBuffer());
  return { body, filename: `survey-results-${statementId}.xlsx` };
}

function addSheet(workbook: ExcelJS.Workbook, table: Table): void {
  // Excel allows 31 characters and none of : \ / ? * [ ] in a sheet name.
  const sheet = workbook.addWorksheet(table.name.replace(/[:\\/?*[\]]/g, ' ').slice(0, 31), {
    views: [{ state: 'frozen', ySplit: 1 }],
  });
  const header = sheet.addRow(table.headers.map((h) => cleanText(h)));
  header.font = { bold: true };
  for (const row of table.rows)
    sheet.addRow(row.map((cell) => (typeof cell === 'string' ? cleanText(cell) : (cell ?? null))));
  sheet.columns.forEach((column, i) => {
    const widest = Math.max(
      String(table.headers[i] ?? '').length,
      ...table.rows.slice(0, 200).map((r) => String(r[i] ?? '').length),
    );
    column.width = Math.min(60, Math.max(10, widest + 2));
  });
  sheet.autoFilter = { from: { row: 1, column: 1 }, to: { row: 1, column: Math.max(1, table.headers.length) } };
}
