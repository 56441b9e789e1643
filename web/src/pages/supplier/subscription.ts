import { participatingCountries } from '@jointdemand/rules/countries';

import type { FieldError } from '../../forms/field-error';

/**
 * The rules of the subscription form, kept apart from React so they can be tested alone. They
 * mirror the API's (domain/suppliers.ts `normaliseCpvPrefix`): a CPV prefix is 2 to 8 digits; a
 * full code with trailing zeros is the node above it (43260000-3 is "4326"). Whether the
 * division exists is the server's to say, beside the field.
 */

/** The EU Member States and the EEA states outside the EU: the countries buyers come from. */
export const buyerCountries = [...participatingCountries].sort();

/** The prefix a typed text stands for ("4326", "43 26", "43260000-3" → "4326"), or undefined. */
export function parseCpvPrefix(text: string): string | undefined {
  const m = /^(\d{2,8})(?:-\d)?$/.exec(text.trim().replace(/[\s.]/g, ''));
  if (!m) return undefined;
  const digits = m[1]!;
  if (digits.length < 8) return digits;
  const trimmed = digits.replace(/0+$/, '');
  return trimmed.length < 2 ? trimmed.padEnd(2, '0') : trimmed;
}

/** The 8-digit CPV node a prefix names ("4326" → "43260000"), to look up its official label. */
export function prefixNode(prefix: string): string {
  return prefix.padEnd(8, '0');
}

/** Adds an item once, keeping the order chosen. */
export function addOnce(list: readonly string[], item: string): string[] {
  return list.includes(item) ? [...list] : [...list, item];
}

/** A chosen prefix that a shorter chosen prefix already covers ("4326" under "43"). */
export function coveredBy(prefix: string, chosen: readonly string[]): string | undefined {
  return chosen.find((p) => p !== prefix && prefix.startsWith(p));
}

/**
 * The server names a wrong entry by its index (`cpvPrefixes[1]`, or `cpvPrefixes.1`); this gives
 * the field and the index, so the message can stand beside the field and name the entry.
 */
export function entryOfPath(path: string): { field: string; index: number | undefined } {
  const m = /^([A-Za-z]+)(?:\[(\d+)\]|\.(\d+))?$/.exec(path);
  if (!m) return { field: path, index: undefined };
  const index = m[2] ?? m[3];
  return { field: m[1]!, index: index === undefined ? undefined : Number(index) };
}

/** The errors about one list field (the list itself, or any of its entries). */
export function errorsOf(errors: readonly FieldError[], field: string): (FieldError & { index: number | undefined })[] {
  return errors.flatMap((e) => {
    const entry = entryOfPath(e.path);
    return entry.field === field ? [{ ...e, index: entry.index }] : [];
  });
}

/** Folds accents and case, so "osterr" finds "Österreich" and "espana" finds "España". */
export function fold(text: string): string {
  return text.normalize('NFD').replace(/\p{M}/gu, '').toLocaleLowerCase('en');
}

/**
 * Countries whose name (in the interface language) or code matches the query: a code exactly,
 * or a name by the start of any of its words. With no query, every country. In name order.
 */
export function searchCountries(
  query: string,
  nameOf: (code: string) => string,
  locale: string,
  exclude: readonly string[] = [],
): string[] {
  const q = fold(query.trim());
  const collator = new Intl.Collator(locale);
  return buyerCountries
    .filter((code) => !exclude.includes(code))
    .filter((code) => {
      if (!q) return true;
      if (code.toLowerCase() === q) return true;
      const name = fold(nameOf(code));
      return name.startsWith(q) || name.split(/[\s-]+/).some((w) => w.startsWith(q));
    })
    .sort((a, b) => collator.compare(nameOf(a), nameOf(b)));
}

/**
 * The errors about one list field, each entry error moved to where that entry is now (the server
 * counted in what was sent; the list may have changed since) and worded by `describe`, which
 * names the entry. A list error (too many, none) keeps the server's words.
 */
export function placeEntryErrors(
  errors: readonly FieldError[],
  field: string,
  sent: readonly string[] | undefined,
  current: readonly string[],
  describe: (entry: string) => string,
): (FieldError & { index: number | undefined })[] {
  return errorsOf(errors, field).map((e) => {
    const entry = e.index === undefined ? undefined : sent?.[e.index];
    if (entry === undefined) return { ...e, path: field };
    const at = current.indexOf(entry);
    return { path: field, message: describe(entry), index: at >= 0 ? at : undefined };
  });
}
