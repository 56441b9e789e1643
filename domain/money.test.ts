import fc from 'fast-check';
import { describe, expect, it } from 'vitest';

import { DomainError } from './errors.js';
import type { ExchangeRateTable } from './money.js';
import {
  addDecimals,
  compareDecimals,
  conversionScale,
  exchangeRateTableSchema,
  missingRates,
  multiplyDecimals,
  normaliseDecimal,
  roundCents,
  shownAmount,
  shownDecimals,
  shownDifference,
  subtractDecimals,
  sumDecimals,
  toEur,
} from './money.js';

const rates: ExchangeRateTable = {
  date: '2026-11-20',
  source: 'ECB euro foreign exchange reference rates',
  rates: { SEK: '11.2345', DKK: '7.4604', NOK: '11.7', PLN: '4.25', CZK: '3' },
};

/** Decimal strings as need lines carry them: up to 15 integer digits and 6 decimals. */
const decimalArb = fc
  .tuple(fc.bigInt({ min: 0n, max: 10n ** 15n - 1n }), fc.nat({ max: 999_999 }), fc.boolean())
  .map(([int, frac, withFraction]) => (withFraction ? `${int}.${String(frac).padStart(6, '0')}` : `${int}`));

describe('exact arithmetic', () => {
  it('adds without binary-float error', () => {
    expect(addDecimals('0.1', '0.2')).toBe('0.3');
    expect(sumDecimals([])).toBe('0');
    expect(subtractDecimals('0.3', '0.1')).toBe('0.2');
  });

  it('multiplies 21-digit quantities by prices exactly, beyond the 20 digits decimal.js keeps by default', () => {
    expect(multiplyDecimals('999999999999999.999999', '999999999999999.999999')).toBe(
      '999999999999999999998000000000.000000000001',
    );
    expect(multiplyDecimals('123456789012345.123456', '2')).toBe('246913578024690.246912');
  });

  it('refuses a result too long to be exact rather than rounding it', () => {
    const huge = '9'.repeat(110);
    expect(() => multiplyDecimals(huge, huge)).toThrow(/cannot be computed exactly/);
  });

  it('writes equal amounts as equal strings', () => {
    expect(normaliseDecimal('1.500')).toBe('1.5');
    expect(normaliseDecimal('-0.000')).toBe('0');
    expect(subtractDecimals('5', '5')).toBe('0');
  });

  it('sums are independent of order and grouping', () => {
    fc.assert(
      fc.property(fc.array(decimalArb, { maxLength: 30 }), fc.nat(), (values, cut) => {
        const whole = sumDecimals(values);
        expect(sumDecimals([...values].reverse())).toBe(whole);
        const at = values.length === 0 ? 0 : cut % values.length;
        expect(addDecimals(sumDecimals(values.slice(0, at)), sumDecimals(values.slice(at)))).toBe(whole);
      }),
    );
  }, 120_000);

  it('compares by value, not by spelling', () => {
    expect(compareDecimals('1.50', '1.5')).toBe(0);
    expect(compareDecimals('10', '9.999999')).toBe(1);
    expect(compareDecimals('-0.01', '0')).toBe(-1);
  });

  it('rejects strings that are not decimals instead of computing NaN', () => {
    expect(() => addDecimals('1,5')).toThrow(DomainError);
    expect(() => multiplyDecimals('1e3', '2')).toThrow(/Not a decimal number/);
  });
});

describe('shownAmount: the one rule for showing money (issue 17 point 11)', () => {
  it('shows a sum of converted lines to the cent, half-up, not with its 20 decimals', () => {
    expect(shownAmount('16784947.52640865123456789012')).toBe('16784947.53');
    expect(shownAmount('16784947.525')).toBe('16784947.53');
    expect(shownAmount('16784947.52499999999999999999')).toBe('16784947.52');
    expect(shownAmount('5404000')).toBe('5404000.00');
  });

  it('shows the exact value where the cents would reach a limit the value does not reach', () => {
    // The works threshold of 2026-27: 5,403,999.995 is below it, and must not read as 5,404,000.00.
    expect(shownAmount('5403999.995', ['5404000.00'])).toBe('5403999.995');
    expect(shownAmount('5403999.99500000000000000001', ['5404000'])).toBe('5403999.99500000000000000001');
    // Rounding that keeps the reading gives the cents, whatever the limit.
    expect(shownAmount('5403999.994', ['5404000'])).toBe('5403999.99');
    expect(shownAmount('5404000.004', ['5404000'])).toBe('5404000.00');
    expect(shownAmount('5403999.995', ['216000', '1000000'])).toBe('5404000.00');
  });

  it('never shows a difference as none when there is one', () => {
    expect(shownDifference('0.004')).toBe('0.004');
    expect(shownDifference('0.005')).toBe('0.01');
    expect(shownDifference('0')).toBe('0.00');
    expect(shownDifference('16000')).toBe('16000.00');
  });

  it('reads as its verdict: the shown value reaches every limit exactly when the exact value does', () => {
    fc.assert(
      fc.property(decimalArb, decimalArb, (value, limitValue) => {
        const limit = roundCents(limitValue);
        const shown = shownAmount(value, [limit]);
        expect(compareDecimals(shown, limit) >= 0).toBe(compareDecimals(value, limit) >= 0);
        // Shown again beside the same limit, it stays as it is.
        expect(shownAmount(shown, [limit])).toBe(shown);
      }),
    );
  }, 120_000);

  it('tells a formatter how many decimals a shown amount has, so it never rounds again', () => {
    expect(shownDecimals('5403999.995')).toBe(3);
    expect(shownDecimals('12.00')).toBe(2);
  });
});

describe('roundCents', () => {
  it('rounds half away from zero to two decimals', () => {
    expect(roundCents('1.005')).toBe('1.01');
    expect(roundCents('1.0049999')).toBe('1.00');
    expect(roundCents('-1.005')).toBe('-1.01');
    expect(roundCents('216000')).toBe('216000.00');
  });

  it('never shows a negative zero', () => {
    expect(roundCents('-0.001')).toBe('0.00');
  });

  it('is within half a cent of the exact value', () => {
    fc.assert(
      fc.property(decimalArb, (value) => {
        const off = subtractDecimals(roundCents(value), value);
        expect(compareDecimals(off, '0.005')).toBeLessThanOrEqual(0);
        expect(compareDecimals(off, '-0.005')).toBe(1);
        expect(roundCents(value)).toMatch(/^\d+\.\d{2}$/);
      }),
    );
  }, 120_000);
});

describe('toEur', () => {
  it('converts EUR at 1, whatever the table says', () => {
    expect(toEur('1234.56', 'EUR', rates)).toBe('1234.56');
    expect(toEur('1234.56', 'EUR', { ...rates, rates: { EUR: '2' } })).toBe('1234.56');
  });

  it('divides by the units of currency per euro', () => {
    expect(toEur('74604', 'DKK', rates)).toBe('10000');
    expect(toEur('1170', 'NOK', rates)).toBe('100');
  });

  it('keeps twenty decimals of a non-terminating quotient, correctly rounded', () => {
    expect(conversionScale).toBe(20);
    expect(toEur('100', 'CZK', rates)).toBe('33.33333333333333333333');
    expect(toEur('200', 'CZK', rates)).toBe('66.66666666666666666667');
  });

  it('gives back the amount when multiplied by the rate, to within the kept scale', () => {
    fc.assert(
      fc.property(decimalArb, fc.constantFrom('SEK', 'DKK', 'NOK', 'PLN', 'CZK'), (amount, currency) => {
        const eur = toEur(amount, currency, rates);
        const back = multiplyDecimals(eur, rates.rates[currency]!);
        const error = subtractDecimals(back, amount);
        // Half a unit in the 20th place, times the rate (at most 11.7).
        const bound = multiplyDecimals('0.000000000000000000005', rates.rates[currency]!);
        expect(compareDecimals(error, bound)).toBeLessThanOrEqual(0);
        expect(compareDecimals(error, `-${bound}`)).toBeGreaterThanOrEqual(0);
      }),
    );
  }, 120_000);

  it('throws a typed error naming the missing currency, never a silent zero', () => {
    let thrown: unknown;
    try {
      toEur('100', 'HUF', rates);
    } catch (error) {
      thrown = error;
    }
    expect(thrown).toBeInstanceOf(DomainError);
    const error = thrown as DomainError;
    expect(error.code).toBe('unprocessable');
    expect(error.problems).toEqual([
      {
        field: 'rates.HUF',
        rule: 'no conversion rate for HUF in the rate table of 2026-11-20',
        code: 'rate_missing',
        values: { currency: 'HUF', tableDate: '2026-11-20' },
      },
    ]);
    expect(error.message).toContain('HUF');
  });

  it('treats a zero or malformed rate as unusable', () => {
    const broken: ExchangeRateTable = { ...rates, rates: { SEK: '0', DKK: 'abc' } };
    expect(() => toEur('1', 'SEK', broken)).toThrow(DomainError);
    expect(missingRates(['SEK', 'DKK', 'EUR'], broken)).toEqual([
      {
        field: 'rates.DKK',
        rule: 'the conversion rate for DKK in the rate table of 2026-11-20 must be a positive number',
        code: 'rate_missing',
        values: { currency: 'DKK', tableDate: '2026-11-20' },
      },
      {
        field: 'rates.SEK',
        rule: 'the conversion rate for SEK in the rate table of 2026-11-20 must be a positive number',
        code: 'rate_missing',
        values: { currency: 'SEK', tableDate: '2026-11-20' },
      },
    ]);
  });

  it('does not take inherited properties for rates', () => {
    expect(missingRates(['constructor', 'toString'], rates).map((p) => p.field)).toEqual([
      'rates.constructor',
      'rates.toString',
    ]);
  });
});

describe('missingRates', () => {
  it('lists each missing currency once, sorted, and ignores EUR', () => {
    expect(missingRates(['SEK', 'RON', 'HUF', 'RON', 'EUR'], rates).map((p) => p.field)).toEqual([
      'rates.HUF',
      'rates.RON',
    ]);
  });
});

describe('exchangeRateTableSchema', () => {
  it('accepts a dated, sourced table of positive rates', () => {
    expect(exchangeRateTableSchema.parse(rates)).toEqual(rates);
  });

  it('names the offending field', () => {
    const result = exchangeRateTableSchema.safeParse({ date: '2026-13-01', source: '', rates: { sek: '1', NOK: '0' } });
    expect(result.success).toBe(false);
    const paths = result.error!.issues.map((i) => i.path.join('.'));
    expect(paths).toEqual(expect.arrayContaining(['date', 'source', 'rates.sek', 'rates.NOK']));
  });
});
