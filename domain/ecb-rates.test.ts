import { readFileSync } from 'node:fs';

import { describe, expect, it } from 'vitest';

import { ecbSource, parseEcbRates } from './ecb-rates.js';
import { DomainError } from './errors.js';

const fixture = (name: string) => readFileSync(new URL(`../test/fixtures/ecb/${name}`, import.meta.url), 'utf8');
const source = ecbSource('test file');

function refusal(content: string): DomainError {
  try {
    parseEcbRates(content, source);
  } catch (error) {
    if (error instanceof DomainError) return error;
    throw error;
  }
  throw new Error('parsed');
}

describe('parseEcbRates', () => {
  it('reads the daily XML: one day, every currency, the decimal strings as written', () => {
    const { format, tables } = parseEcbRates(fixture('eurofxref-daily.xml'), source);
    expect(format).toBe('xml');
    expect(tables).toHaveLength(1);
    const [day] = tables;
    expect(day!.date).toBe('2026-12-04');
    expect(day!.source).toBe('European Central Bank euro reference rates, test file');
    expect(Object.keys(day!.rates)).toHaveLength(29);
    expect(day!.rates).toMatchObject({ NOK: '11.8025', GBP: '0.87330', IDR: '19384.22', ISK: '148.90' });
  });

  it('reads the historical XML: many days, oldest first, each with its own currencies', () => {
    const { tables } = parseEcbRates(fixture('eurofxref-hist.xml'), source);
    expect(tables.map((t) => t.date)).toEqual(['2025-12-31', '2026-12-02', '2026-12-03', '2026-12-04']);
    expect(tables[0]!.rates).toEqual({ USD: '1.1750', BGN: '1.9558', SEK: '10.8210', NOK: '11.8470', DKK: '7.4693' });
    expect(tables[3]!.rates.NOK).toBe('11.8025');
  });

  it('reads the daily CSV, its date written out and the trailing comma, to the same table as the daily XML', () => {
    const csv = parseEcbRates(fixture('eurofxref.csv'), source);
    expect(csv.format).toBe('csv');
    expect(csv.tables).toEqual(parseEcbRates(fixture('eurofxref-daily.xml'), source).tables);
  });

  it('reads the historical CSV, leaving out N/A', () => {
    const { tables } = parseEcbRates(fixture('eurofxref-hist.csv'), source);
    expect(tables.map((t) => t.date)).toEqual(['2007-12-31', '2025-12-31', '2026-12-03', '2026-12-04']);
    expect(tables[0]!.rates).toMatchObject({ CYP: '0.585274', BGN: '1.9558', NOK: '7.9580' });
    expect(tables[3]!.rates).toEqual({
      USD: '1.1642',
      JPY: '180.87',
      CZK: '24.212',
      DKK: '7.4691',
      NOK: '11.8025',
      SEK: '10.9615',
      ISK: '148.90',
    });
  });

  it('accepts a byte-order mark and CRLF line ends', () => {
    const { tables } = parseEcbRates(`\uFEFF${fixture('eurofxref-hist.csv').replaceAll('\n', '\r\n')}`, source);
    expect(tables).toHaveLength(4);
  });

  it('names the line and column of a rate that is not a number in a CSV', () => {
    const broken = fixture('eurofxref-hist.csv').replace('11.7890', '11,7890');
    expect(refusal(broken).problems[0]!.field).toBe('line 3');
    const bad = refusal(fixture('eurofxref-hist.csv').replace('11.7890', '-1'));
    expect(bad.code).toBe('invalid_input');
    expect(bad.problems).toEqual([{ field: 'line 3, NOK', rule: expect.stringContaining('not "-1"') }]);
    expect(refusal(fixture('eurofxref.csv').replace('11.8025', '0.0000')).problems[0]!.field).toBe('line 2, NOK');
  });

  it('names the line of a bad date and of a day given twice', () => {
    expect(refusal(fixture('eurofxref-hist.csv').replace('2026-12-03', '2026-02-30')).problems[0]!.field).toBe(
      'line 3, Date',
    );
    expect(refusal(fixture('eurofxref.csv').replace('04 December', '04 Dezember')).problems[0]!.field).toBe(
      'line 2, Date',
    );
    const twice = refusal(fixture('eurofxref-hist.csv').replace('2026-12-03', '2026-12-04'));
    expect(twice.problems[0]).toEqual({ field: 'line 3, Date', rule: 'each day appears once (also on line 2)' });
  });

  it('refuses a CSV without the ECB header', () => {
    expect(refusal('Datum;USD\n2026-12-04;1.16\n').problems[0]!.field).toBe('line 1');
    expect(refusal('Date, USD, usd,\n').problems[0]!.field).toBe('line 1, column 3');
  });

  it('names the element of a bad rate or date in the XML', () => {
    const xml = fixture('eurofxref-daily.xml');
    expect(refusal(xml.replace("rate='11.8025'", "rate='1.2e3'")).problems).toEqual([
      { field: "Cube[@time='2026-12-04']/Cube[@currency='NOK'] @rate", rule: expect.stringContaining('not "1.2e3"') },
    ]);
    expect(refusal(xml.replace("time='2026-12-04'", "time='4.12.2026'")).problems[0]!.field).toBe(
      'Envelope/Cube/Cube[1] @time',
    );
    expect(refusal(xml.replace("currency='NOK' ", "currency='nok' ")).problems[0]!.field).toBe(
      "Cube[@time='2026-12-04']/Cube[12] @currency",
    );
  });

  it('names the line of XML that is not well-formed, and refuses XML that is not the ECB envelope', () => {
    const broken = refusal(fixture('eurofxref-daily.xml').replace("<Cube currency='NOK' rate='11.8025'/>", '<Cube>'));
    expect(broken.problems[0]!.field).toMatch(/^line \d+, column \d+$/);
    expect(refusal('<html><body>Service unavailable</body></html>').problems[0]!.field).toBe('Envelope');
  });

  it('refuses an empty file, a ZIP archive and a file without rates', () => {
    expect(refusal('  \n').problems[0]!.field).toBe('file');
    expect(refusal('PK\u0003\u0004…').problems[0]!.rule).toContain('unzip');
    expect(refusal('Date, USD,\n').message).toBe('The file holds no exchange rates');
  });

  it('keeps a source within the 200 characters every rate table allows', () => {
    expect(ecbSource(`https://example.org/${'x'.repeat(300)}.xml`)).toHaveLength(200);
  });
});
