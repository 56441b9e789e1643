import { Decimal as BaseDecimal } from 'decimal.js';
import { z } from 'zod';

import { rateMissingCode } from '../rules/exchange-rates.js';
import { text } from '../rules/text-policy.js';
import type { FieldProblem } from './errors.js';
import { DomainError, unprocessable } from './errors.js';

/**
 * Exact money arithmetic on decimal strings. Amounts enter and leave as strings so that no binary
 * float ever touches them; inside, decimal.js computes with enough significant digits that sums and
 * products are exact (decimal.js would otherwise round to 20 digits, and a quantity alone may have 21).
 * Need lines have at most 21 digits, so a line value has at most 42 and a converted one about 60;
 * 200 leaves room for any sum, and a result that would need more is refused rather than rounded.
 */
const exactDigits = 200;
const Exact = BaseDecimal.clone({
  precision: exactDigits,
  rounding: BaseDecimal.ROUND_HALF_UP,
  toExpNeg: -9e15,
  toExpPos: 9e15,
});
type Exact = InstanceType<typeof Exact>;

/**
 * Decimal places kept for EUR amounts converted from another currency. Twenty places is far
 * below a cent, and because every later step is a sum, the rounding at presentation is decided
 * by the cents, not by this cut.
 */
export const conversionScale = 20;

/**
 * A division by an exchange rate rarely terminates, so it is the one place a value is cut. It is
 * truncated beyond the kept scale first and then rounded half-up once: truncation never moves a
 * value across the half-way point, so the result is the correctly rounded quotient. The working
 * precision is sized to the quotient (its integer digits plus the scale plus guard digits), as
 * decimal.js divides to the full precision and a fixed large one is needlessly slow.
 */
const quotientContexts = new Map<number, typeof BaseDecimal>();

function divideToScale(dividend: Exact, divisor: Exact, scale: number): Exact {
  const integerDigits = Math.max(1, dividend.e - divisor.e + 2);
  const precision = integerDigits + scale + 2;
  let Quotient = quotientContexts.get(precision);
  if (!Quotient) {
    Quotient = BaseDecimal.clone({ precision, rounding: BaseDecimal.ROUND_DOWN });
    quotientContexts.set(precision, Quotient);
  }
  const truncated = new Quotient(dividend.toFixed()).div(new Quotient(divisor.toFixed()));
  return new Exact(truncated.toDecimalPlaces(scale, BaseDecimal.ROUND_HALF_UP).toFixed());
}

/** A non-negative or signed decimal number written with digits and an optional ".". */
export type DecimalString = string;

const decimalPattern = /^-?\d+(\.\d+)?$/;

export function isDecimalString(value: unknown): value is DecimalString {
  return typeof value === 'string' && decimalPattern.test(value);
}

function exact(value: DecimalString): Exact {
  if (!isDecimalString(value)) {
    // A caller bug, not a user's mistake: user input is checked by the schemas before it gets here.
    throw new DomainError('invalid_input', `Not a decimal number: ${JSON.stringify(value)}`);
  }
  return new Exact(value);
}

/** Plain notation without trailing zeros, so equal amounts are equal strings. */
function show(value: Exact): DecimalString {
  return value.isZero() ? '0' : value.toFixed();
}

export function addDecimals(...values: DecimalString[]): DecimalString {
  return sumDecimals(values);
}

/** Position of the least significant non-zero digit (0 = units, -2 = cents). */
function lowestDigit(value: Exact): number {
  return value.e - value.sd() + 1;
}

function tooLong(): DomainError {
  return new DomainError(
    'unprocessable',
    `An amount needs more than ${exactDigits} significant digits and cannot be computed exactly`,
  );
}

/** decimal.js would round silently past its precision; these refuse instead, so "exact" stays true. */
function plus(a: Exact, b: Exact): Exact {
  if (a.isZero()) return b;
  if (b.isZero()) return a;
  // One more digit on top for a carry.
  if (Math.max(a.e, b.e) + 1 - Math.min(lowestDigit(a), lowestDigit(b)) + 1 > exactDigits) throw tooLong();
  return a.plus(b);
}

function times(a: Exact, b: Exact): Exact {
  if (a.sd() + b.sd() > exactDigits) throw tooLong();
  return a.times(b);
}

export function sumDecimals(values: Iterable<DecimalString>): DecimalString {
  let total = new Exact(0);
  for (const v of values) total = plus(total, exact(v));
  return show(total);
}

export function subtractDecimals(minuend: DecimalString, subtrahend: DecimalString): DecimalString {
  return show(plus(exact(minuend), exact(subtrahend).negated()));
}

export function multiplyDecimals(...factors: DecimalString[]): DecimalString {
  let product = new Exact(1);
  for (const f of factors) product = times(product, exact(f));
  return show(product);
}

export function compareDecimals(a: DecimalString, b: DecimalString): -1 | 0 | 1 {
  const c = exact(a).comparedTo(exact(b));
  return c < 0 ? -1 : c > 0 ? 1 : 0;
}

/** Normalises a decimal string (no trailing zeros, no "-0"), e.g. for use as a map key or in equality checks. */
export function normaliseDecimal(value: DecimalString): DecimalString {
  return show(exact(value));
}

/**
 * How money is shown, everywhere (API figures, web, public documents, CSV, OCDS, e-mail): the one
 * rule, written in rules/money.ts so that the web applies the very same code. To the cent, a
 * half-way amount away from zero (Council Regulation (EC) No 1103/97 Art. 5), always with two
 * decimals; the exact value stays what every check decides on. `shownAmount` adds the one
 * exception: beside a limit it is compared with, a value that rounding would carry onto the limit
 * it does not reach is shown exactly; `shownDifference` never shows a difference as none.
 */
export { roundToCents as roundCents, shownAmount, shownDecimals, shownDifference } from '../rules/money.js';

/** The source of the empty table an aggregation uses when no rate table is recorded at all. */
export const noRateTableSource = 'no exchange-rate table on record';

/** ISO 4217 code: three capital letters. */
const currencyKeySchema = z.string().regex(/^[A-Z]{3}$/, 'must be an ISO 4217 currency code (e.g. SEK)');

const rateSchema = z
  .string()
  .regex(/^\d{1,15}(\.\d{1,10})?$/, 'must be a decimal number written with digits and an optional "." (e.g. 11.0245)')
  .refine((v) => !new Exact(v).isZero(), { message: 'must be greater than zero' });

/**
 * An exchange-rate table: units of each currency per 1 EUR (as the ECB publishes its euro
 * reference rates), with the date they apply to and where they come from. A rate table is data,
 * recorded with every aggregate, so a conversion can always be traced and repeated.
 */
export const exchangeRateTableSchema = z
  .object({
    date: z.iso.date({ message: 'must be a date (YYYY-MM-DD)' }),
    source: text('line', { min: 1, max: 200, minRule: 'must name the source of the rates' }),
    rates: z.record(currencyKeySchema, rateSchema),
  })
  .meta({ id: 'ExchangeRateTable' });

export type ExchangeRateTable = z.infer<typeof exchangeRateTableSchema>;

function rateProblem(currency: string, table: ExchangeRateTable): string | undefined {
  const rate = Object.hasOwn(table.rates, currency) ? table.rates[currency] : undefined;
  if (rate === undefined) return `no conversion rate for ${currency} in the rate table of ${table.date}`;
  // A zero or malformed rate would convert to zero or fail obscurely; both are a missing rate in effect.
  if (!isDecimalString(rate) || rate.startsWith('-') || new Exact(rate).isZero()) {
    return `the conversion rate for ${currency} in the rate table of ${table.date} must be a positive number`;
  }
  return undefined;
}

/**
 * Currencies among `currencies` that the table cannot convert, each as a problem naming the
 * currency; empty when all convert. Lets a caller report every missing rate at once.
 */
export function missingRates(currencies: Iterable<string>, table: ExchangeRateTable): FieldProblem[] {
  const problems = new Map<string, string>();
  for (const currency of currencies) {
    if (currency === 'EUR' || problems.has(currency)) continue;
    const rule = rateProblem(currency, table);
    if (rule) problems.set(currency, rule);
  }
  return [...problems.keys()].sort().map((currency) => ({
    field: `rates.${currency}`,
    rule: problems.get(currency)!,
    // A table the aggregation made up because none is recorded has no date of its own to name.
    code: rateMissingCode,
    values: { currency, tableDate: table.source === noRateTableSource ? null : table.date },
  }));
}

/** The error for currencies the rate table cannot convert: `unprocessable`, one problem per currency. */
export function missingRateError(problems: FieldProblem[]): DomainError {
  const names = problems.map((p) => p.field.slice('rates.'.length)).join(', ');
  return unprocessable(problems, `The rate table cannot convert ${names} to EUR`);
}

/**
 * Converts an amount to EUR with the table's rate (amount ÷ units per EUR). EUR converts at 1
 * whatever the table says. A currency without a usable rate is an error, never a silent zero.
 * Exact for EUR; otherwise correctly rounded to `conversionScale` decimal places.
 */
export function toEur(amount: DecimalString, currency: string, table: ExchangeRateTable): DecimalString {
  const value = exact(amount);
  if (currency === 'EUR') return show(value);
  const problems = missingRates([currency], table);
  if (problems.length > 0) throw missingRateError(problems);
  return show(divideToScale(value, new Exact(table.rates[currency]!), conversionScale));
}
