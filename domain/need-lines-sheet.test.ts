import fc from 'fast-check';
import { describe, expect, it } from 'vitest';

import { validateNeedLines } from './need-lines.js';
import {
  numberCellText,
  readSheetRows,
  rowOfLine,
  type SheetColumnKey,
  sheetColumns,
  sheetProblemsOf,
  type SheetRow,
} from './need-lines-sheet.js';

const header = (key: SheetColumnKey) => `H:${key}`;
const ctx = {
  horizon: { fromYear: 2027, toYear: 2029 },
  cpv: (code: string) => (code === '43262100' ? { checkDigit: '8' } : undefined) as never,
  unitKnown: (code: string) => ['H87', 'KGM'].includes(code),
};
const good = {
  cpvCode: '43262100-8',
  description: 'Electric excavator',
  quantity: 4,
  unit: 'H87',
  unitPrice: '390,000.00',
  currency: 'EUR',
  deliveryFromYear: 2027,
} as const;
const row = (n: number, cells: SheetRow['cells']): SheetRow => ({ row: n, cells });

describe('reading the rows of a need-line sheet (issue 18)', () => {
  it('reads numbers typed as text in the language of the upload, and number cells as numbers', () => {
    const read = readSheetRows(
      [row(2, good), row(3, { ...good, quantity: '1.500', unitPrice: 1250.5, deliveryToYear: 2029 })],
      'de',
      header,
    );
    expect(read.problems).toEqual([]);
    expect(read.rows).toEqual([2, 3]);
    expect(read.lines[0]).toMatchObject({ quantity: '4', unitPrice: '390000', delivery: { year: 2027 } });
    expect(read.lines[1]).toMatchObject({
      quantity: '1500',
      unitPrice: '1250.5',
      delivery: { fromYear: 2027, toYear: 2029 },
    });
  });

  it('names a number that reads two ways by its row and column, with the cell’s text', () => {
    const read = readSheetRows([row(2, good), row(5, { ...good, unitPrice: '390.000' })], 'en', header);
    expect(read.problems).toEqual([
      {
        field: 'lines[1].unitPrice',
        row: 5,
        column: 'H:unitPrice',
        value: '390.000',
        rule: 'is ambiguous: "390.000" could be 390 or 390000; write 390000 or 390 without a thousands separator, or with the decimals you mean',
      },
    ]);
  });

  it('skips blank rows and refuses dates, booleans and fractions where whole numbers go', () => {
    const read = readSheetRows(
      [
        row(2, { description: '  ', quantity: null }),
        row(3, { ...good, deliveryFromYear: { other: 'a date' }, frameworkMonths: 12.5, renewalCount: true }),
      ],
      'en',
      header,
    );
    expect(read.rows).toEqual([3]);
    expect(read.problems.map((p) => [p.row, p.column, p.rule])).toEqual([
      [3, 'H:deliveryFromYear', 'must be a number, not a date'],
      [3, 'H:frameworkMonths', 'must be a whole number'],
      [3, 'H:renewalCount', 'must be a number, not true or false'],
    ]);
  });

  it('names the domain rules’ problems by row and column, leaving out what reading named already', () => {
    const read = readSheetRows(
      [
        row(2, good),
        row(4, { ...good, cpvCode: '43262100-1', quantity: '0', unit: 'XYZ', deliveryFromYear: 2031 }),
        row(6, { ...good, unitPrice: '1,2345,6' }),
      ],
      'en',
      header,
    );
    const checked = validateNeedLines(read.lines, ctx);
    expect('problems' in checked).toBe(true);
    const problems = sheetProblemsOf('problems' in checked ? checked.problems : [], read, header);
    expect(problems.map((p) => `${p.row} ${p.column}`)).toEqual([
      '4 H:cpvCode',
      '4 H:quantity',
      '4 H:unit',
      '4 H:deliveryFromYear',
      '6 H:unitPrice',
    ]);
    expect(problems.find((p) => p.row === 6)?.rule).toMatch(/thousands separators in the wrong places/);
  });

  it('says a sheet without lines has none', () => {
    const read = readSheetRows([row(2, {})], 'en', header);
    const checked = validateNeedLines(read.lines, ctx);
    expect(sheetProblemsOf('problems' in checked ? checked.problems : [], read, header)).toEqual([
      { field: 'lines', rule: 'must have at least one need line', row: 2, column: '' },
    ]);
  });

  it('writes a stored line as a row that reads back as the same line', () => {
    const line = {
      cpvCode: '43262100',
      cpvCheckDigit: '8',
      description: 'Excavator',
      quantity: '1.234',
      unit: 'H87',
      unitPrice: '1234567890.123456',
      currency: 'EUR',
      delivery: { fromYear: 2027, toYear: 2028 },
      frameworkMonths: 60,
      frameworkJustification: 'Depots',
      optionalQuantity: '1',
      renewals: { count: 2, quantityEach: '0.5' },
      requirements: '',
    };
    const cells = rowOfLine(line);
    // 16 significant digits are more than a number cell keeps: that one goes as text.
    expect(cells).toMatchObject({ cpvCode: '43262100-8', quantity: 1.234, unitPrice: '1234567890.123456' });
    const read = readSheetRows([row(2, cells)], 'fr', header);
    const checked = validateNeedLines(read.lines, ctx);
    expect(checked).toEqual({ lines: [{ ...line }] });
  });
});

describe('a number cell as a decimal', () => {
  it('keeps what Excel shows: 15 significant digits, no exponent', () => {
    expect(numberCellText(0.1 + 0.2)).toBe('0.3');
    expect(numberCellText(1e21)).toBe('1000000000000000000000');
    expect(numberCellText(1.5e-7)).toBe('0.00000015');
    expect(numberCellText(-0)).toBe('0');
    expect(numberCellText(390000)).toBe('390000');
    expect(numberCellText(Number.NaN)).toBeUndefined();
  });

  it('reads back every decimal of up to 15 significant digits exactly', () => {
    fc.assert(
      fc.property(
        fc.bigInt({ min: -(10n ** 15n) + 1n, max: 10n ** 15n - 1n }),
        fc.integer({ min: 0, max: 6 }),
        (units, scale) => {
          const negative = units < 0n;
          const digits = (negative ? -units : units).toString().padStart(scale + 1, '0');
          const whole = digits.slice(0, digits.length - scale);
          const fraction = digits.slice(digits.length - scale).replace(/0+$/, '');
          const text = `${negative && units !== 0n ? '-' : ''}${whole}${fraction ? `.${fraction}` : ''}`;
          expect(numberCellText(Number(text))).toBe(text);
        },
      ),
    );
  });

  it('has a column for each field of the form', () => {
    expect(sheetColumns.map((c) => c.key)).toHaveLength(14);
  });
});
