import { stringify } from 'csv-stringify/sync';

import type { Principal } from '../../domain/authorization.js';
import { spreadsheetCell } from '../../rules/text-hygiene.js';
import type { RequestMeta, ServiceContext } from '../context.js';
import { authorizeTracking } from './authorize-tracking.js';
import type { DashboardFilter } from './get-dashboard.js';
import { type ExportLanguage, type PilotCell, pilotCells, pilotHeaders, pilotViewPages } from './pilot-export-rows.js';

/** The byte order mark that tells spreadsheet programs the file is UTF-8 (é, ø, ß read as typed). */
const bom = '\uFEFF';

/**
 * Every pilot matching the filters, one row each, as on the dashboard. Written for the Excel of
 * the requester's language: UTF-8 with a byte order mark, headers and yes/no in `lang`, and for
 * French and German the list separator `;` and the decimal comma their Excel expects (English:
 * `,` and the decimal point). Figures are plain numbers (no grouping, no currency sign), amounts
 * keep their exact decimals, times are ISO 8601. Authorised first; then `chunks` yields the CSV
 * text a page of pilots at a time, the header first.
 */
export async function exportPilotsCsv(
  ctx: ServiceContext,
  principal: Principal,
  filter: DashboardFilter,
  lang: ExportLanguage,
  meta: RequestMeta,
) {
  await authorizeTracking(ctx, principal, meta, 'exportPilots');
  const now = new Date();
  return {
    chunks: csvChunks(ctx, filter, lang, now),
    filename: `pilots-${now.toISOString().slice(0, 10)}.csv`,
  };
}

async function* csvChunks(
  ctx: ServiceContext,
  filter: DashboardFilter,
  lang: ExportLanguage,
  now: Date,
): AsyncGenerator<string, void, undefined> {
  const { headers, yes, no, words } = pilotHeaders(lang);
  const delimiter = lang === 'en' ? ',' : ';';
  const decimalComma = lang !== 'en';
  const text = (cell: PilotCell): string => {
    if (cell === null) return '';
    if (typeof cell === 'boolean') return cell ? yes : no;
    if (typeof cell === 'object') {
      if ('decimal' in cell) return decimalComma ? cell.decimal.replace('.', ',') : cell.decimal;
      return 'date' in cell ? cell.date : cell.dateTime;
    }
    // Titles and names are typed by users: every cell is neutralised (OWASP CSV injection).
    return spreadsheetCell(cell);
  };
  yield bom + stringify([headers.map((h) => spreadsheetCell(h))], { delimiter });
  for await (const views of pilotViewPages(ctx, filter, now))
    yield stringify(
      views.map((p) => pilotCells(p, words).map(text)),
      { delimiter },
    );
}
