/**
 * Text folded for search, the same on the server (the CPV labels' `search_text`, the query) and
 * in the web: lower case, accents and other combining marks removed, ß as ss, every run of
 * characters that is not a letter or a digit one space. "Chouleurs mécaniques" and "CHOULEURS
 * mecaniques" fold alike; Greek and Cyrillic letters stay letters.
 */
export function foldForSearch(text: string): string {
  return text
    .normalize('NFD')
    .replace(/\p{M}+/gu, '')
    .toLowerCase()
    .replace(/ß/g, 'ss')
    .replace(/[^\p{L}\p{N}]+/gu, ' ')
    .trim();
}

/** A label as stored for search: its folded words with a space at each end, so " word " matches whole words. */
export function searchTextOf(label: string): string {
  return ` ${foldForSearch(label)} `;
}

/** The folded words of a query, each once, in order; at most `max` of them. */
export function searchWords(query: string, max = 8): string[] {
  const words = foldForSearch(query).split(' ').filter(Boolean);
  return [...new Set(words)].slice(0, max);
}

/** How well one query word matches a label's search text: 0 a whole word (up to two letters of ending: "excavator" in "excavators"), 1 the start of a word, 2 inside a word, undefined not at all. */
export function wordMatch(searchText: string, word: string): 0 | 1 | 2 | undefined {
  if (!searchText.includes(word)) return undefined;
  if (new RegExp(` ${escapeRegExp(word)}[\\p{L}\\p{N}]{0,2} `, 'u').test(searchText)) return 0;
  if (searchText.includes(` ${word}`)) return 1;
  return 2;
}

function escapeRegExp(s: string): string {
  return s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

/**
 * The rank of a CPV label for a query, lower first: how well its worst word matches, then the
 * viewer's language before the others, then the more general code (fewer significant digits)
 * before its specialisations, then the label that names the first word earlier ("Mechanical
 * shovels, excavators" before "Buckets … for cranes or excavators"), then the shorter label. `undefined` when a word is missing.
 * db/reference-data.ts `searchCpv` orders by the same keys in SQL; this is its specification.
 */
export function cpvMatchRank(
  entry: { code8: string; lang: string; searchText: string },
  words: readonly string[],
  viewerLang: string,
): [number, number, number, number, number] | undefined {
  let worst = 0;
  for (const word of words) {
    const m = wordMatch(entry.searchText, word);
    if (m === undefined) return undefined;
    worst = Math.max(worst, m);
  }
  const first = entry.searchText.indexOf(words[0]!);
  return [worst, entry.lang === viewerLang ? 0 : 1, cpvDepth(entry.code8), first, entry.searchText.length];
}

/** Significant digits of a CPV code: 2 for a division (45000000), up to 8. */
export function cpvDepth(code8: string): number {
  return Math.max(2, code8.replace(/0+$/, '').length);
}
