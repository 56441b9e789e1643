import { maxNeedLines } from '../rules/need-lines.js';
import { readTypedNumber, typedNumberRule } from '../rules/typed-numbers.js';
import type { FieldProblem } from './errors.js';

/**
 * Need lines from and to spreadsheets (issue 18): the columns of the need-line sheet, and the
 * reading of its rows into need lines as the API takes them. Pure: the workbook itself is read
 * and written in services/needs/need-lines-workbook.ts; the lines are then checked by the same
 * rules as the form's (`validateNeedLines`), and each problem is named by row and column here.
 */

/** The columns, in the template's order. `path` is the need-line field a column fills. */
export const sheetColumns = [
  { key: 'cpvCode', path: 'cpvCode', kind: 'text', required: true },
  { key: 'description', path: 'description', kind: 'text', required: true },
  { key: 'quantity', path: 'quantity', kind: 'number', required: true },
  { key: 'unit', path: 'unit', kind: 'text', required: true },
  { key: 'unitPrice', path: 'unitPrice', kind: 'number', required: true },
  { key: 'currency', path: 'currency', kind: 'text', required: true },
  { key: 'deliveryFromYear', path: 'delivery.fromYear', kind: 'whole', required: true },
  { key: 'deliveryToYear', path: 'delivery.toYear', kind: 'whole', required: false },
  { key: 'frameworkMonths', path: 'frameworkMonths', kind: 'whole', required: false },
  { key: 'frameworkJustification', path: 'frameworkJustification', kind: 'text', required: false },
  { key: 'optionalQuantity', path: 'optionalQuantity', kind: 'number', required: false },
  { key: 'renewalCount', path: 'renewals.count', kind: 'whole', required: false },
  { key: 'renewalQuantityEach', path: 'renewals.quantityEach', kind: 'number', required: false },
  { key: 'requirements', path: 'requirements', kind: 'text', required: false },
] as const;

export type SheetColumnKey = (typeof sheetColumns)[number]['key'];

/** A cell as the workbook reader hands it over: text, a number, or something that is neither (a date, an error). */
export type SheetCell = string | number | boolean | null | { other: string };

export interface SheetRow {
  /** The row's number in the sheet, as a spreadsheet shows it (the header is row 1). */
  row: number;
  cells: Partial<Record<SheetColumnKey, SheetCell>>;
}

/** A problem of an uploaded sheet, named as the buyer finds it: the row, the column's header, the rule. */
export interface SheetProblem extends FieldProblem {
  /** The row in the sheet (1 is the header row). */
  row: number;
  /** The column's header as the sheet shows it, in the language of the request; empty for the whole row. */
  column: string;
  /** The cell's text as read, for a number that could not be read (so a page can word the problem in its language). */
  value?: string;
}

/**
 * A number a spreadsheet holds as a number: Excel keeps 15 significant digits, so the double is
 * read to 15 and written as a canonical decimal ("0.1 + 0.2" is 0.3, 1E+21 is refused later by
 * the bounds).
 */
export function numberCellText(n: number): string | undefined {
  if (!Number.isFinite(n)) return undefined;
  const fixed = (raw: string) => {
    const m = /^(-?)(\d+)(?:\.(\d+))?(?:e([+-]\d+))?$/.exec(raw);
    if (!m) return undefined;
    const [, sign = '', whole = '', fraction = '', exp] = m;
    let digits = whole + fraction;
    let point = whole.length + Number(exp ?? 0);
    if (point <= 0) {
      digits = '0'.repeat(1 - point) + digits;
      point = 1;
    }
    if (point > digits.length) digits += '0'.repeat(point - digits.length);
    const w = digits.slice(0, point).replace(/^0+(?=\d)/, '');
    const f = digits.slice(point).replace(/0+$/, '');
    const text = f ? `${w}.${f}` : w;
    return sign && /[1-9]/.test(text) ? `-${text}` : text;
  };
  return fixed(Number(n.toPrecision(15)).toString());
}

const isBlank = (c: SheetCell | undefined): c is null | undefined | '' =>
  c === undefined || c === null || (typeof c === 'string' && !c.trim());

export interface ReadSheet {
  /** The need lines as the API takes them (to be checked by `validateNeedLines`). */
  lines: Record<string, unknown>[];
  /** The sheet row of each line. */
  rows: number[];
  /** What could not even be read (a number that reads two ways, a date where a year goes). */
  problems: SheetProblem[];
}

/**
 * The rows of a filled sheet as need lines: blank rows are skipped; a number typed as text is
 * read in `locale`'s language by the one rule (rules/typed-numbers.ts), a number cell as the
 * number it is; a year or a whole number must be one. `header(key)` names a column as the
 * sheet shows it.
 */
export function readSheetRows(
  rows: readonly SheetRow[],
  locale: string,
  header: (key: SheetColumnKey) => string,
): ReadSheet {
  const out: ReadSheet = { lines: [], rows: [], problems: [] };
  for (const { row, cells } of rows) {
    if (sheetColumns.every((c) => isBlank(cells[c.key]))) continue;
    const i = out.lines.length;
    const line: Record<string, unknown> = {};
    const problem = (key: SheetColumnKey, path: string, rule: string, value?: string) =>
      out.problems.push({
        field: `lines[${i}].${path}`,
        rule,
        row,
        column: header(key),
        ...(value !== undefined ? { value } : {}),
      });
    const values: Partial<Record<SheetColumnKey, string | number>> = {};
    for (const column of sheetColumns) {
      const cell = cells[column.key];
      if (isBlank(cell)) continue;
      if (typeof cell === 'object' && cell !== null) {
        problem(column.key, column.path, `must be ${column.kind === 'text' ? 'text' : 'a number'}, not ${cell.other}`);
        continue;
      }
      if (typeof cell === 'boolean') {
        problem(column.key, column.path, `must be ${column.kind === 'text' ? 'text' : 'a number'}, not true or false`);
        continue;
      }
      if (column.kind === 'text') {
        values[column.key] = typeof cell === 'number' ? (numberCellText(cell) ?? String(cell)) : cell.trim();
        continue;
      }
      let decimal: string | undefined;
      if (typeof cell === 'number') {
        decimal = numberCellText(cell);
        if (decimal === undefined) {
          problem(column.key, column.path, 'must be a finite number');
          continue;
        }
      } else {
        const read = readTypedNumber(cell, locale);
        if (!read.ok) {
          problem(column.key, column.path, typedNumberRule(read.problem, cell), cell.trim());
          continue;
        }
        decimal = read.value;
      }
      if (column.kind === 'whole') {
        if (!/^-?\d{1,9}$/.test(decimal)) {
          problem(column.key, column.path, 'must be a whole number');
          continue;
        }
        values[column.key] = Number(decimal);
      } else values[column.key] = decimal;
    }
    for (const key of ['cpvCode', 'description', 'quantity', 'unit', 'unitPrice', 'currency'] as const)
      if (values[key] !== undefined) line[key] = values[key];
    const from = values.deliveryFromYear;
    const to = values.deliveryToYear;
    if (from !== undefined || to !== undefined) {
      // One year is given as the year; a window as both years (the form's two ways).
      line.delivery =
        from !== undefined && (to === undefined || to === from) ? { year: from } : { fromYear: from, toYear: to };
    }
    line.frameworkMonths = values.frameworkMonths ?? null;
    if (values.frameworkJustification !== undefined) line.frameworkJustification = values.frameworkJustification;
    if (values.optionalQuantity !== undefined) line.optionalQuantity = values.optionalQuantity;
    if (values.renewalCount !== undefined || values.renewalQuantityEach !== undefined)
      line.renewals = { count: values.renewalCount ?? 0, quantityEach: values.renewalQuantityEach ?? '0' };
    if (values.requirements !== undefined) line.requirements = values.requirements;
    out.lines.push(line);
    out.rows.push(row);
  }
  if (out.lines.length > maxNeedLines) {
    out.problems.push({
      field: 'lines',
      rule: `must have at most ${maxNeedLines} need lines`,
      row: out.rows[maxNeedLines]!,
      column: '',
    });
  }
  return out;
}

/** The column that holds a need-line field a problem names (`delivery.year` is in the from-year column). */
function columnOfField(field: string): SheetColumnKey | undefined {
  if (field === 'cpvCheckDigit') return 'cpvCode';
  if (field === 'delivery' || field === 'delivery.year') return 'deliveryFromYear';
  if (field === 'renewals') return 'renewalCount';
  return sheetColumns.find((c) => c.path === field)?.key;
}

/**
 * The problems `validateNeedLines` found (`lines[3].quantity`), named by the sheet's row and
 * column; a problem of a field already named by reading is left out (its reading says more).
 */
export function sheetProblemsOf(
  problems: readonly FieldProblem[],
  read: ReadSheet,
  header: (key: SheetColumnKey) => string,
): SheetProblem[] {
  const named = new Set(read.problems.map((p) => p.field));
  const out: SheetProblem[] = [...read.problems];
  for (const p of problems) {
    const m = /^lines\[(\d+)\](?:\.(.+))?$/.exec(p.field);
    if (!m) {
      if (!out.some((q) => q.field === p.field)) out.push({ ...p, row: 2, column: '' });
      continue;
    }
    if (named.has(p.field)) continue;
    // A whole delivery missing is the from-year's, as the sheet asks for it.
    if (p.field.endsWith('.delivery') && named.has(`lines[${m[1]}].delivery.fromYear`)) continue;
    const row = read.rows[Number(m[1])] ?? 0;
    const key = m[2] === undefined ? undefined : columnOfField(m[2]);
    out.push({ field: p.field, rule: p.rule, row, column: key ? header(key) : '' });
  }
  return out.sort((a, b) => a.row - b.row || columnIndex(a.column, header) - columnIndex(b.column, header));
}

function columnIndex(column: string, header: (key: SheetColumnKey) => string): number {
  const i = sheetColumns.findIndex((c) => header(c.key) === column);
  return i < 0 ? -1 : i;
}

/** A need line (stored, canonical) as the cells of one row of the sheet, numbers as numbers where they are exact. */
export function rowOfLine(line: Record<string, unknown>): Partial<Record<SheetColumnKey, string | number | null>> {
  const text = (v: unknown) => (typeof v === 'string' ? v : typeof v === 'number' ? String(v) : null);
  // A canonical decimal a double holds exactly as Excel shows it goes as a number cell; anything else as text.
  const number = (v: unknown) => {
    const s = text(v);
    return s !== null && /^-?\d+(\.\d+)?$/.test(s) && numberCellText(Number(s)) === s ? Number(s) : s;
  };
  const delivery = (line.delivery ?? {}) as { year?: unknown; fromYear?: unknown; toYear?: unknown };
  const renewals = (line.renewals ?? {}) as { count?: unknown; quantityEach?: unknown };
  const cpv = text(line.cpvCode);
  const check = text(line.cpvCheckDigit);
  const count = renewals.count;
  return {
    cpvCode: cpv && /^\d{8}$/.test(cpv) && check && /^\d$/.test(check) ? `${cpv}-${check}` : cpv,
    description: text(line.description),
    quantity: number(line.quantity),
    unit: text(line.unit),
    unitPrice: number(line.unitPrice),
    currency: text(line.currency),
    deliveryFromYear: number(delivery.year ?? delivery.fromYear),
    // One year (a window of one year, as stored) leaves the to-year empty, as the template asks.
    deliveryToYear:
      delivery.year !== undefined || delivery.toYear === delivery.fromYear ? null : number(delivery.toYear),
    frameworkMonths: number(line.frameworkMonths),
    frameworkJustification: text(line.frameworkJustification),
    optionalQuantity: line.optionalQuantity === '0' ? null : number(line.optionalQuantity),
    renewalCount: count === 0 ? null : number(count),
    renewalQuantityEach: count === 0 || count === undefined ? null : number(renewals.quantityEach),
    requirements: text(line.requirements) || null,
  };
}
