import { decimalPattern } from '@jointdemand/rules/need-lines';
import { conventionOf, readTypedNumber, type TypedNumber, typedNumberForInput } from '@jointdemand/rules/typed-numbers';
import { Decimal } from 'decimal.js';

/**
 * Decimal numbers as people type them, in their own convention ("1 250,50" in French,
 * "1.250,50" in German, "1,250.50" in English), read into the canonical form the API takes
 * ("1250.5") by the one shared rule (`@jointdemand/rules/typed-numbers`, which the spreadsheet
 * import uses too): what could be read two ways ("390.000" in English) is refused, not guessed.
 * Money and quantities are computed with decimal.js, never binary floats: a statement's totals
 * are sums of many lines and must come out to the cent.
 */
export const Exact = Decimal.clone({ precision: 80, rounding: Decimal.ROUND_HALF_EVEN });
export type Exact = InstanceType<typeof Exact>;

/** The locale's decimal separator: "." or ",". */
export function decimalSeparator(locale: string): string {
  return conventionOf(locale).decimal;
}

/** The typed number read in `locale`'s language: its canonical value, or what is wrong with it. */
export function readDecimalInput(value: string, locale: string): TypedNumber {
  return readTypedNumber(value, locale);
}

/** The canonical text of a typed decimal ("1.250,50" → "1250.5"), or undefined when it cannot be read (or could be read two ways). */
export function parseDecimalInput(value: string, locale: string): string | undefined {
  const read = readTypedNumber(value, locale);
  return read.ok ? read.value : undefined;
}

/** How the API bounds decimals (`@jointdemand/rules/need-lines`): at most 15 digits before and 6 after the point. */
export function withinDecimalBounds(canonical: string): boolean {
  return decimalPattern.test(canonical);
}

/** A canonical decimal shown for editing in the locale's convention, without grouping ("1250.5" → "1250,5"), read back as the same value. */
export function decimalForInput(canonical: string, locale: string): string {
  return typedNumberForInput(canonical, locale);
}
