import { z } from 'zod';

import { type CurrencyCode, currencyCodes } from '../rules/currencies.js';
import { rateAgeDays, rateStaleCode } from '../rules/exchange-rates.js';
import { type DomainError, type FieldProblem, unprocessable } from './errors.js';
import type { ExchangeRateTable } from './money.js';

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

/**
 * How old a rate may be, in days before the day it converts for, when the configuration says
 * nothing (EXCHANGE_RATE_MAX_AGE_DAYS). Directive 2014/24/EU Art. 5(4) makes the estimated value
 * valid at the moment it is made, so a conversion must use the rates of about that moment. The
 * ECB publishes its reference rates on every TARGET working day; a week covers the longest run of
 * closing days (Easter) with room to spare, and anything older means nobody has recorded rates.
 */
export const defaultRateMaxAgeDays = 7;

/** Whole days from the rate table's date to `day`: the shared rule of rules/exchange-rates.ts. */
export { rateAgeDays } from '../rules/exchange-rates.js';

/** The rule a rate older than the limit breaks, naming the currency, the rate's date and the limit. */
export function staleRateRule(currency: string, rateDate: string, day: string, maxAgeDays: number): string {
  const age = rateAgeDays(rateDate, day);
  return (
    `the rate for ${currency} is from the rate table of ${rateDate}, ${age} days before ${day}; ` +
    `rates older than ${maxAgeDays} days are not used (EXCHANGE_RATE_MAX_AGE_DAYS): record a newer rate table ` +
    `(Directive 2014/24/EU Art. 5(4): the estimated value is valid at the moment it is made)`
  );
}

/**
 * Currencies among `currencies` (EUR aside) whose rate in `table` is older than `maxAgeDays` on
 * `day`, each as a problem on `rates.<currency>`, sorted; empty when the table is recent enough.
 * A table dated after `day` is not stale (it cannot be picked for that day anyway).
 */
export function staleRates(
  currencies: Iterable<string>,
  table: Pick<ExchangeRateTable, 'date'>,
  day: string,
  maxAgeDays: number,
): FieldProblem[] {
  if (rateAgeDays(table.date, day) <= maxAgeDays) return [];
  return [...new Set(currencies)]
    .filter((c) => c !== 'EUR')
    .sort()
    .map((currency) => ({
      field: `rates.${currency}`,
      rule: staleRateRule(currency, table.date, day, maxAgeDays),
      code: rateStaleCode,
      values: { currency, rateDate: table.date, ageDays: rateAgeDays(table.date, day), maxAgeDays },
    }));
}

/**
 * One error for every currency that cannot be converted, missing rates and stale ones alike, so
 * the lead sees all that blocks the aggregation at once; `unprocessable`, as a missing rate is.
 */
export function unusableRatesError(missing: FieldProblem[], staleOnes: FieldProblem[]): DomainError {
  // A currency without a rate is missing, whatever the table's age.
  const stale = staleOnes.filter((s) => !missing.some((m) => m.field === s.field));
  const names = (ps: FieldProblem[]) => ps.map((p) => p.field.slice('rates.'.length)).join(', ');
  const parts = [
    ...(missing.length > 0 ? [`The rate table cannot convert ${names(missing)} to EUR`] : []),
    ...(stale.length > 0 ? [`The rates for ${names(stale)} are too old`] : []),
  ];
  return unprocessable([...missing, ...stale], parts.join('; '));
}
