import { z } from 'zod';

import { type CurrencyCode, currencyCodes } from '../rules/currencies.js';

/** The accepted codes and the EU and EEA groups are shared with the web: rules/currencies.ts. */
export { type CurrencyCode, currencyCodes, eeaNonEuCurrencies, euNonEuroCurrencies } from '../rules/currencies.js';

const known: ReadonlySet<string> = new Set(currencyCodes);

export function isCurrencyCode(value: unknown): value is CurrencyCode {
  return typeof value === 'string' && known.has(value);
}

export const currencyRule = 'must be an ISO 4217 code of a currency in circulation (e.g. EUR, SEK, PLN)';

/** Case-insensitive on input ("eur" is EUR), upper case on output. */
export const currencySchema = z
  .string({ error: (issue) => (issue.input === undefined ? 'is required' : currencyRule) })
  .trim()
  .toUpperCase()
  .refine((code) => known.has(code), { message: currencyRule })
  .meta({ description: 'ISO 4217 currency code', example: 'EUR' });
