import { describe, expect, it } from 'vitest';

import { rateProblemOf } from '../rules/exchange-rates.js';
import {
  currencyCodes,
  currencyRule,
  currencySchema,
  eeaNonEuCurrencies,
  euNonEuroCurrencies,
  isCurrencyCode,
  rateAgeDays,
  staleRates,
  unusableRatesError,
} from './currency.js';

describe('currency codes', () => {
  it('has each code once, each three capital letters', () => {
    expect(new Set(currencyCodes).size).toBe(currencyCodes.length);
    for (const code of currencyCodes) expect(code).toMatch(/^[A-Z]{3}$/);
  });

  it('includes the euro and the currencies of every EU and EEA buyer outside the euro area', () => {
    for (const code of ['EUR', 'CZK', 'DKK', 'HUF', 'PLN', 'RON', 'SEK', 'BGN', 'NOK', 'ISK', 'CHF']) {
      expect(isCurrencyCode(code), code).toBe(true);
    }
    for (const code of [...euNonEuroCurrencies, ...eeaNonEuCurrencies]) expect(isCurrencyCode(code), code).toBe(true);
  });

  it('leaves out withdrawn, fund, metal and test codes', () => {
    for (const code of ['HRK', 'ANG', 'ZWL', 'XAU', 'XDR', 'XTS', 'XXX', 'CHE', 'BOV'])
      expect(isCurrencyCode(code), code).toBe(false);
  });

  it('is not fooled by non-strings or Object.prototype members', () => {
    expect(isCurrencyCode(undefined)).toBe(false);
    expect(isCurrencyCode(978)).toBe(false);
    expect(isCurrencyCode('constructor')).toBe(false);
    expect(isCurrencyCode('eur')).toBe(false);
  });
});

describe('currencySchema', () => {
  it('accepts a code in any case and with spaces, and yields it in capitals', () => {
    expect(currencySchema.parse('EUR')).toBe('EUR');
    expect(currencySchema.parse(' sek ')).toBe('SEK');
    expect(currencySchema.parse('Pln')).toBe('PLN');
  });

  it.each([['XYZ'], ['EURO'], [''], ['€'], ['HRK']])('rejects %j naming the rule', (input) => {
    const result = currencySchema.safeParse(input);
    expect(result.success).toBe(false);
    expect(result.error?.issues[0]?.message).toBe(currencyRule);
  });

  it('says "is required" when the currency is missing and names the rule for a non-string', () => {
    expect(currencySchema.safeParse(undefined).error?.issues[0]?.message).toBe('is required');
    expect(currencySchema.safeParse(978).error?.issues[0]?.message).toBe(currencyRule);
  });
});

describe('rate freshness (Directive 2014/24/EU Art. 5(4))', () => {
  it('counts whole days from the rate table to the day converted for, across months and leap days', () => {
    expect(rateAgeDays('2026-12-04', '2026-12-04')).toBe(0);
    expect(rateAgeDays('2026-11-27', '2026-12-04')).toBe(7);
    expect(rateAgeDays('2028-02-28', '2028-03-01')).toBe(2);
    expect(rateAgeDays('2025-12-31', '2026-01-01')).toBe(1);
  });

  it('accepts a table exactly at the limit and refuses one day older, naming each currency, the date and the limit', () => {
    expect(staleRates(['SEK', 'EUR'], { date: '2026-11-27' }, '2026-12-04', 7)).toEqual([]);
    const stale = staleRates(['SEK', 'EUR', 'DKK', 'SEK'], { date: '2026-11-26' }, '2026-12-04', 7);
    expect(stale.map((p) => p.field)).toEqual(['rates.DKK', 'rates.SEK']);
    for (const [i, code] of ['DKK', 'SEK'].entries()) {
      expect(stale[i]!.rule).toContain(
        `the rate for ${code} is from the rate table of 2026-11-26, 8 days before 2026-12-04`,
      );
      expect(stale[i]!.rule).toContain('older than 7 days');
      expect(stale[i]!.rule).toContain('Art. 5(4)');
    }
  });

  it('carries a code and the values a page words the problem with, in its reader language', () => {
    expect(staleRates(['NOK'], { date: '2026-11-26' }, '2026-12-04', 7)[0]).toMatchObject({
      code: 'rate_stale',
      values: { currency: 'NOK', rateDate: '2026-11-26', ageDays: 8, maxAgeDays: 7 },
    });
  });

  it('says, as the server and the web both ask, whether a currency converts on a day (rules/exchange-rates.ts)', () => {
    const coverage = { day: '2026-12-05', maxAgeDays: 7, table: { date: '2026-12-04', currencies: ['SEK', 'NOK'] } };
    expect(rateProblemOf('EUR', { ...coverage, table: null })).toBeUndefined();
    expect(rateProblemOf('NOK', coverage)).toBeUndefined();
    expect(rateProblemOf('ISK', coverage)).toEqual({ code: 'rate_missing', currency: 'ISK', tableDate: '2026-12-04' });
    expect(rateProblemOf('NOK', { ...coverage, table: null })).toEqual({
      code: 'rate_missing',
      currency: 'NOK',
      tableDate: null,
    });
    expect(rateProblemOf('NOK', { ...coverage, day: '2026-12-11' })).toBeUndefined();
    expect(rateProblemOf('NOK', { ...coverage, day: '2026-12-12' })).toEqual({
      code: 'rate_stale',
      currency: 'NOK',
      rateDate: '2026-12-04',
      ageDays: 8,
      maxAgeDays: 7,
    });
  });

  it('follows the configured limit and never blocks amounts in EUR', () => {
    expect(staleRates(['NOK'], { date: '2026-11-01' }, '2026-12-04', 40)).toEqual([]);
    expect(staleRates(['NOK'], { date: '2026-12-03' }, '2026-12-04', 0)).toHaveLength(1);
    expect(staleRates(['EUR'], { date: '2020-01-01' }, '2026-12-04', 7)).toEqual([]);
  });

  it('reports missing and stale rates in one unprocessable error', () => {
    const missing = [{ field: 'rates.PLN', rule: 'no conversion rate for PLN in the rate table of 2026-11-01' }];
    const error = unusableRatesError(missing, staleRates(['SEK'], { date: '2026-11-01' }, '2026-12-04', 7));
    expect(error.code).toBe('unprocessable');
    expect(error.problems.map((p) => p.field)).toEqual(['rates.PLN', 'rates.SEK']);
    expect(error.message).toBe('The rate table cannot convert PLN to EUR; The rates for SEK are too old');
    expect(unusableRatesError(missing, []).message).toBe('The rate table cannot convert PLN to EUR');
  });
});
