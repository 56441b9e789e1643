import type ExcelJS from 'exceljs';

import { DomainError } from '../../domain/errors.js';
import {
  rowOfLine,
  type SheetCell,
  type SheetColumnKey,
  sheetColumns,
  type SheetProblem,
  type SheetRow,
} from '../../domain/need-lines-sheet.js';
import { asLocale, translatorFor } from '../../i18n/index.js';
import { newWorkbook } from '../../platform/workbook.js';
import { commonCurrencies } from '../../rules/currencies.js';
import { locales } from '../../rules/locales.js';
import { maxFrameworkMonths, maxNeedLines, maxRenewals } from '../../rules/need-lines.js';
import { cleanText } from '../../rules/text-hygiene.js';

/**
 * The need-line workbook (issue 18), written and read with exceljs as the survey export is: the
 * sheet of lines (headers in the viewer's language, a row per line, list and whole-number
 * validation where Excel has it) and a notes sheet explaining each column. The same workbook
 * is the template (no lines), a buyer's own lines, and what a buyer uploads.
 */

export const xlsxType = 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet';
/** An upload's largest size: 500 lines of long texts fit in far less. */
export const maxSheetBytes = 5 * 1024 * 1024;

const commonUnits = [
  'H87',
  'C62',
  'KGM',
  'TNE',
  'LTR',
  'MTR',
  'MTK',
  'MTQ',
  'KMT',
  'HUR',
  'DAY',
  'MON',
  'ANN',
  'KWH',
  'SET',
];

/** A column's header in `lang`. */
export function headerIn(lang: string): (key: SheetColumnKey) => string {
  const t = translatorFor(lang);
  return (key) => t(`needLinesSheet.columns.${key}`);
}

const normalised = (s: string) => s.toLowerCase().replace(/[^\p{L}\p{N}]+/gu, '');

/** Every name a column is known by: its key and its header in each language, normalised. */
const columnNames = new Map<string, SheetColumnKey>(
  sheetColumns.flatMap((c) => [
    [normalised(c.key), c.key] as const,
    ...locales.map((l) => [normalised(headerIn(l)(c.key)), c.key] as const),
  ]),
);

export interface NeedLinesWorkbook {
  lang: string;
  horizon: { fromYear: number; toYear: number };
  /** The lines to fill in (a buyer's own), none for the template. */
  lines?: readonly Record<string, unknown>[];
}

export async function writeNeedLinesWorkbook({ lang, horizon, lines = [] }: NeedLinesWorkbook): Promise<Buffer> {
  const t = translatorFor(asLocale(lang));
  const header = headerIn(lang);
  const workbook = await newWorkbook();
  workbook.creator = 'jointdemand';
  workbook.created = new Date(0);
  workbook.modified = new Date(0);
  const sheetName = t('needLinesSheet.sheets.lines');
  const sheet = workbook.addWorksheet(sheetName, { views: [{ state: 'frozen', ySplit: 1 }] });
  sheet.columns = sheetColumns.map((c) => ({
    header: header(c.key),
    key: c.key,
    width: c.key === 'description' || c.key === 'requirements' || c.key === 'frameworkJustification' ? 40 : 18,
  }));
  sheet.getRow(1).font = { bold: true };
  for (const line of lines) {
    const cells = rowOfLine(line);
    sheet.addRow(
      Object.fromEntries(
        sheetColumns.map((c) => {
          const v = cells[c.key];
          // Text is text: a cell is never a formula, whatever a buyer typed.
          return [c.key, typeof v === 'string' ? cleanText(v) : (v ?? null)];
        }),
      ),
    );
  }
  const validate = (key: SheetColumnKey, validation: ExcelJS.DataValidation) => {
    const column = sheet.getColumn(key).number;
    for (let r = 2; r <= maxNeedLines + 1; r++) sheet.getCell(r, column).dataValidation = validation;
  };
  const list = (key: SheetColumnKey, values: readonly string[]) =>
    validate(key, {
      type: 'list',
      allowBlank: true,
      formulae: [`"${values.join(',')}"`],
      // Other codes are allowed: the lists name the common ones only.
      errorStyle: 'warning',
      showErrorMessage: true,
      errorTitle: header(key),
      error: t('needLinesSheet.notes.listHint'),
    });
  const whole = (key: SheetColumnKey, min: number, max: number, hint: string) =>
    validate(key, {
      type: 'whole',
      operator: 'between',
      allowBlank: true,
      formulae: [min, max],
      showErrorMessage: true,
      errorStyle: 'stop',
      errorTitle: header(key),
      error: hint,
    });
  list('unit', commonUnits);
  list('currency', commonCurrencies);
  const years = t('needLinesSheet.notes.yearHint', { from: horizon.fromYear, to: horizon.toYear });
  whole('deliveryFromYear', horizon.fromYear, horizon.toYear, years);
  whole('deliveryToYear', horizon.fromYear, horizon.toYear, years);
  whole(
    'frameworkMonths',
    1,
    maxFrameworkMonths,
    t('needLinesSheet.notes.wholeHint', { min: 1, max: maxFrameworkMonths }),
  );
  whole('renewalCount', 0, maxRenewals, t('needLinesSheet.notes.wholeHint', { min: 0, max: maxRenewals }));

  const notes = workbook.addWorksheet(t('needLinesSheet.sheets.notes'));
  notes.columns = [{ width: 32 }, { width: 14 }, { width: 90 }];
  notes.addRow([t('needLinesSheet.notes.intro', { sheet: sheetName })]);
  notes.addRow([t('needLinesSheet.notes.numbers')]);
  notes.addRow([]);
  const head = notes.addRow([
    t('needLinesSheet.notes.column'),
    t('needLinesSheet.notes.required'),
    t('needLinesSheet.notes.what'),
  ]);
  head.font = { bold: true };
  for (const c of sheetColumns)
    notes.addRow([
      header(c.key),
      c.required ? t('needLinesSheet.notes.required') : t('needLinesSheet.notes.optional'),
      t(`needLinesSheet.notes.${c.key}`, { from: horizon.fromYear, to: horizon.toYear }),
    ]);
  for (const r of [1, 2]) notes.getRow(r).alignment = { wrapText: true };
  return Buffer.from(await workbook.xlsx.writeBuffer());
}

/** A cell's value as the sheet reader sees it: a formula's result, rich text as text, a date or an error as neither. */
function cellOf(value: ExcelJS.CellValue): SheetCell {
  if (value === null || value === undefined) return null;
  if (typeof value === 'string' || typeof value === 'number' || typeof value === 'boolean') return value;
  if (value instanceof Date) return { other: 'a date' };
  if (typeof value === 'object') {
    if ('richText' in value) return value.richText.map((r) => r.text).join('');
    if ('error' in value) return { other: `an error (${String(value.error)})` };
    if ('formula' in value || 'sharedFormula' in value) {
      const result = (value as { result?: ExcelJS.CellValue }).result;
      return result === undefined ? { other: 'a formula without a value' } : cellOf(result);
    }
    if ('hyperlink' in value) return typeof value.text === 'string' ? value.text : cellOf(value.text);
  }
  return { other: 'an unknown kind of cell' };
}

export interface ReadWorkbook {
  rows: SheetRow[];
  /** Problems of the sheet as a whole: a required column missing. */
  problems: SheetProblem[];
}

/**
 * The rows of an uploaded workbook's need-line sheet (the sheet named so in any language, else
 * the first), its columns found by their headers in row 1 (in any of the three languages, or the
 * field's own name), so a sheet filled in one language reads in another. Not a workbook: 400.
 */
export async function readNeedLinesWorkbook(body: Buffer, lang: string): Promise<ReadWorkbook> {
  const workbook = await newWorkbook();
  try {
    await workbook.xlsx.load(body as unknown as ArrayBuffer);
  } catch {
    throw new DomainError('invalid_input', 'The file is not an Excel workbook (.xlsx)', [
      { field: '(body)', rule: 'must be an Excel workbook (.xlsx), such as the template' },
    ]);
  }
  const names = new Set(locales.map((l) => normalised(translatorFor(l)('needLinesSheet.sheets.lines'))));
  const sheet = workbook.worksheets.find((w) => names.has(normalised(w.name))) ?? workbook.worksheets[0];
  if (!sheet) {
    throw new DomainError('invalid_input', 'The workbook has no sheet', [
      { field: '(body)', rule: 'must have a sheet of need lines' },
    ]);
  }
  const columns = new Map<number, SheetColumnKey>();
  sheet.getRow(1).eachCell((cell, col) => {
    const text = cellOf(cell.value);
    const key = typeof text === 'string' ? columnNames.get(normalised(text)) : undefined;
    if (key && ![...columns.values()].includes(key)) columns.set(col, key);
  });
  const header = headerIn(lang);
  const found = new Set(columns.values());
  const problems: SheetProblem[] = sheetColumns
    .filter((c) => c.required && !found.has(c.key))
    .map((c) => ({
      field: c.key,
      rule: `is a column the sheet must have: "${header(c.key)}" in row 1, as in the template`,
      row: 1,
      column: header(c.key),
    }));
  const rows: SheetRow[] = [];
  // Rows past the limit are read too, so the answer can say there are too many.
  const last = Math.min(sheet.rowCount, maxNeedLines * 2 + 1);
  for (let r = 2; r <= last; r++) {
    const row = sheet.getRow(r);
    const cells: SheetRow['cells'] = {};
    for (const [col, key] of columns) cells[key] = cellOf(row.getCell(col).value);
    rows.push({ row: r, cells });
  }
  return { rows, problems };
}
