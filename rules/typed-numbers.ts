import type { Locale } from './locales.js';

/**
 * Amounts and quantities as people type them, read in the viewer's language: the web's need-line
 * form and the need-line spreadsheet import both read typed numbers with this one rule, and both
 * send the API its canonical decimal string ("390000", "1250.5").
 *
 * Issue 18: "In the English interface '390.000' becomes 390.00". A buyer writes numbers the way
 * it always does, whatever the interface's language: a German or French buyer in the English
 * interface writes "390.000" for three hundred and ninety thousand, a British one in the German
 * interface "1,500" for fifteen hundred. So the rule reads the marks by where they stand, and
 * refuses, with both readings named, what could be either.
 *
 * The conventions (decimal mark, thousands separator):
 * - en: "." and ","  (390,000.50)
 * - fr: "," and a space, a no-break space or a narrow no-break space  (390 000,50)
 * - de: "," and "."  (390.000,50)
 * Spaces (any kind) and apostrophes (' ’, the Swiss way) are thousands separators in every
 * language: nobody writes decimals after them.
 *
 * How a number is read:
 * 1. Only digits, ".", ",", spaces and apostrophes, an optional leading minus ("-" or "−");
 *    no two marks side by side, none at the end ("5." is not finished), at least one digit.
 * 2. Both "." and "," present: the last of them is the decimal mark and appears once; the other
 *    separates thousands ("1.234,5" and "1,234.5" are the same in every language).
 * 3. Only one of them, more than once: thousands separators ("1.234.567"); a decimal mark is never
 *    written twice.
 * 4. Only one of them, once, followed by anything but exactly three digits: the decimal mark
 *    ("1.5", "1,5", "390.00"); a thousands separator is always followed by three digits.
 * 5. Only one of them, once, followed by exactly three digits: the decimal mark when it cannot
 *    separate thousands: nothing or a zero before it (".125", "0,125"), more than three digits
 *    before it ("1234.567"), or spaces already separating the thousands ("1 234,567"). Otherwise
 *    ("390.000", "1,500") it is the language's thousands separator when it is that ("1,500" is
 *    1500 in English, "390.000" is 390000 in German), and **ambiguous** when it is not: "390.000"
 *    in English or French, "1,500" in German or French could be 390 or 390000, 1.5 or 1500, a
 *    factor of 1,000 apart, so it is refused with both readings and the buyer writes one of them
 *    so that it cannot be misread ("390000", "390", "390,000.00").
 *    Why "1,500" passes in English: that is how English writes fifteen hundred every day, and
 *    refusing it would refuse most English typing; the rare continental writer meaning 1.5 sees
 *    the value read back beside the field ("= 1,500.00").
 * 6. Thousands separators: all of one kind, the first group of 1 to 3 digits not starting with 0,
 *    every other group of exactly 3 ("12,34,567" and "1.2345" as groups are refused).
 *
 * Bounds (15 digits before the point, 6 after) and signs (a quantity > 0) are the need line's
 * rules (`decimalPattern` in rules/need-lines.ts, domain/need-lines.ts), checked after reading.
 */

export type TypedNumberProblem =
  | { kind: 'empty' }
  /** Not made of digits and separators (letters, a currency sign, two marks together, a trailing mark). */
  | { kind: 'notNumber' }
  /** Thousands separators in the wrong places, or of two kinds. */
  | { kind: 'grouping' }
  /** One mark followed by three digits that could be either: both readings, canonical. */
  | { kind: 'ambiguous'; asDecimal: string; asThousands: string };

export type TypedNumber = { ok: true; value: string } | { ok: false; problem: TypedNumberProblem };

export interface NumberConvention {
  decimal: '.' | ',';
  /** The thousands separator the language writes (French: a narrow no-break space, as Intl writes it). */
  group: string;
}

export const numberConventions: Readonly<Record<Locale, NumberConvention>> = {
  en: { decimal: '.', group: ',' },
  fr: { decimal: ',', group: '\u202f' },
  de: { decimal: ',', group: '.' },
};

/** The convention of a language tag ("fr-BE" → fr); English for a language the platform does not speak. */
export function conventionOf(locale: string): NumberConvention {
  const language = locale.slice(0, 2).toLowerCase();
  return numberConventions[(language in numberConventions ? language : 'en') as Locale];
}

const spaceLike = /[\s\u00a0\u202f\u2009\u2007]/;
const apostrophe = /['’]/;

type Mark = '.' | ',' | 'space' | 'apostrophe';

function markOf(c: string): Mark | undefined {
  if (c === '.' || c === ',') return c;
  if (spaceLike.test(c)) return 'space';
  if (apostrophe.test(c)) return 'apostrophe';
  return undefined;
}

/** "007.500" → "7.5", "-0" → "0": the canonical decimal the API takes. */
function canonical(negative: boolean, whole: string, fraction: string): string {
  const w = whole.replace(/^0+(?=\d)/, '') || '0';
  const f = fraction.replace(/0+$/, '');
  const text = f ? `${w}.${f}` : w;
  return negative && /[1-9]/.test(text) ? `-${text}` : text;
}

/** Reads a typed number in `locale`'s language (see above): its canonical decimal string, or the problem. */
export function readTypedNumber(input: string, locale: string): TypedNumber {
  const fail = (problem: TypedNumberProblem): TypedNumber => ({ ok: false, problem });
  let s = input.trim();
  if (s === '') return fail({ kind: 'empty' });
  const negative = /^[-−]/.test(s);
  if (negative) s = s.slice(1);

  // Digit runs and the single marks between them.
  const runs: string[] = [];
  const marks: Mark[] = [];
  let run = '';
  for (const c of s) {
    if (c >= '0' && c <= '9') {
      run += c;
      continue;
    }
    const mark = markOf(c);
    if (mark === undefined) return fail({ kind: 'notNumber' });
    // A mark first is allowed only as a decimal mark (".5"); two marks together never.
    if (run === '' && (runs.length > 0 || mark === 'space' || mark === 'apostrophe'))
      return fail({ kind: 'notNumber' });
    runs.push(run);
    marks.push(mark);
    run = '';
  }
  if (run === '') return fail({ kind: 'notNumber' });
  runs.push(run);

  const convention = conventionOf(locale);
  const dots = marks.filter((m) => m === '.').length;
  const commas = marks.filter((m) => m === ',').length;
  // Index in `marks` of the decimal mark, if any.
  let decimalAt = -1;
  if (dots > 0 && commas > 0) {
    const last = Math.max(marks.lastIndexOf('.'), marks.lastIndexOf(','));
    const kind = marks[last]!;
    if ((kind === '.' ? dots : commas) > 1) return fail({ kind: 'notNumber' });
    decimalAt = last;
  } else if (dots + commas === 1) {
    const at = marks.findIndex((m) => m === '.' || m === ',');
    const kind = marks[at] as '.' | ',';
    const after = runs[at + 1]!;
    const before = runs[at]!;
    const followedByMarks = at < marks.length - 1;
    const otherGroups = at > 0;
    if (followedByMarks) decimalAt = -1;
    else if (after.length !== 3) decimalAt = at;
    else if (otherGroups || before === '' || before.startsWith('0') || before.length > 3) decimalAt = at;
    else if (kind === convention.group) decimalAt = -1;
    else {
      return fail({
        kind: 'ambiguous',
        asDecimal: canonical(negative, before, after),
        asThousands: canonical(negative, before + after, ''),
      });
    }
  }
  // After the decimal mark, digits only.
  if (decimalAt >= 0 && decimalAt !== marks.length - 1) return fail({ kind: 'notNumber' });

  const wholeRuns = decimalAt >= 0 ? runs.slice(0, decimalAt + 1) : runs;
  const groupMarks = decimalAt >= 0 ? marks.slice(0, decimalAt) : marks;
  if (groupMarks.length > 0) {
    if (new Set(groupMarks).size > 1) return fail({ kind: 'grouping' });
    const [first, ...rest] = wholeRuns;
    if (!first || first.length > 3 || first.startsWith('0') || rest.some((g) => g.length !== 3))
      return fail({ kind: 'grouping' });
  }
  const fraction = decimalAt >= 0 ? runs[decimalAt + 1]! : '';
  return { ok: true, value: canonical(negative, wholeRuns.join(''), fraction) };
}

/**
 * A canonical decimal written for editing in `locale`'s language, without thousands separators,
 * so that `readTypedNumber` reads it back as the same value: "1250.5" → "1250,5" in French and
 * German. A fraction of exactly three digits after 1 to 3 digits ("1.234") would read as
 * ambiguous, so it is written with a fourth ("1.2340").
 */
export function typedNumberForInput(value: string, locale: string): string {
  const m = /^(-?)(\d+)(?:\.(\d+))?$/.exec(value);
  if (!m) return value;
  const [, sign, whole, fraction] = m as unknown as [string, string, string, string | undefined];
  if (fraction === undefined) return `${sign}${whole}`;
  const padded = fraction.length === 3 && whole.length <= 3 && !whole.startsWith('0') ? `${fraction}0` : fraction;
  return `${sign}${whole}${conventionOf(locale).decimal}${padded}`;
}

/** The rule a problem breaks, in the API's words (English, as every rule the API names). */
export function typedNumberRule(problem: TypedNumberProblem, typed: string): string {
  switch (problem.kind) {
    case 'empty':
      return 'is required';
    case 'notNumber':
      return 'must be a number written with digits, and "." or "," before the decimals (e.g. 1250.50)';
    case 'grouping':
      return 'has thousands separators in the wrong places: digits between them come in threes (e.g. 1,250,000)';
    case 'ambiguous':
      return `is ambiguous: "${typed.trim()}" could be ${problem.asDecimal} or ${problem.asThousands}; write ${problem.asThousands} or ${problem.asDecimal} without a thousands separator, or with the decimals you mean`;
  }
}
