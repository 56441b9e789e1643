import { decimalPattern } from '@jointdemand/rules/need-lines';
import { Decimal } from 'decimal.js';

/**
 * Decimal numbers as people type them, in their own convention ("1 250,50" in French,
 * "1.250,50" in German, "1,250.50" in English), read into the canonical form the API takes
 * ("1250.5"). Money and quantities are computed with decimal.js, never binary floats: a
 * statement's totals are sums of many lines and must come out to the cent.
 */
export const Exact = Decimal.clone({ precision: 80, rounding: Decimal.ROUND_HALF_EVEN });
export type Exact = InstanceType<typeof Exact>;

/** The locale's decimal separator: "." or ",". */
export function decimalSeparator(locale: string): string {
  const part = new Intl.NumberFormat(locale).formatToParts(1.5).find((p) => p.type === 'decimal');
  return part?.value ?? '.';
}

/**
 * The canonical text of a typed decimal ("1.250,50" → "1250.5"), or undefined when it is not
 * a plain non-negative or negative number. When only one of "," and "." appears once, it is
 * the decimal separator if it is the locale's, or if it is not followed by exactly three digits
 * (so "1,5" is one and a half in English too, while "1.250" is a thousand and more in German).
 */
export function parseDecimalInput(value: string, locale: string): string | undefined {
  let text = value.trim().replace(/[\s\u00a0\u202f'’_]/g, '');
  let sign = '';
  if (/^[-−]/.test(text)) {
    sign = '-';
    text = text.slice(1);
  }
  if (!/^[\d.,]+$/.test(text) || !/\d/.test(text)) return undefined;
  const dots = (text.match(/\./g) ?? []).length;
  const commas = (text.match(/,/g) ?? []).length;
  let decimalChar: string | undefined;
  if (dots > 0 && commas > 0) decimalChar = text.lastIndexOf('.') > text.lastIndexOf(',') ? '.' : ',';
  else if (dots + commas === 1) {
    const char = dots ? '.' : ',';
    const after = text.length - text.indexOf(char) - 1;
    decimalChar = char === decimalSeparator(locale) || after !== 3 ? char : undefined;
  } else if (dots + commas > 1) decimalChar = undefined;
  const [whole = '', fraction, extra] = decimalChar ? text.split(decimalChar) : [text];
  if (extra !== undefined) return undefined;
  const group = decimalChar === '.' ? ',' : decimalChar === ',' ? '.' : /[.,]/g;
  const digits = whole.replace(typeof group === 'string' ? new RegExp(`\\${group}`, 'g') : group, '');
  if (!/^\d*$/.test(digits) || (fraction !== undefined && !/^\d+$/.test(fraction))) return undefined;
  if (digits === '' && fraction === undefined) return undefined;
  const canonical = new Exact(`${sign}${digits || '0'}${fraction !== undefined ? `.${fraction}` : ''}`);
  return canonical.isZero() ? '0' : canonical.toFixed();
}

/** How the API bounds decimals (`@jointdemand/rules/need-lines`): at most 15 digits before and 6 after the point. */
export function withinDecimalBounds(canonical: string): boolean {
  return decimalPattern.test(canonical);
}

/** A canonical decimal shown for editing in the locale's convention, without grouping ("1250.5" → "1250,5"). */
export function decimalForInput(canonical: string, locale: string): string {
  return decimalSeparator(locale) === ',' ? canonical.replace('.', ',') : canonical;
}
