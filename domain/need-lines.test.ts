import fc from 'fast-check';
import { describe, expect, it } from 'vitest';

import type { FieldProblem } from './errors.js';
import {
  estimatedLineValue,
  maxNeedLines,
  type NeedLine,
  needLineDraftSchema,
  needLineSchema,
  type NeedValidationContext,
  referencedCodes,
  totalLineQuantity,
  validateNeedLines,
} from './need-lines.js';

/** A slice of the official lists, enough to tell known from unknown. */
const officialCpv: Record<string, string> = { '34144900': '7', '34144910': '0', '45000000': '7', '09310000': '5' };
const officialUnits = new Set(['H87', 'C62', 'KGM', 'MWH']);

const ctx: NeedValidationContext = {
  horizon: { fromYear: 2026, toYear: 2030 },
  cpv: (code) => (code in officialCpv ? { checkDigit: officialCpv[code]! } : undefined),
  unitKnown: (code) => officialUnits.has(code),
};
// Generous: property runs share the machine with the integration suites.
const propertyTimeout = 60_000;

const busLine = {
  cpvCode: '34144910-0',
  description: 'Electric city buses, 12 m',
  quantity: '20',
  unit: 'H87',
  unitPrice: '520000',
  currency: 'EUR',
  delivery: { year: 2027 },
};

function problemsOf(lines: unknown, context: NeedValidationContext = ctx): FieldProblem[] {
  const result = validateNeedLines(lines, context);
  if (!('problems' in result)) throw new Error(`expected problems, got lines ${JSON.stringify(result.lines)}`);
  return result.problems;
}

function linesOf(lines: unknown, context: NeedValidationContext = ctx): NeedLine[] {
  const result = validateNeedLines(lines, context);
  if (!('lines' in result)) throw new Error(`expected lines, got problems ${JSON.stringify(result.problems)}`);
  return result.lines;
}

/** The problems of a single line with one field changed (or removed, with `undefined`). */
function problemsWith(change: Record<string, unknown>, context: NeedValidationContext = ctx): FieldProblem[] {
  const line: Record<string, unknown> = { ...busLine, ...change };
  for (const [k, v] of Object.entries(change)) if (v === undefined) delete line[k];
  return problemsOf([line], context);
}

describe('validateNeedLines: a good line', () => {
  it('comes back normalised, with every default filled in', () => {
    expect(linesOf([busLine])).toEqual([
      {
        cpvCode: '34144910',
        cpvCheckDigit: '0',
        description: 'Electric city buses, 12 m',
        quantity: '20',
        unit: 'H87',
        unitPrice: '520000',
        currency: 'EUR',
        delivery: { fromYear: 2027, toYear: 2027 },
        frameworkMonths: null,
        frameworkJustification: null,
        optionalQuantity: '0',
        renewals: { count: 0, quantityEach: '0' },
        requirements: '',
      },
    ]);
  });

  it('trims text, upper-cases codes and writes decimals canonically', () => {
    const [line] = linesOf([
      {
        ...busLine,
        cpvCode: ' 34144910 ',
        description: '  Electric buses  ',
        unit: 'h87',
        currency: 'sek',
        quantity: '020.50',
        unitPrice: ' 1250.500 ',
        requirements: '  Zero-emission, 350 kW charging  ',
      },
    ]);
    expect(line).toMatchObject({
      cpvCode: '34144910',
      cpvCheckDigit: null,
      description: 'Electric buses',
      unit: 'H87',
      currency: 'SEK',
      quantity: '20.5',
      unitPrice: '1250.5',
      requirements: 'Zero-emission, 350 kW charging',
    });
  });

  it('keeps a delivery window, framework term, options and renewals', () => {
    const [line] = linesOf([
      {
        ...busLine,
        delivery: { fromYear: 2026, toYear: 2030 },
        frameworkMonths: 48,
        optionalQuantity: '5',
        renewals: { count: 2, quantityEach: '3' },
      },
    ]);
    expect(line).toMatchObject({
      delivery: { fromYear: 2026, toYear: 2030 },
      frameworkMonths: 48,
      optionalQuantity: '5',
      renewals: { count: 2, quantityEach: '3' },
    });
  });

  it('accepts a unit price of 0 and an explicit null framework term', () => {
    expect(linesOf([{ ...busLine, unitPrice: '0', frameworkMonths: null }])[0]).toMatchObject({
      unitPrice: '0',
      frameworkMonths: null,
    });
  });

  it('accepts its own output again, unchanged (stored lines can be re-validated)', () => {
    const once = linesOf([busLine, { ...busLine, cpvCode: '45000000', delivery: { fromYear: 2027, toYear: 2029 } }]);
    expect(linesOf(once)).toEqual(once);
  });

  it('accepts exactly 500 lines', () => {
    expect(linesOf(Array.from({ length: maxNeedLines }, () => busLine))).toHaveLength(maxNeedLines);
  });
});

describe('validateNeedLines: the list', () => {
  it.each([
    [undefined, 'is required'],
    [null, 'must be a list of need lines'],
    [{ lines: [] }, 'must be a list of need lines'],
    ['lines', 'must be a list of need lines'],
    [[], 'must have at least one need line'],
  ])('%j → %s', (input, rule) => {
    expect(problemsOf(input)).toEqual([{ field: 'lines', rule }]);
  });

  it('refuses more than 500 lines without looking at each', () => {
    expect(problemsOf(Array.from({ length: maxNeedLines + 1 }, () => ({})))).toEqual([
      { field: 'lines', rule: 'must have at most 500 need lines' },
    ]);
  });

  it.each([[null], ['a line'], [42], [[busLine]]])('names a line that is not an object: %j', (line) => {
    expect(problemsOf([busLine, line])).toEqual([{ field: 'lines[1]', rule: 'must be a need line object' }]);
  });

  it('names every missing required field', () => {
    expect(problemsOf([{}])).toEqual(
      ['cpvCode', 'description', 'quantity', 'unit', 'unitPrice', 'currency', 'delivery'].map((f) => ({
        field: `lines[0].${f}`,
        rule: 'is required',
      })),
    );
  });

  it('names unknown fields, also nested ones', () => {
    expect(problemsWith({ qty: '3', delivery: { year: 2027, month: 3 } })).toEqual([
      { field: 'lines[0].delivery.month', rule: 'is not a known field' },
      { field: 'lines[0].qty', rule: 'is not a known field' },
    ]);
  });

  it('reports the problems of every line, each under its own index, reference checks included', () => {
    const problems = problemsOf([
      busLine,
      { ...busLine, quantity: '0', unit: 'XXX' },
      busLine,
      { ...busLine, cpvCode: '34144900-3', unitPrice: 'about 5000', delivery: { year: 2035 } },
    ]);
    expect(problems).toEqual([
      { field: 'lines[1].quantity', rule: 'must be greater than 0' },
      { field: 'lines[1].unit', rule: expect.stringContaining('UN/CEFACT Recommendation 20') },
      { field: 'lines[3].unitPrice', rule: expect.stringContaining('must be a number written with digits') },
      {
        field: 'lines[3].cpvCode',
        rule: 'has the wrong check digit: the CPV 2008 list gives 34144900-7 (CPV 2008, Regulation (EC) No 213/2008, Annex I)',
      },
      { field: 'lines[3].delivery.year', rule: "must be within the statement's delivery horizon (2026 to 2030)" },
    ]);
  });
});

describe('validateNeedLines: CPV code', () => {
  it('accepts the code without its check digit and records none', () => {
    expect(linesOf([{ ...busLine, cpvCode: '34144910' }])[0]).toMatchObject({
      cpvCode: '34144910',
      cpvCheckDigit: null,
    });
  });

  it('rejects a code missing from the official list', () => {
    expect(problemsWith({ cpvCode: '34144999' })).toEqual([
      {
        field: 'lines[0].cpvCode',
        rule: 'must be a code of the CPV 2008 list (CPV 2008, Regulation (EC) No 213/2008, Annex I)',
      },
    ]);
  });

  it('rejects a wrong check digit typed in the code, giving the right one', () => {
    expect(problemsWith({ cpvCode: '45000000-1' })).toEqual([
      {
        field: 'lines[0].cpvCode',
        rule: 'has the wrong check digit: the CPV 2008 list gives 45000000-7 (CPV 2008, Regulation (EC) No 213/2008, Annex I)',
      },
    ]);
  });

  it('rejects a wrong check digit given separately, naming that field', () => {
    expect(problemsWith({ cpvCode: '45000000', cpvCheckDigit: '1' })).toEqual([
      {
        field: 'lines[0].cpvCheckDigit',
        rule: 'has the wrong check digit: the CPV 2008 list gives 45000000-7 (CPV 2008, Regulation (EC) No 213/2008, Annex I)',
      },
    ]);
    expect(linesOf([{ ...busLine, cpvCode: '45000000', cpvCheckDigit: '7' }])[0]).toMatchObject({ cpvCheckDigit: '7' });
  });

  it('rejects a separate check digit that contradicts the one in the code', () => {
    expect(problemsWith({ cpvCode: '45000000-7', cpvCheckDigit: '1' })).toEqual([
      { field: 'lines[0].cpvCheckDigit', rule: 'must match the check digit given in cpvCode (7)' },
    ]);
  });

  it.each([['4500000'], ['450000001'], ['45000000-77'], ['45000000-'], ['12345678'], ['CPV 45000000'], ['']])(
    'rejects the malformed code %j as malformed, before looking it up in the list',
    (cpvCode) => {
      expect(problemsWith({ cpvCode })).toEqual([
        {
          field: 'lines[0].cpvCode',
          rule: expect.stringContaining('must be a CPV code: 8 digits of a known division'),
        },
      ]);
    },
  );

  it('rejects a code given as a number', () => {
    expect(problemsWith({ cpvCode: 45000000 })).toEqual([
      { field: 'lines[0].cpvCode', rule: expect.stringContaining('written as a string') },
    ]);
  });

  it('never passes a code on its structure alone: a well-formed code the list lacks is refused', () => {
    // Issue 17: with no list loaded, 34144999-3 used to be accepted on its structure alone.
    expect(problemsWith({ cpvCode: '34144999-3' })).toEqual([
      {
        field: 'lines[0].cpvCode',
        rule: 'must be a code of the CPV 2008 list (CPV 2008, Regulation (EC) No 213/2008, Annex I)',
      },
    ]);
  });
});

describe('validateNeedLines: unit', () => {
  it('rejects a code missing from Recommendation 20', () => {
    expect(problemsWith({ unit: 'ZZZ' })).toEqual([
      {
        field: 'lines[0].unit',
        rule: 'must be a code of UN/CEFACT Recommendation 20 (e.g. H87 for piece, KGM for kilogram)',
      },
    ]);
  });

  it.each([['piece'], ['H'], ['H87X'], ['H-8'], [''], [87]])('rejects the malformed unit %j', (unit) => {
    expect(problemsWith({ unit })).toEqual([
      { field: 'lines[0].unit', rule: expect.stringContaining('must be a UN/CEFACT Recommendation 20 unit code') },
    ]);
  });

  it('takes a lower-case code as its upper-case Recommendation 20 code', () => {
    expect(linesOf([{ ...busLine, unit: 'kgm' }])[0]?.unit).toBe('KGM');
  });
});

describe('validateNeedLines: quantity and price', () => {
  it.each([
    ['0', 'must be greater than 0'],
    ['0.000', 'must be greater than 0'],
    ['-1', 'must be greater than 0'],
    ['-0.5', 'must be greater than 0'],
    ['abc', 'must be a number written with digits and an optional "." (e.g. 1250.50)'],
    ['1e3', 'must be a number written with digits and an optional "." (e.g. 1250.50)'],
    ['.5', 'must be a number written with digits and an optional "." (e.g. 1250.50)'],
    ['1,5', 'must use "." as the decimal separator, not "," (e.g. 1250.50)'],
    ['1234567890123456', 'must have at most 15 digits before and 6 after the decimal point'],
    ['1.1234567', 'must have at most 15 digits before and 6 after the decimal point'],
    [12, 'must be a decimal number written as a string (e.g. "12")'],
    [undefined, 'is required'],
  ])('quantity %j → %s', (quantity, rule) => {
    expect(problemsWith({ quantity })).toEqual([{ field: 'lines[0].quantity', rule }]);
  });

  it.each([
    ['-0.01', 'must not be negative'],
    ['-100', 'must not be negative'],
    ['n/a', 'must be a number written with digits and an optional "." (e.g. 1250.50)'],
    ['€ 100', 'must be a number written with digits and an optional "." (e.g. 1250.50)'],
    ['', 'must be a number written with digits and an optional "." (e.g. 1250.50)'],
    [100.5, 'must be a decimal number written as a string (e.g. "1250.50")'],
    [null, 'must be a decimal number written as a string (e.g. "1250.50")'],
  ])('unit price %j → %s', (unitPrice, rule) => {
    expect(problemsWith({ unitPrice })).toEqual([{ field: 'lines[0].unitPrice', rule }]);
  });

  it('takes the largest admitted amounts without loss', () => {
    const [line] = linesOf([{ ...busLine, quantity: '999999999999999.999999', unitPrice: '0.000001' }]);
    expect(line).toMatchObject({ quantity: '999999999999999.999999', unitPrice: '0.000001' });
  });

  it('rejects a negative option quantity', () => {
    expect(problemsWith({ optionalQuantity: '-2' })).toEqual([
      { field: 'lines[0].optionalQuantity', rule: 'must not be negative' },
    ]);
  });
});

describe('validateNeedLines: currency', () => {
  it.each([['XYZ'], ['euro'], ['HRK']])('rejects %j', (currency) => {
    expect(problemsWith({ currency })).toEqual([
      {
        field: 'lines[0].currency',
        rule: 'must be an ISO 4217 code of a currency in circulation (e.g. EUR, SEK, PLN)',
      },
    ]);
  });

  it('accepts the currencies of non-euro EU and EEA buyers', () => {
    for (const currency of ['CZK', 'DKK', 'HUF', 'PLN', 'RON', 'SEK', 'NOK', 'ISK', 'CHF']) {
      expect(linesOf([{ ...busLine, currency }])[0]?.currency).toBe(currency);
    }
  });
});

describe('validateNeedLines: delivery', () => {
  const horizon = "must be within the statement's delivery horizon (2026 to 2030)";

  it.each([
    [{ year: 2025 }, 'delivery.year', horizon],
    [{ year: 2031 }, 'delivery.year', horizon],
    [{ fromYear: 2025, toYear: 2027 }, 'delivery.fromYear', horizon],
    [{ fromYear: 2029, toYear: 2031 }, 'delivery.toYear', horizon],
    [{ fromYear: 2027, toYear: 2026 }, 'delivery.toYear', 'must not be before fromYear'],
    [{ fromYear: 2027 }, 'delivery.toYear', 'is required with fromYear'],
    [{ toYear: 2027 }, 'delivery.fromYear', 'is required with toYear'],
    [{}, 'delivery', 'must give either year, or fromYear and toYear'],
    [
      { year: 2027, fromYear: 2027, toYear: 2028 },
      'delivery',
      'must give either year, or fromYear and toYear, not both',
    ],
    [{ year: 2027.5 }, 'delivery.year', 'must be a year written as a whole number from 2000 to 2100'],
    [{ year: '2027' }, 'delivery.year', 'must be a year written as a whole number from 2000 to 2100'],
    [{ year: 20270 }, 'delivery.year', 'must be a year written as a whole number from 2000 to 2100'],
    [2027, 'delivery', 'must be an object with either year, or fromYear and toYear'],
  ])('%j → %s %s', (delivery, field, rule) => {
    expect(problemsWith({ delivery })).toEqual([{ field: `lines[0].${field}`, rule }]);
  });

  it('names both ends of a window that lies wholly after the horizon', () => {
    expect(problemsWith({ delivery: { fromYear: 2031, toYear: 2032 } }).map((p) => p.field)).toEqual([
      'lines[0].delivery.fromYear',
      'lines[0].delivery.toYear',
    ]);
  });

  it("accepts the horizon's first and last year", () => {
    expect(
      linesOf([
        { ...busLine, delivery: { fromYear: 2026, toYear: 2030 } },
        { ...busLine, delivery: { year: 2030 } },
      ]),
    ).toHaveLength(2);
  });
});

describe('validateNeedLines: description, framework, renewals, requirements', () => {
  it.each([
    [{ description: '' }, 'description', 'must not be empty'],
    [{ description: '   ' }, 'description', 'must not be empty'],
    [{ description: 7 }, 'description', 'must be text'],
    [
      { frameworkMonths: 0 },
      'frameworkMonths',
      'must be a whole number of months from 1 to 120, or null when not a framework agreement',
    ],
    [
      { frameworkMonths: 121 },
      'frameworkMonths',
      'must be a whole number of months from 1 to 120, or null when not a framework agreement',
    ],
    [
      { frameworkMonths: 12.5 },
      'frameworkMonths',
      'must be a whole number of months from 1 to 120, or null when not a framework agreement',
    ],
    [
      { frameworkMonths: '48' },
      'frameworkMonths',
      'must be a whole number of months from 1 to 120, or null when not a framework agreement',
    ],
    [{ renewals: { count: 0, quantityEach: '5' } }, 'renewals.quantityEach', 'must be 0 when count is 0'],
    [{ renewals: { count: 2 } }, 'renewals.quantityEach', 'must be greater than 0 when count is more than 0'],
    [{ renewals: { count: -1, quantityEach: '5' } }, 'renewals.count', 'must be a whole number from 0 to 99'],
    [{ renewals: { count: 100, quantityEach: '5' } }, 'renewals.count', 'must be a whole number from 0 to 99'],
    [{ renewals: { count: 1, quantityEach: '-5' } }, 'renewals.quantityEach', 'must not be negative'],
    [{ renewals: 2 }, 'renewals', 'must be an object with count and quantityEach'],
  ])('%j → %s %s', (change, field, rule) => {
    expect(problemsWith(change)).toEqual([{ field: `lines[0].${field}`, rule }]);
  });

  it('takes a description of up to 2000 characters and requirements of up to 10000', () => {
    const [line] = linesOf([{ ...busLine, description: 'x'.repeat(2000), requirements: 'y'.repeat(10_000) }]);
    expect(line?.description).toHaveLength(2000);
    expect(line?.requirements).toHaveLength(10_000);
    expect(problemsWith({ description: 'x'.repeat(2001), requirements: 'y'.repeat(10_001) })).toEqual([
      { field: 'lines[0].description', rule: 'must be at most 2000 characters' },
      { field: 'lines[0].requirements', rule: 'must be at most 10000 characters' },
    ]);
  });
});

describe('validateNeedLines never throws', () => {
  it(
    'on any value at all',
    () => {
      fc.assert(
        fc.property(fc.anything(), (input) => {
          const result = validateNeedLines(input, ctx);
          expect('lines' in result !== 'problems' in result).toBe(true);
        }),
      );
    },
    propertyTimeout,
  );

  it(
    'on lines whose fields hold anything, and every problem names a field of a line',
    () => {
      const field = fc.oneof(fc.anything(), fc.string(), fc.integer(), fc.constant(undefined));
      const line = fc.record(
        {
          cpvCode: fc.oneof(field, fc.constantFrom('45000000-7', '34144910', '34144900-1')),
          cpvCheckDigit: field,
          description: field,
          quantity: fc.oneof(field, fc.constantFrom('1', '0', '-1')),
          unit: fc.oneof(field, fc.constantFrom('H87', 'ZZZ')),
          unitPrice: field,
          currency: fc.oneof(field, fc.constant('EUR')),
          delivery: fc.oneof(
            field,
            fc.record({ year: fc.integer() }),
            fc.record({ fromYear: fc.integer(), toYear: fc.integer() }),
          ),
          renewals: field,
        },
        { requiredKeys: [] },
      );
      fc.assert(
        fc.property(fc.array(line, { minLength: 1, maxLength: 5 }), (lines) => {
          const result = validateNeedLines(lines, ctx);
          if ('problems' in result) {
            expect(result.problems.length).toBeGreaterThan(0);
            for (const p of result.problems) expect(p.field).toMatch(/^lines\[\d\]/);
          } else {
            expect(result.lines).toHaveLength(lines.length);
          }
        }),
      );
    },
    propertyTimeout,
  );
});

/** An independent oracle: decimal strings as scaled BigInts. */
function scaled(value: string): { digits: bigint; scale: number } {
  const [int, frac = ''] = value.split('.');
  return { digits: BigInt(`${int}${frac}`), scale: frac.length };
}
function show(digits: bigint, scale: number): string {
  const s = digits.toString().padStart(scale + 1, '0');
  const whole = s.slice(0, s.length - scale);
  const frac = s.slice(s.length - scale).replace(/0+$/, '');
  return frac ? `${whole}.${frac}` : whole;
}
function oracleValue(quantity: string, optional: string, count: number, each: string, price: string): string {
  const q = scaled(quantity);
  const o = scaled(optional);
  const e = scaled(each);
  const s = 6; // every admitted amount has at most 6 decimals
  const up = (x: { digits: bigint; scale: number }) => x.digits * 10n ** BigInt(s - x.scale);
  const total = up(q) + up(o) + BigInt(count) * up(e);
  const p = scaled(price);
  return show(total * p.digits, s + p.scale);
}

const decimalString = fc.stringMatching(/^\d{1,15}(\.\d{1,6})?$/);
const positiveDecimal = decimalString.filter((v) => /[1-9]/.test(v));

function lineOf(
  quantity: string,
  unitPrice: string,
  optionalQuantity = '0',
  renewals = { count: 0, quantityEach: '0' },
): NeedLine {
  return { ...linesOf([{ ...busLine, quantity, unitPrice }])[0]!, optionalQuantity, renewals };
}

describe('estimatedLineValue', () => {
  it('is exact where binary floats are not: 3 × 0.1 = 0.3', () => {
    expect(0.1 * 3).not.toBe(0.3);
    expect(estimatedLineValue(lineOf('3', '0.1'))).toBe('0.3');
    expect(estimatedLineValue(lineOf('0.1', '3'))).toBe('0.3');
    expect(estimatedLineValue(lineOf('1.1', '1.1'))).toBe('1.21');
  });

  it('counts options and every renewal (Art. 5)', () => {
    const line = lineOf('10', '2.5', '5', { count: 2, quantityEach: '3' });
    expect(totalLineQuantity(line)).toBe('21');
    expect(estimatedLineValue(line)).toBe('52.5');
  });

  it('is 0 for a free item and keeps every digit of the largest amounts', () => {
    expect(estimatedLineValue(lineOf('20', '0'))).toBe('0');
    expect(estimatedLineValue(lineOf('999999999999999.999999', '999999999999999.999999'))).toBe(
      // (10^15 - 10^-6)^2 = 10^30 - 2·10^9 + 10^-12
      '999999999999999999998000000000.000000000001',
    );
    expect(
      estimatedLineValue(
        lineOf('999999999999999.999999', '999999999999999.999999', '999999999999999.999999', {
          count: 99,
          quantityEach: '999999999999999.999999',
        }),
      ),
    ).toBe(
      oracleValue(
        '999999999999999.999999',
        '999999999999999.999999',
        99,
        '999999999999999.999999',
        '999999999999999.999999',
      ),
    );
  });

  it('does not multiply by the framework term: the quantity already spans it', () => {
    const framework: NeedLine = { ...lineOf('12', '100'), frameworkMonths: 48 };
    expect(estimatedLineValue(framework)).toBe('1200');
  });

  it(
    'equals quantity × price exactly, and is never negative, without options or renewals',
    () => {
      fc.assert(
        fc.property(positiveDecimal, decimalString, (quantity, price) => {
          const value = estimatedLineValue(lineOf(quantity, price));
          expect(value).toBe(oracleValue(quantity, '0', 0, '0', price));
          expect(value.startsWith('-')).toBe(false);
        }),
      );
    },
    propertyTimeout,
  );

  it(
    'matches the exact oracle with options and renewals, and is never below quantity × price',
    () => {
      fc.assert(
        fc.property(
          positiveDecimal,
          decimalString,
          decimalString,
          fc.integer({ min: 0, max: 99 }),
          positiveDecimal,
          (quantity, price, optional, count, each) => {
            const renewals = { count, quantityEach: count === 0 ? '0' : each };
            const value = estimatedLineValue(lineOf(quantity, price, optional, renewals));
            expect(value).toBe(oracleValue(quantity, optional, renewals.count, renewals.quantityEach, price));
            const base = scaled(oracleValue(quantity, '0', 0, '0', price));
            const all = scaled(value);
            const common = Math.max(base.scale, all.scale);
            expect(
              all.digits * 10n ** BigInt(common - all.scale) >= base.digits * 10n ** BigInt(common - base.scale),
            ).toBe(true);
          },
        ),
      );
    },
    propertyTimeout,
  );
});

describe('needLineSchema round trip', () => {
  it(
    'parses every validated line to itself',
    () => {
      fc.assert(
        fc.property(
          positiveDecimal,
          decimalString,
          fc.integer({ min: 2026, max: 2030 }),
          (quantity, unitPrice, year) => {
            const [line] = linesOf([{ ...busLine, quantity, unitPrice, delivery: { year } }]);
            expect(needLineSchema.parse(line)).toEqual(line);
          },
        ),
      );
    },
    propertyTimeout,
  );
});

describe('referencedCodes', () => {
  it('collects the well-formed CPV and unit codes once each, from anything', () => {
    expect(
      referencedCodes([
        busLine,
        { ...busLine, cpvCode: '34144910', unit: 'h87' },
        { cpvCode: '45000000-7', unit: 'KGM' },
        { cpvCode: 'nonsense', unit: 'not a unit' },
        null,
        'x',
        { cpvCode: 45000000 },
      ]),
    ).toEqual({ cpvCodes: ['34144910', '45000000'], unitCodes: ['H87', 'KGM'] });
    expect(referencedCodes(undefined)).toEqual({ cpvCodes: [], unitCodes: [] });
    expect(referencedCodes({ cpvCode: '45000000' })).toEqual({ cpvCodes: [], unitCodes: [] });
  });
});

describe('validateNeedLines: a framework agreement longer than four years (Art. 33(1))', () => {
  const justification = 'Fleet renewal cycle of the buses: eight years, as the charging depots are built once.';

  it('takes up to 48 months without a word, and no justification is kept for them', () => {
    const [line] = linesOf([{ ...busLine, frameworkMonths: 48, frameworkJustification: 'not needed' }]);
    expect(line).toMatchObject({ frameworkMonths: 48, frameworkJustification: null });
  });

  it.each([49, 96, 120])('refuses %i months without a justification, naming the field and Art. 33(1)', (months) => {
    expect(problemsWith({ frameworkMonths: months })).toEqual([
      {
        field: 'lines[0].frameworkJustification',
        rule: 'is required when frameworkMonths is more than 48: the term of a framework agreement shall not exceed four years, save in exceptional cases duly justified (Directive 2014/24/EU Art. 33(1))',
      },
    ]);
    expect(problemsWith({ frameworkMonths: months, frameworkJustification: '   ' })).toHaveLength(1);
  });

  it('keeps the justification of a longer term with the line', () => {
    const [line] = linesOf([{ ...busLine, frameworkMonths: 120, frameworkJustification: `  ${justification} ` }]);
    expect(line).toMatchObject({ frameworkMonths: 120, frameworkJustification: justification });
    // Stored lines are validated again on submission: the justification survives it.
    expect(linesOf([line])[0]).toEqual(line);
  });

  it('holds the justification to the text policy and its length', () => {
    expect(problemsWith({ frameworkMonths: 60, frameworkJustification: 'x'.repeat(2001) }).map((p) => p.field)).toEqual(
      ['lines[0].frameworkJustification'],
    );
  });
});

describe('a need line as a draft holds it', () => {
  const issues = (value: unknown) =>
    needLineDraftSchema.safeParse(value).error?.issues.map((i) => ({ path: i.path.join('.'), message: i.message }));

  it('takes a line half typed, with numbers, nulls and text as typed, normalising the text', () => {
    expect(
      needLineDraftSchema.parse({
        description: ' Cafe\u0301 trucks ',
        quantity: '12,5',
        delivery: { year: 2027 },
        frameworkMonths: null,
        renewals: { count: 0, quantityEach: '0' },
      }),
    ).toEqual({
      description: 'Café trucks',
      quantity: '12,5',
      delivery: { year: 2027 },
      frameworkMonths: null,
      renewals: { count: 0, quantityEach: '0' },
    });
    expect(needLineDraftSchema.parse({})).toEqual({});
  });

  it('names the field and the rule for bad text, a field a need line does not have, or a line that is not an object', () => {
    expect(issues({ description: 'a\u0000' })).toEqual([
      { path: 'description', message: 'must not contain control characters' },
    ]);
    expect(issues({ requirements: 'x'.repeat(10_001) })).toEqual([
      { path: 'requirements', message: 'must be at most 10000 characters' },
    ]);
    expect(issues({ unit: 'H\u202e87' })).toEqual([
      { path: 'unit', message: 'must not contain bidirectional control characters' },
    ]);
    expect(issues({ delivery: { year: '20\u000027' } })).toEqual([
      { path: 'delivery.year', message: 'must not contain control characters' },
    ]);
    expect(issues({ colour: 'red' })?.[0]?.path).toBe('');
    expect(issues('a line')).toEqual([{ path: '', message: 'must be a need line object' }]);
    expect(issues({ quantity: { value: 1 } })).toEqual([
      { path: 'quantity', message: 'must be text, a number, true or false, or null' },
    ]);
  });

  it('holds a submitted line’s description and requirements to the policy', () => {
    const parsed = needLineSchema.safeParse({
      cpvCode: '43260000-3',
      description: 'Trucks\n\u202eleft',
      quantity: '1',
      unit: 'H87',
      unitPrice: '1',
      currency: 'EUR',
      delivery: { year: 2027 },
      requirements: 'a\u0007',
    });
    expect(parsed.error?.issues.map((i) => [i.path.join('.'), i.message])).toEqual([
      ['requirements', 'must not contain control characters'],
    ]);
  });
});

describe('a currency the rate tables cannot convert (issue 18)', () => {
  const rates = { day: '2026-12-05', maxAgeDays: 7, table: { date: '2026-12-04', currencies: ['NOK', 'SEK'] } };

  it('refuses a currency without a rate in the latest table, naming the field, the currency and the table', () => {
    expect(problemsOf([{ ...busLine, currency: 'ISK' }], { ...ctx, rates })).toEqual([
      {
        field: 'lines[0].currency',
        rule: expect.stringContaining('there is no exchange rate for ISK in the latest rate table (2026-12-04)'),
        code: 'rate_missing',
        values: { currency: 'ISK', tableDate: '2026-12-04' },
      },
    ]);
    expect(
      problemsOf([{ ...busLine, currency: 'nok' }], { ...ctx, rates: { ...rates, table: null } })[0],
    ).toMatchObject({
      code: 'rate_missing',
      values: { currency: 'NOK', tableDate: null },
    });
  });

  it('accepts EUR, a currency with a rate, and one whose rate is only too old (the aggregation waits for it instead)', () => {
    expect(linesOf([busLine, { ...busLine, currency: 'SEK' }], { ...ctx, rates })).toHaveLength(2);
    expect(linesOf([{ ...busLine, currency: 'NOK' }], { ...ctx, rates: { ...rates, day: '2027-01-30' } })).toHaveLength(
      1,
    );
    // Without coverage (a caller that does not check rates) nothing changes.
    expect(linesOf([{ ...busLine, currency: 'ISK' }])).toHaveLength(1);
  });
});
