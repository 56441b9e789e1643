import type ExcelJS from 'exceljs';

import type { Principal } from '../../domain/authorization.js';
import { newWorkbook } from '../../platform/workbook.js';
import { cleanText } from '../../rules/text-hygiene.js';
import type { RequestMeta, ServiceContext } from '../context.js';
import { authorizeTracking } from './authorize-tracking.js';
import type { DashboardFilter } from './get-dashboard.js';
import {
  type ExportLanguage,
  type PilotCell,
  pilotCells,
  pilotColumns,
  pilotHeaders,
  pilotViewPages,
} from './pilot-export-rows.js';

export const xlsxType = 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet';

/** Cell formats: Excel shows them in the reader's own conventions (decimal comma, date order). */
const formats = { decimal: '#,##0.00', date: 'yyyy-mm-dd', dateTime: 'yyyy-mm-dd hh:mm' } as const;

/**
 * The pilots of the CSV export as an Excel workbook (exceljs), the same rows and columns: headers
 * and yes/no in `lang`, counts and amounts as numbers, times as dates (UTC), the header row frozen
 * and filterable, columns as wide as their content. Text stays text: a title typed as `=1+1` is
 * never a formula. Written whole in memory (a pilot is a row of some 30 cells; the programme has
 * hundreds, not millions).
 */
export async function exportPilotsXlsx(
  ctx: ServiceContext,
  principal: Principal,
  filter: DashboardFilter,
  lang: ExportLanguage,
  meta: RequestMeta,
) {
  await authorizeTracking(ctx, principal, meta, 'exportPilots');
  const now = new Date();
  const { sheet: sheetName, headers, yes, no, words } = pilotHeaders(lang);
  const workbook = await newWorkbook();
  workbook.creator = 'jointdemand';
  workbook.created = now;
  const sheet = workbook.addWorksheet(sheetName, { views: [{ state: 'frozen', ySplit: 1 }] });
  const header = sheet.addRow(headers);
  header.font = { bold: true };
  const widths = headers.map((h) => h.length);
  const value = (cell: PilotCell): ExcelJS.CellValue => {
    if (cell === null) return null;
    if (typeof cell === 'boolean') return cell ? yes : no;
    if (typeof cell === 'number') return cell;
    if (typeof cell === 'string') return cleanText(cell);
    if ('decimal' in cell) return Number(cell.decimal);
    return new Date('date' in cell ? `${cell.date}T00:00:00Z` : cell.dateTime);
  };
  for await (const views of pilotViewPages(ctx, filter, now))
    for (const p of views) {
      const cells = pilotCells(p, words);
      const row = sheet.addRow(cells.map(value));
      cells.forEach((cell, i) => {
        const format =
          cell !== null && typeof cell === 'object'
            ? formats['decimal' in cell ? 'decimal' : 'date' in cell ? 'date' : 'dateTime']
            : undefined;
        if (format) row.getCell(i + 1).numFmt = format;
        const shown = format ? format.length + 2 : String(value(cell) ?? '').length;
        widths[i] = Math.max(widths[i] ?? 0, shown);
      });
    }
  sheet.columns.forEach((column, i) => {
    column.width = Math.min(60, Math.max(10, (widths[i] ?? 0) + 2));
  });
  sheet.autoFilter = { from: { row: 1, column: 1 }, to: { row: 1, column: pilotColumns.length } };
  const body = Buffer.from(await workbook.xlsx.writeBuffer());
  return { body, filename: `pilots-${now.toISOString().slice(0, 10)}.xlsx` };
}
