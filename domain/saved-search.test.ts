import { describe, expect, it } from 'vitest';

import { type SavedSearchCriteria, savedSearchMatches, type SearchableDocument } from './saved-search.js';

const search = (s: Partial<SavedSearchCriteria>): SavedSearchCriteria => ({
  words: '',
  cpvPrefixes: [],
  countries: [],
  kinds: ['statement', 'consultation'],
  ...s,
});

const doc: SearchableDocument = {
  kind: 'statement',
  title: 'Zero-emission construction machinery',
  description: 'Elektrische Minibagger und Radlader für Baustellen in Städten',
  cpvCodes: ['43260000', '34144710'],
  countries: ['NO', 'FI'],
};

describe('savedSearchMatches', () => {
  it('matches everything of its kinds when it names nothing else', () => {
    expect(savedSearchMatches(search({}), doc)).toBe(true);
    expect(savedSearchMatches(search({ kinds: ['consultation'] }), doc)).toBe(false);
    expect(savedSearchMatches(search({ kinds: ['consultation'] }), { ...doc, kind: 'consultation' })).toBe(true);
  });

  it('matches a CPV code by itself and by every node above it, never a sibling or a child', () => {
    expect(savedSearchMatches(search({ cpvPrefixes: ['43'] }), doc)).toBe(true); // division
    expect(savedSearchMatches(search({ cpvPrefixes: ['4326'] }), doc)).toBe(true); // class
    expect(savedSearchMatches(search({ cpvPrefixes: ['341447'] }), doc)).toBe(true); // utility vehicles above wheeled loaders
    expect(savedSearchMatches(search({ cpvPrefixes: ['34144710'] }), doc)).toBe(true); // the code itself
    expect(savedSearchMatches(search({ cpvPrefixes: ['4325'] }), doc)).toBe(false); // a sibling class
    expect(savedSearchMatches(search({ cpvPrefixes: ['432611'] }), doc)).toBe(false); // below the statement's code
    expect(savedSearchMatches(search({ cpvPrefixes: ['4325', '45'] }), doc)).toBe(false);
    expect(savedSearchMatches(search({ cpvPrefixes: ['4325', '34'] }), doc)).toBe(true); // any of them
  });

  it('reads a check digit on the document’s codes as no part of the code', () => {
    expect(savedSearchMatches(search({ cpvPrefixes: ['45'] }), { ...doc, cpvCodes: ['45000000-7'] })).toBe(true);
  });

  it('matches one of the buyers’ countries when it names any', () => {
    expect(savedSearchMatches(search({ countries: ['FI'] }), doc)).toBe(true);
    expect(savedSearchMatches(search({ countries: ['DE', 'NO'] }), doc)).toBe(true);
    expect(savedSearchMatches(search({ countries: ['DE'] }), doc)).toBe(false);
  });

  it('finds every word in the title or description, whatever the case and accents', () => {
    expect(savedSearchMatches(search({ words: 'MACHINERY zero' }), doc)).toBe(true);
    expect(savedSearchMatches(search({ words: 'stadten radlader' }), doc)).toBe(true); // ä folded
    expect(savedSearchMatches(search({ words: 'machinery trucks' }), doc)).toBe(false); // every word
    expect(savedSearchMatches(search({ words: 'bagger' }), doc)).toBe(true); // inside a compound
    expect(savedSearchMatches(search({ words: 'construct' }), doc)).toBe(true); // start of a word
    expect(savedSearchMatches(search({ words: 'ion' }), doc)).toBe(false); // short words only at a word's start
    expect(savedSearchMatches(search({ words: '  ,;  ' }), doc)).toBe(true); // no words at all
  });

  it('needs every criterion it names at once', () => {
    const all = search({ words: 'bagger', cpvPrefixes: ['43'], countries: ['NO'], kinds: ['statement'] });
    expect(savedSearchMatches(all, doc)).toBe(true);
    expect(savedSearchMatches({ ...all, countries: ['SE'] }, doc)).toBe(false);
    expect(savedSearchMatches({ ...all, cpvPrefixes: ['44'] }, doc)).toBe(false);
    expect(savedSearchMatches({ ...all, words: 'kran' }, doc)).toBe(false);
  });

  it('matches Greek and Cyrillic words as words', () => {
    const greek = { ...doc, title: 'Ηλεκτρικά λεωφορεία', description: '' };
    expect(savedSearchMatches(search({ words: 'ΛΕΩΦΟΡΕΊΑ' }), greek)).toBe(true);
  });
});
