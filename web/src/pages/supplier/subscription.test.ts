import { describe, expect, it } from 'vitest';

import { participatingCountries } from '../../../../domain/organisations';
import { normaliseCpvPrefix } from '../../../../domain/suppliers';
import {
  addOnce,
  buyerCountries,
  coveredBy,
  entryOfPath,
  parseCpvPrefix,
  placeEntryErrors,
  prefixNode,
  searchCountries,
} from './subscription';

describe('CPV prefixes typed or chosen', () => {
  it('reads what a supplier types as the prefix the API stores', () => {
    expect(parseCpvPrefix('4326')).toBe('4326');
    expect(parseCpvPrefix(' 43 26 ')).toBe('4326');
    expect(parseCpvPrefix('43.26')).toBe('4326');
    expect(parseCpvPrefix('43260000-3')).toBe('4326');
    expect(parseCpvPrefix('43262100')).toBe('432621');
    expect(parseCpvPrefix('45000000-7')).toBe('45');
    for (const bad of ['', '4', 'loaders', '123456789', '4326-', '43260000-33'])
      expect(parseCpvPrefix(bad)).toBeUndefined();
  });
  it('agrees with the API for every well-formed entry of a known division', () => {
    for (const text of [
      '45',
      '4326',
      '43260000',
      '43260000-3',
      '34144900',
      '09310000-5',
      '03000000-1',
      '4500000',
      '45000000',
    ]) {
      expect(parseCpvPrefix(text), text).toBe(normaliseCpvPrefix(text));
    }
  });
  it('names the CPV node of a prefix, to show its official label', () => {
    expect(prefixNode('4326')).toBe('43260000');
    expect(prefixNode('43262100')).toBe('43262100');
  });
  it('adds an entry once, and tells a prefix a shorter chosen one covers', () => {
    expect(addOnce(['45'], '4326')).toEqual(['45', '4326']);
    expect(addOnce(['45', '4326'], '4326')).toEqual(['45', '4326']);
    expect(coveredBy('4326', ['43', '4326'])).toBe('43');
    expect(coveredBy('43', ['43', '4326'])).toBeUndefined();
    expect(coveredBy('4326', ['4326', '34'])).toBeUndefined();
  });
});

describe('server errors about list entries', () => {
  it('reads the entry from the path, in either notation', () => {
    expect(entryOfPath('cpvPrefixes[1]')).toEqual({ field: 'cpvPrefixes', index: 1 });
    expect(entryOfPath('cpvPrefixes.0')).toEqual({ field: 'cpvPrefixes', index: 0 });
    expect(entryOfPath('countries')).toEqual({ field: 'countries', index: undefined });
  });
  it('moves an entry error to where the entry is now and names it; a list error keeps its words', () => {
    const errors = [
      { path: 'cpvPrefixes[1]', message: 'must be a CPV prefix', fromServer: true },
      { path: 'countries[0]', message: 'must be an ISO code', fromServer: true },
      { path: 'cpvPrefixes', message: 'must name at most 200 CPV prefixes', fromServer: true },
    ];
    const describe = (entry: string) => `${entry} is wrong`;
    // Sent 45 and 99; since then 34 was added in front.
    expect(placeEntryErrors(errors, 'cpvPrefixes', ['45', '99'], ['34', '45', '99'], describe)).toEqual([
      { path: 'cpvPrefixes', message: '99 is wrong', index: 2 },
      { path: 'cpvPrefixes', message: 'must name at most 200 CPV prefixes', fromServer: true, index: undefined },
    ]);
    // Removed since: still named beside the field, on no chip.
    expect(placeEntryErrors(errors, 'cpvPrefixes', ['45', '99'], ['45'], describe)[0]).toEqual({
      path: 'cpvPrefixes',
      message: '99 is wrong',
      index: undefined,
    });
    expect(placeEntryErrors(errors, 'countries', ['XX'], ['XX'], describe)).toEqual([
      { path: 'countries', message: 'XX is wrong', index: 0 },
    ]);
  });
});

describe('buyers’ countries', () => {
  const names = (locale: string) => {
    const dn = new Intl.DisplayNames([locale], { type: 'region' });
    return (code: string) => dn.of(code) ?? code;
  };
  it('are the API’s EU and EEA countries', () => {
    expect([...buyerCountries].sort()).toEqual([...participatingCountries].sort());
  });
  it('are found by the start of a word of their name in the interface language, without accents, or by code', () => {
    expect(searchCountries('fin', names('en'), 'en')).toEqual(['FI']);
    expect(searchCountries('Allem', names('fr'), 'fr')).toEqual(['DE']);
    expect(searchCountries('österr', names('de'), 'de')).toEqual(['AT']);
    expect(searchCountries('osterr', names('de'), 'de')).toEqual(['AT']);
    expect(searchCountries('espa', names('fr'), 'fr')).toEqual(['ES']);
    expect(searchCountries('no', names('en'), 'en')).toContain('NO');
    expect(searchCountries('bas', names('fr'), 'fr')).toEqual(['NL']); // Pays-Bas
    expect(searchCountries('xyz', names('en'), 'en')).toEqual([]);
  });
  it('list every country not chosen yet, in name order, for an empty query', () => {
    const all = searchCountries('', names('de'), 'de', ['FI']);
    expect(all).toHaveLength(buyerCountries.length - 1);
    expect(all).not.toContain('FI');
    expect(all[0]).toBe('BE'); // Belgien before Bulgarien, Dänemark, Deutschland …
  });
});
