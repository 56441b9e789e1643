import ExcelJS from 'exceljs';
import { describe, expect, it } from 'vitest';

import { DomainError } from '../../domain/errors.js';
import { readSheetRows } from '../../domain/need-lines-sheet.js';
import { headerIn, readNeedLinesWorkbook, writeNeedLinesWorkbook } from './need-lines-workbook.js';

const horizon = { fromYear: 2027, toYear: 2029 };

async function open(body: Buffer) {
  const workbook = new ExcelJS.Workbook();
  await workbook.xlsx.load(body as unknown as ArrayBuffer);
  return workbook;
}

describe('the need-line workbook (issue 18)', () => {
  it('has headers in the viewer’s language, a notes sheet per column, and checks where Excel has them', async () => {
    const workbook = await open(await writeNeedLinesWorkbook({ lang: 'de', horizon }));
    const [sheet, notes] = workbook.worksheets;
    expect(sheet!.name).toBe('Bedarfszeilen');
    expect(sheet!.getRow(1).getCell(3).value).toBe('Menge');
    expect(sheet!.getCell('F2').dataValidation).toMatchObject({ type: 'list', errorStyle: 'warning' });
    expect(String(sheet!.getCell('F2').dataValidation.formulae[0])).toContain('EUR');
    expect(sheet!.getCell('G2').dataValidation).toMatchObject({ type: 'whole', formulae: [2027, 2029] });
    expect(notes!.name).toBe('Ausfüllhilfe');
    const noteText = notes!
      .getSheetValues()
      .flat()
      .filter((v) => typeof v === 'string')
      .join('\n');
    expect(noteText).toContain('390.000,50');
    expect(noteText).toContain('Lieferjahr (von)');
    expect(noteText).toContain('2027 bis 2029');
  });

  it('reads a filled sheet by its headers, in any of the three languages, numbers as typed', async () => {
    const workbook = await open(await writeNeedLinesWorkbook({ lang: 'fr', horizon }));
    const sheet = workbook.worksheets[0]!;
    sheet.getRow(2).values = ['43262100-8', 'Pelle', '390 000', 'H87', 1250.5, 'EUR', 2027];
    sheet.getRow(4).values = [
      '43262100',
      { richText: [{ text: 'Pel' }, { text: 'le 2' }] },
      2,
      'H87',
      '0,5',
      'SEK',
      2028,
    ];
    const body = Buffer.from(await workbook.xlsx.writeBuffer());
    const read = await readNeedLinesWorkbook(body, 'en');
    expect(read.problems).toEqual([]);
    const lines = readSheetRows(read.rows, 'fr', headerIn('fr'));
    expect(lines.problems).toEqual([]);
    expect(lines.rows).toEqual([2, 4]);
    expect(lines.lines).toEqual([
      expect.objectContaining({ quantity: '390000', unitPrice: '1250.5', delivery: { year: 2027 } }),
      expect.objectContaining({ description: 'Pelle 2', quantity: '2', unitPrice: '0.5', currency: 'SEK' }),
    ]);
  });

  it('says which required column a sheet lacks', async () => {
    const workbook = new ExcelJS.Workbook();
    workbook.addWorksheet('Mine').addRow(['CPV code', 'Description', 'Quantity', 'Unit', 'Currency']);
    const read = await readNeedLinesWorkbook(Buffer.from(await workbook.xlsx.writeBuffer()), 'en');
    expect(read.problems.map((p) => [p.row, p.column])).toEqual([
      [1, 'Estimated unit price'],
      [1, 'Delivery year (from)'],
    ]);
  });

  it('writes a buyer’s lines in the template’s columns', async () => {
    const body = await writeNeedLinesWorkbook({
      lang: 'en',
      horizon,
      lines: [
        {
          cpvCode: '43262100',
          cpvCheckDigit: '8',
          description: '=HYPERLINK("x")',
          quantity: '4',
          unitPrice: '390000',
          currency: 'EUR',
          unit: 'H87',
          delivery: { year: 2027 },
        },
      ],
    });
    const sheet = (await open(body)).worksheets[0]!;
    expect(sheet.getRow(2).values).toEqual([undefined, '43262100-8', '=HYPERLINK("x")', 4, 'H87', 390000, 'EUR', 2027]);
    // Text a buyer typed stays text: a string cell, never a formula.
    expect(sheet.getCell('B2').type).toBe(ExcelJS.ValueType.String);
  });

  it('refuses what is not a workbook with a 400', async () => {
    await expect(readNeedLinesWorkbook(Buffer.from('not a workbook'), 'en')).rejects.toSatisfy(
      (e) => e instanceof DomainError && e.code === 'invalid_input',
    );
  });
});
