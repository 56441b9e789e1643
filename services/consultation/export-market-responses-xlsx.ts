import { findConsultation, listResponses } from '../../db/consultation.js';
import type { Principal } from '../../domain/authorization.js';
import { translatorFor } from '../../i18n/index.js';
import { newWorkbook } from '../../platform/workbook.js';
import { cleanText } from '../../rules/text-hygiene.js';
import type { RequestMeta, ServiceContext } from '../context.js';
import { authorizeStatement } from '../statements/authorize-statement.js';

/**
 * The lead's comparison of supplier responses as an Excel workbook (exceljs): one row per
 * request-for-information question, in the request's order, one column per responding supplier
 * (by name); headers in `lang`. Text stays text (a cell is never a formula, whatever a supplier typed).
 */
export async function exportMarketResponsesXlsx(
  ctx: ServiceContext,
  principal: Principal,
  statementId: string,
  lang: string,
  meta: RequestMeta,
) {
  await authorizeStatement(ctx, principal, statementId, 'manageConsultation', meta);
  const t = translatorFor(lang);
  const questions = (await findConsultation(ctx.db, statementId))?.questions ?? [];
  const responses = await listResponses(ctx.db, statementId);
  const workbook = await newWorkbook();
  workbook.creator = 'jointdemand';
  workbook.created = new Date(0);
  workbook.modified = new Date(0);
  const sheet = workbook.addWorksheet(t('marketResponses.sheet').slice(0, 31), {
    views: [{ state: 'frozen', xSplit: 1, ySplit: 1 }],
  });
  const header = sheet.addRow([t('marketResponses.question'), ...responses.map((r) => cleanText(r.name))]);
  header.font = { bold: true };
  for (const q of questions)
    sheet.addRow([
      cleanText(q.text),
      ...responses.map((r) => {
        const answer = (r.answers as Record<string, string>)[q.id];
        return answer ? cleanText(answer) : null;
      }),
    ]);
  sheet.columns.forEach((column) => {
    column.width = 40;
    column.alignment = { wrapText: true, vertical: 'top' };
  });
  const body = Buffer.from(await workbook.xlsx.writeBuffer());
  return { body, filename: `market-responses-${statementId}.xlsx` };
}
