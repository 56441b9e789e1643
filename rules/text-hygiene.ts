/**
 * Output hygiene for text that people typed (titles, descriptions, names) on its way into other
 * formats: spreadsheets, e-mail headers, XML. Pure functions; every writer of those formats calls
 * these, so the rule lives in one place.
 */

/**
 * Characters removed from every output: C0 controls (U+0000–U+001F) other than tab, line feed and
 * carriage return, DEL and the C1 controls (U+007F–U+009F), the Unicode bidirectional overrides,
 * embeddings and isolates (U+202A–U+202E, U+2066–U+2069, "Trojan Source", CVE-2021-42574), the
 * implicit direction marks (U+200E, U+200F, U+061C), lone UTF-16 surrogates and the non-characters
 * U+FFFE/U+FFFF, none of which XML 1.0 allows or a reader expects in a title.
 */
export const unsafeCharacters = {
  /** C0 controls other than tab (U+0009), line feed (U+000A) and carriage return (U+000D). */
  c0Controls: '\\u0000-\\u0008\\u000B\\u000C\\u000E-\\u001F',
  /** DEL and the C1 controls, U+007F–U+009F (NEL, U+0085, among them). */
  deleteAndC1Controls: '\\u007F-\\u009F',
  /** Bidirectional embeddings, overrides (U+202A–U+202E) and isolates (U+2066–U+2069). */
  bidiControls: '\\u202A-\\u202E\\u2066-\\u2069',
  /** Implicit direction marks: the Arabic letter mark, LRM and RLM. */
  directionMarks: '\\u061C\\u200E\\u200F',
  /** The non-characters U+FFFE and U+FFFF. */
  nonCharacters: '\\uFFFE\\uFFFF',
} as const;

/** A UTF-16 surrogate without its partner: not a character (PostgreSQL refuses it in JSON; UTF-8 cannot carry it). */
export const loneSurrogatePattern = '[\\uD800-\\uDBFF](?![\\uDC00-\\uDFFF])|(?<![\\uD800-\\uDBFF])[\\uDC00-\\uDFFF]';

/** A regular expression matching any character of the given classes (each the body of a `[…]`). */
export const characterClass = (classes: readonly string[], flags = ''): RegExp =>
  new RegExp(`[${classes.join('')}]`, flags);

const UNSAFE = new RegExp(`${characterClass(Object.values(unsafeCharacters)).source}|${loneSurrogatePattern}`, 'g');
const LINE_BREAKS = /[\t\n\r\u0085\u2028\u2029]+/g;

/**
 * Text safe to print: the characters above removed. `singleLine` (titles, e-mail subjects, any
 * header) also turns tabs and line breaks into one space, so a title cannot start a new header
 * line or a new line in a log, and trims the result.
 */
export function cleanText(text: string, options: { singleLine?: boolean } = {}): string {
  if (options.singleLine) return text.replace(LINE_BREAKS, ' ').replace(UNSAFE, '').replace(/ {2,}/g, ' ').trim();
  return text.replace(UNSAFE, '');
}

/** A title or subject: one line, no controls, no direction overrides. */
export const cleanSingleLine = (text: string): string => cleanText(text, { singleLine: true });

const XML_ESCAPES: Record<string, string> = { '<': '&lt;', '>': '&gt;', '&': '&amp;', "'": '&apos;', '"': '&quot;' };

/** Text for XML character data or an attribute value: cleaned (XML 1.0 allows no other controls), then escaped. */
export function xmlText(text: string, options: { singleLine?: boolean } = {}): string {
  return cleanText(text, options).replace(/[<>&'"]/g, (c) => XML_ESCAPES[c]!);
}

/**
 * A spreadsheet cell that cannot be read as a formula (OWASP, "CSV Injection"): a cell that starts
 * with `=`, `+`, `-`, `@`, a tab or a carriage return (or the full-width `＝＋－＠` some spreadsheets
 * also accept) gets a leading `'`, which spreadsheets show as text. A plain number (`-12.5`) stays
 * as it is: it cannot be a formula, and quoting it would turn amounts into text. The cell is also
 * cleaned of controls and direction overrides.
 */
export function spreadsheetCell(value: unknown): string {
  if (value === null || value === undefined) return '';
  if (typeof value === 'number' || typeof value === 'bigint') return String(value);
  if (typeof value === 'boolean') return value ? 'true' : 'false';
  if (value instanceof Date) return value.toISOString();
  const text = cleanText(String(value));
  if (/^[+-]?\d+(\.\d+)?$/.test(text)) return text;
  return /^[=+\-@\t\r＝＋－＠]/.test(text) ? `'${text}` : text;
}

/** A whole row of cells, for `csv-stringify` (or any writer) after neutralising. */
export function spreadsheetRow<K extends string>(
  row: Partial<Record<K, unknown>>,
  columns: readonly K[],
): Record<K, string> {
  return Object.fromEntries(columns.map((c) => [c, spreadsheetCell(row[c])])) as Record<K, string>;
}
