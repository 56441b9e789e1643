import { describe, expect, it } from 'vitest';

import {
  currencyCodes,
  currencyRule,
  currencySchema,
  eeaNonEuCurrencies,
  euNonEuroCurrencies,
  isCurrencyCode,
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
