import { z } from 'zod';

import { characterClass, loneSurrogatePattern, unsafeCharacters } from './text-hygiene.js';

/**
 * One policy for every string that enters: what people type (names, titles, labels, reasons,
 * descriptions) is checked and normalised once, at the door, by the schema of the request, so no
 * later step (a PostgreSQL write inside an activity, an e-mail header, an XML export) meets a NUL,
 * half a surrogate pair or a right-to-left override it cannot handle. The same pure functions run
 * in the browser, so a form shows the same rule beside its field before anything is sent.
 *
 * `text-hygiene.ts` cleans text on its way out (for stored text older than this policy, and for
 * formats with stricter rules); both read the same character classes.
 */

/**
 * The kinds of text. Single-line kinds (a name, a title, a short line such as a label) refuse tabs,
 * line breaks and bidirectional controls: a title ends up in e-mail subjects, logs and file names,
 * where a line break starts a new header and an override reorders what a reader sees ("Trojan
 * Source"). Multi-line kinds keep tabs and line feeds (a carriage return becomes a line feed) and
 * bidirectional controls, which right-to-left prose may need.
 */
export const textKinds = {
  /** An organisation's or a person's name. */
  name: { multiline: false, max: 200, words: 'a name on one line' },
  /** A statement's title. */
  title: { multiline: false, max: 200, words: 'a title on one line' },
  /** A short line: a question or option label, a search query, a clause number, a code as typed. */
  line: { multiline: false, max: 500, words: 'one line of text' },
  /** A reason, a comment, a question or an answer: several lines. */
  paragraph: { multiline: true, max: 5000, words: 'text of one or more lines' },
  /** A long text: a statement's description. */
  document: { multiline: true, max: 20_000, words: 'text of one or more lines' },
} as const satisfies Record<string, { multiline: boolean; max: number; words: string }>;

export type TextKind = keyof typeof textKinds;

/** The rules, each with the message a caller sees (the web translates them by `rule`). */
export const textRules = {
  wellFormed: 'must be well-formed Unicode (no lone surrogates)',
  noControls: 'must not contain control characters',
  singleLine: 'must be a single line (no line breaks or tabs)',
  noBidiControls: 'must not contain bidirectional control characters',
  noNonCharacters: 'must not contain the non-characters U+FFFE or U+FFFF',
} as const;

export type CharacterRule = keyof typeof textRules;

const loneSurrogate = new RegExp(loneSurrogatePattern);
const controls = characterClass([unsafeCharacters.c0Controls, unsafeCharacters.deleteAndC1Controls]);
const lineBreaks = /[\t\n\r\u2028\u2029]/;
const bidiControls = characterClass([unsafeCharacters.bidiControls]);
const nonCharacters = characterClass([unsafeCharacters.nonCharacters]);

/**
 * The character rules `value` breaks, in a fixed order; empty when it keeps them all. Checked on
 * the text as sent: normalising never adds a forbidden character.
 */
export function characterProblems(kind: TextKind, value: string): CharacterRule[] {
  const problems: CharacterRule[] = [];
  if (loneSurrogate.test(value)) problems.push('wellFormed');
  if (controls.test(value)) problems.push('noControls');
  const { multiline } = textKinds[kind];
  if (!multiline && lineBreaks.test(value)) problems.push('singleLine');
  if (!multiline && bidiControls.test(value)) problems.push('noBidiControls');
  if (nonCharacters.test(value)) problems.push('noNonCharacters');
  return problems;
}

/**
 * The text as it is stored: line breaks as line feeds (CR LF and CR become LF), composed (NFC,
 * so "é" typed as e + U+0301 and "é" typed at once are the same text, sort and search alike),
 * trimmed.
 */
export function normaliseText(value: string): string {
  return value.replace(/\r\n?/g, '\n').normalize('NFC').trim();
}

export interface TextLimits {
  /** Least length after normalising; 0 (the default) allows an empty text. */
  min?: number;
  /**
   * Greatest length after normalising, defaults to the kind's. Lengths count characters (code
   * points), as zod and JSON Schema's `maxLength` do; an HTML `maxlength` counts UTF-16 units,
   * which is stricter only for characters beyond the BMP (emoji).
   */
  max?: number;
  /** The message when shorter than `min` (defaults to "must not be empty" or "must be at least N characters"). */
  minRule?: string;
}

export interface TextLimitsResolved {
  min: number;
  max: number;
  minRule: string;
  maxRule: string;
}

export function textLimits(kind: TextKind, limits: TextLimits = {}): TextLimitsResolved {
  const min = limits.min ?? 0;
  const max = limits.max ?? textKinds[kind].max;
  return {
    min,
    max,
    minRule: limits.minRule ?? (min <= 1 ? 'must not be empty' : `must be at least ${min} characters`),
    maxRule: `must be at most ${max} characters`,
  };
}

/** Characters (code points), not UTF-16 units: "🚀" is one. */
export const characterCount = (value: string): number => {
  let n = 0;
  for (const _ of value) n++;
  return n;
};

export type TextProblem =
  { rule: CharacterRule; message: string } | { rule: 'tooShort' | 'tooLong'; message: string; limit: number };

/**
 * The first rule `value` breaks (character rules first, then length after normalising), or
 * undefined: what a form shows beside its field before sending.
 */
export function textProblem(kind: TextKind, value: string, limits: TextLimits = {}): TextProblem | undefined {
  const [character] = characterProblems(kind, value);
  if (character) return { rule: character, message: textRules[character] };
  const { min, max, minRule, maxRule } = textLimits(kind, limits);
  const length = characterCount(normaliseText(value));
  if (length < min) return { rule: 'tooShort', message: minRule, limit: min };
  if (length > max) return { rule: 'tooLong', message: maxRule, limit: max };
  return undefined;
}

/** The rule in words, for the OpenAPI document. */
export function describeText(kind: TextKind, limits: TextLimits = {}): string {
  const { min, max } = textLimits(kind, limits);
  const { multiline, words } = textKinds[kind];
  const length = min > 0 ? `${min} to ${max} characters` : `at most ${max} characters`;
  const controls = multiline
    ? 'no control characters (U+0000–U+001F, U+007F–U+009F) but tab and line break (CR LF is stored as LF)'
    : 'no control characters (U+0000–U+001F, U+007F–U+009F), no tabs, line breaks or bidirectional controls (U+202A–U+202E, U+2066–U+2069)';
  return `Text policy: ${words}, ${length}; well-formed Unicode, ${controls}, no U+FFFE/U+FFFF; stored NFC-normalised and trimmed.`;
}

const requiredOr = (rule: string) => (issue: { input?: unknown }) => (issue.input === undefined ? 'is required' : rule);

/**
 * A zod string under the policy: the character rules, then NFC and trimming (an overwrite, so the
 * schema stays a ZodString and the OpenAPI document keeps its `maxLength`), then the length.
 * `description` is prefixed to the rule in words.
 */
export function text(kind: TextKind, limits: TextLimits & { description?: string } = {}) {
  const { min, max, minRule, maxRule } = textLimits(kind, limits);
  let schema = z
    .string({ error: requiredOr('must be text') })
    .superRefine((value, ctx) => {
      for (const rule of characterProblems(kind, value))
        ctx.addIssue({ code: 'custom', message: textRules[rule], input: value });
    })
    .overwrite(normaliseText);
  if (min > 0) schema = schema.min(min, minRule);
  const rule = describeText(kind, limits);
  return schema.max(max, maxRule).meta({ description: limits.description ? `${limits.description}. ${rule}` : rule });
}

const headerDropped = characterClass(
  [
    unsafeCharacters.c0Controls,
    unsafeCharacters.deleteAndC1Controls,
    unsafeCharacters.bidiControls,
    unsafeCharacters.nonCharacters,
  ],
  'g',
);
const headerLoneSurrogates = new RegExp(loneSurrogatePattern, 'g');

/** How much of a header is kept: a real User-Agent is well under 300 characters. */
export const headerTextMax = 300;

/**
 * A request header kept for people to read later (a session's User-Agent, listed on the account
 * page). It is not text a person typed, so unlike the kinds above it is never refused: a browser
 * or a script sends what it sends, and refusing a sign-in over an odd User-Agent would lock the
 * person out for nothing. It is cleaned instead, so that what is stored can always be stored and
 * shown on one line: controls (C0, DEL, and C1, which a header's latin-1 bytes 0x7F–0x9F decode
 * to; NUL, which PostgreSQL refuses, if a caller other than Node's HTTP parser passes one), line
 * breaks, bidirectional controls, non-characters and lone surrogates are dropped, runs of spaces
 * become one, and it is cut to `max` characters (code points, so a surrogate pair is never
 * split). Null when nothing is left.
 */
export function cleanHeaderText(value: string | null | undefined, max = headerTextMax): string | null {
  if (typeof value !== 'string') return null;
  // A long header is cut first (with room for what cleaning removes), so a 10 KB value is not scanned whole.
  const head = value.length > max * 4 ? value.slice(0, max * 4) : value;
  const cleaned = head
    .replace(headerLoneSurrogates, '')
    .replace(headerDropped, '')
    .replace(/[\s\u2028\u2029]+/g, ' ')
    .trim();
  const kept = Array.from(cleaned).slice(0, max).join('').trim();
  return kept === '' ? null : kept;
}
