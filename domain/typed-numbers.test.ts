import fc from 'fast-check';
import { describe, expect, it } from 'vitest';

import {
  conventionOf,
  readTypedNumber,
  type TypedNumber,
  typedNumberForInput,
  typedNumberRule,
} from '../rules/typed-numbers.js';

const locales = ['en', 'fr', 'de'] as const;
const read = (s: string, l: string) => readTypedNumber(s, l);
const value = (s: string, l: string) => {
  const r = read(s, l);
  return r.ok ? r.value : r.problem.kind;
};
const canonicalPattern = /^-?(0|[1-9]\d*)(\.\d*[1-9])?$/;

describe('reading a typed number in the viewer’s language (issue 18)', () => {
  it('refuses "390.000" in English and French, with both readings; reads it as 390000 in German', () => {
    expect(read('390.000', 'en')).toEqual({
      ok: false,
      problem: { kind: 'ambiguous', asDecimal: '390', asThousands: '390000' },
    });
    expect(read('390.000', 'fr')).toEqual(read('390.000', 'en'));
    expect(read('390.000', 'de')).toEqual({ ok: true, value: '390000' });
  });

  it('reads "1,500" as fifteen hundred in English and refuses it in German and French', () => {
    expect(value('1,500', 'en')).toBe('1500');
    for (const l of ['de', 'fr'])
      expect(read('1,500', l)).toEqual({
        ok: false,
        problem: { kind: 'ambiguous', asDecimal: '1.5', asThousands: '1500' },
      });
  });

  it.each([
    // [typed, en, fr, de]
    ['390000', '390000', '390000', '390000'],
    ['390,000', '390000', 'ambiguous', 'ambiguous'],
    ['390,000.00', '390000', '390000', '390000'],
    ['390.000,00', '390000', '390000', '390000'],
    ['390 000', '390000', '390000', '390000'],
    ['390\u202f000,5', '390000.5', '390000.5', '390000.5'],
    ['390\u00a0000', '390000', '390000', '390000'],
    ["1'234'567.25", '1234567.25', '1234567.25', '1234567.25'],
    ['1’234', '1234', '1234', '1234'],
    ['1.234.567', '1234567', '1234567', '1234567'],
    ['1,234,567', '1234567', '1234567', '1234567'],
    ['1.5', '1.5', '1.5', '1.5'],
    ['1,5', '1.5', '1.5', '1.5'],
    ['390.00', '390', '390', '390'],
    ['390,00', '390', '390', '390'],
    ['1.2345', '1.2345', '1.2345', '1.2345'],
    ['0.125', '0.125', '0.125', '0.125'],
    ['0,125', '0.125', '0.125', '0.125'],
    ['.5', '0.5', '0.5', '0.5'],
    [',125', '0.125', '0.125', '0.125'],
    ['1234.567', '1234.567', '1234.567', '1234.567'],
    ['1234,567', '1234.567', '1234.567', '1234.567'],
    ['1 234,567', '1234.567', '1234.567', '1234.567'],
    ['1 234.567', '1234.567', '1234.567', '1234.567'],
    ['007', '7', '7', '7'],
    ['-3', '-3', '-3', '-3'],
    ['−2,5', '-2.5', '-2.5', '-2.5'],
    ['-0', '0', '0', '0'],
    ['  42  ', '42', '42', '42'],
    ['1.500', 'ambiguous', 'ambiguous', '1500'],
    ['-1.500', 'ambiguous', 'ambiguous', '-1500'],
    ['100.000', 'ambiguous', 'ambiguous', '100000'],
    ['1000.000', '1000', '1000', '1000'],
  ])('reads %j as en %s, fr %s, de %s', (typed, en, fr, de) => {
    expect([value(typed, 'en'), value(typed, 'fr'), value(typed, 'de')]).toEqual([en, fr, de]);
  });

  it.each([
    ['', 'empty'],
    ['   ', 'empty'],
    ['abc', 'notNumber'],
    ['12a', 'notNumber'],
    ['€12', 'notNumber'],
    ['12 EUR', 'notNumber'],
    ['5.', 'notNumber'],
    ['5,', 'notNumber'],
    ['1,,5', 'notNumber'],
    ['1. 5', 'notNumber'],
    ['--1', 'notNumber'],
    ['-', 'notNumber'],
    ['- 5', 'notNumber'],
    ['+5', 'notNumber'],
    [' 1e5', 'notNumber'],
    ['1.234,5,6', 'notNumber'],
    ['1,234.5.6', 'notNumber'],
    ['1.234,5 6', 'notNumber'],
    ['12,34,567', 'grouping'],
    ['1,2345,678', 'grouping'],
    ['1.2.3', 'grouping'],
    ['1.000,000.5', 'notNumber'],
    ['1 234.567 8', 'grouping'],
    ['1,234 567', 'grouping'],
    ['1 234 5678', 'grouping'],
    ['0,123,456', 'grouping'],
    ['1234 567', 'grouping'],
  ])('refuses %j: %s', (typed, kind) => {
    for (const l of locales) {
      const r = read(typed, l);
      expect(r.ok ? r.value : r.problem.kind, l).toBe(kind);
    }
  });

  it('takes a region’s tag by its language, and English for another language', () => {
    expect(conventionOf('fr-BE').decimal).toBe(',');
    expect(conventionOf('de-AT').group).toBe('.');
    expect(conventionOf('sv').decimal).toBe('.');
    expect(value('1.500', 'de-CH')).toBe('1500');
  });

  it('names the rule broken in the API’s words', () => {
    const r = read('390.000', 'en') as TypedNumber & { ok: false };
    expect(typedNumberRule(r.problem, ' 390.000 ')).toBe(
      'is ambiguous: "390.000" could be 390 or 390000; write 390000 or 390 without a thousands separator, or with the decimals you mean',
    );
    expect(typedNumberRule({ kind: 'grouping' }, '1,2345')).toMatch(/thousands separators in the wrong places/);
  });
});

/** A canonical decimal within the API's bounds: up to 15 digits before the point, 6 after, either sign. */
const canonicalDecimal = fc
  .tuple(
    fc.boolean(),
    fc.bigInt({ min: 0n, max: 10n ** 15n - 1n }),
    fc.stringMatching(/^\d{0,6}$/).map((f) => f.replace(/0+$/, '')),
  )
  .map(([negative, whole, fraction]) => {
    const text = fraction ? `${whole}.${fraction}` : `${whole}`;
    return negative && text !== '0' ? `-${text}` : text;
  });

const locale = fc.constantFrom(...locales);

describe('properties of the rule', () => {
  it('never throws, and every value it reads is canonical', () => {
    fc.assert(
      fc.property(fc.string({ unit: fc.constantFrom(..."0123456789.,  \u202f'’-−a") }), locale, (s, l) => {
        const r = read(s, l);
        if (r.ok) expect(r.value).toMatch(canonicalPattern);
      }),
      { numRuns: 2000 },
    );
  });

  it('reads back what it writes for editing, in every language', () => {
    fc.assert(
      fc.property(canonicalDecimal, locale, (v, l) => {
        expect(read(typedNumberForInput(v, l), l)).toEqual({ ok: true, value: v });
      }),
      { numRuns: 1000 },
    );
  });

  it('reads every number as Intl writes it in that language, or says it is ambiguous with its value as one reading', () => {
    fc.assert(
      fc.property(canonicalDecimal, locale, fc.boolean(), (v, l, grouping) => {
        const written = new Intl.NumberFormat(l, { maximumFractionDigits: 6, useGrouping: grouping }).format(
          v as Intl.StringNumericLiteral,
        );
        const r = read(written, l);
        const [whole = '', fraction = ''] = v.replace('-', '').split('.');
        // Below 1,000 Intl groups nothing: one decimal mark before three decimals could be either.
        const couldBeGroup = fraction.length === 3 && whole !== '0' && whole.length <= 3;
        if (couldBeGroup) {
          expect(r.ok).toBe(false);
          if (!r.ok) {
            expect(r.problem.kind).toBe('ambiguous');
            expect(r.problem.kind === 'ambiguous' && r.problem.asDecimal).toBe(v);
          }
        } else expect(r).toEqual({ ok: true, value: v });
      }),
      { numRuns: 1000 },
    );
  });

  it('reads a number written the other languages’ way the same, unless one mark could be either', () => {
    fc.assert(
      fc.property(canonicalDecimal, locale, locale, (v, writer, reader) => {
        const written = new Intl.NumberFormat(writer, { maximumFractionDigits: 6, minimumFractionDigits: 2 }).format(
          v as Intl.StringNumericLiteral,
        );
        const r = read(written, reader);
        if (!r.ok) expect(r.problem.kind).toBe('ambiguous');
        else if (r.value !== v) {
          // Only one way to read it otherwise: one mark, the reader's thousands separator, before three digits.
          expect(written).toMatch(/^-?[1-9]\d{0,2}[.,]\d{3}$/);
          expect(written.replace(/^-?\d+/, '')[0]).toBe(conventionOf(reader).group);
        }
      }),
      { numRuns: 1000 },
    );
  });

  it('gives readings of an ambiguous number 1,000 apart, and refuses it only where its mark is not the thousands separator', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 999 }),
        fc.stringMatching(/^\d{3}$/),
        fc.constantFrom('.', ','),
        locale,
        (whole, three, mark, l) => {
          const r = read(`${whole}${mark}${three}`, l);
          const thousands = String(whole * 1000 + Number(three));
          if (mark === conventionOf(l).group) expect(r).toEqual({ ok: true, value: thousands });
          else {
            expect(r.ok).toBe(false);
            if (!r.ok && r.problem.kind === 'ambiguous') {
              expect(r.problem.asThousands).toBe(thousands);
              expect(Number(r.problem.asDecimal) * 1000).toBeCloseTo(Number(thousands), 6);
            } else expect.fail(`${whole}${mark}${three} in ${l} should be ambiguous`);
          }
        },
      ),
    );
  });
});
