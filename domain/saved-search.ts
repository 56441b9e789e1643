import { foldForSearch, searchWords } from '../rules/search-text.js';

/**
 * Saved searches (issue 19): a supplier's standing query over what is public, the published
 * statements and the open market consultations. This is the one matching rule; the feed and the
 * e-mail fan-out both ask it.
 */
export const savedSearchKinds = ['statement', 'consultation'] as const;
export type SavedSearchKind = (typeof savedSearchKinds)[number];

/** Searches one supplier user may keep: enough for every line of business, few enough to read in one list. */
export const maxSavedSearches = 20;
export const maxSavedSearchWords = 8;
export const maxSavedSearchWordsLength = 200;
export const maxSavedSearchNameLength = 100;
export const maxSavedSearchCpvPrefixes = 50;
export const maxSavedSearchCountries = 60;

export interface SavedSearchCriteria {
  /** As typed; folded here (any language: case and accents do not matter). */
  words: string;
  /** Normalised CPV prefixes (domain/suppliers.ts `normaliseCpvPrefix`); none means any code. */
  cpvPrefixes: readonly string[];
  /** ISO 3166-1 alpha-2 buyers' countries; none means any country. */
  countries: readonly string[];
  kinds: readonly SavedSearchKind[];
}

/** What a public document shows that a search reads: never more than its public page does. */
export interface SearchableDocument {
  kind: SavedSearchKind;
  title: string;
  description: string;
  /** CPV codes, 8 digits (a check digit after a dash is ignored). */
  cpvCodes: readonly string[];
  /** The buyers' countries, as the suppliers' CPV subscription matches them. */
  countries: readonly string[];
}

/**
 * Whether one folded word is in the folded text: at the start of a word always ("bus" in
 * "buses"), inside a word when it has at least 4 letters, so that German and Dutch compounds
 * are found ("bagger" in "minibagger") without short words matching everywhere ("bus" in
 * "business" would).
 */
function wordFound(text: string, word: string): boolean {
  if (text.includes(` ${word}`)) return true;
  return [...word].length >= 4 && text.includes(word);
}

/** A code is matched by a prefix of itself: a CPV node matches every code below it in the tree. */
const code8 = (code: string) => code.replace(/-\d$/, '').slice(0, 8);

/**
 * Whether a document matches a search: its kind is one the search asks for, every word is in its
 * title or description, one of its codes is at or below one of the search's CPV nodes (when it
 * names any), and one of its buyers' countries is one of the search's (when it names any).
 */
export function savedSearchMatches(search: SavedSearchCriteria, doc: SearchableDocument): boolean {
  if (!search.kinds.includes(doc.kind)) return false;
  if (
    search.cpvPrefixes.length > 0 &&
    !search.cpvPrefixes.some((p) => doc.cpvCodes.some((c) => code8(c).startsWith(p)))
  )
    return false;
  if (search.countries.length > 0 && !search.countries.some((c) => doc.countries.includes(c))) return false;
  const words = searchWords(search.words, maxSavedSearchWords);
  if (words.length === 0) return true;
  const text = ` ${foldForSearch(`${doc.title} ${doc.description}`)} `;
  return words.every((w) => wordFound(text, w));
}
