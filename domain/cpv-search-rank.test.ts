import { describe, expect, it } from 'vitest';

import { cpvDepth, cpvMatchRank, foldForSearch, searchTextOf, searchWords, wordMatch } from '../rules/search-text.js';

/** Issue 18, "Words everywhere": CPV search folds accents and case, and ranks as a person expects. */
describe('folding text for search', () => {
  it('removes case and accents, keeps letters of every script, splits on the rest', () => {
    expect(foldForSearch('Chouleurs MÉCANIQUES')).toBe('chouleurs mecaniques');
    expect(foldForSearch('Kübel, Schaufeln, Greifer und Zangen für Kräne')).toBe(
      'kubel schaufeln greifer und zangen fur krane',
    );
    expect(foldForSearch('Straße')).toBe('strasse');
    expect(foldForSearch("Services de réparation et d'entretien")).toBe('services de reparation et d entretien');
    expect(foldForSearch('Αυτοκίνητα — камиони')).toBe('αυτοκινητα камиони');
    expect(searchTextOf('Camions-citernes')).toBe(' camions citernes ');
  });

  it('turns a query into its words, once each, without operators', () => {
    expect(searchWords('  Électrique  BUS bus ')).toEqual(['electrique', 'bus']);
    expect(searchWords("a' & | ! :* %_")).toEqual(['a']);
    expect(searchWords('%_\\')).toEqual([]);
  });
});

describe('ranking CPV labels', () => {
  it('tells a whole word (with a short ending) from the start and the inside of a word', () => {
    expect(wordMatch(searchTextOf('Mechanical excavators'), 'excavator')).toBe(0);
    expect(wordMatch(searchTextOf('Camions articulés'), 'camion')).toBe(0);
    expect(wordMatch(searchTextOf('Camionnettes'), 'camion')).toBe(1);
    expect(wordMatch(searchTextOf('Schwimmbagger'), 'bagger')).toBe(2);
    expect(wordMatch(searchTextOf('Trucks'), 'bagger')).toBeUndefined();
  });

  it('counts the significant digits of a code', () => {
    expect(cpvDepth('45000000')).toBe(2);
    expect(cpvDepth('43260000')).toBe(4);
    expect(cpvDepth('33131124')).toBe(8);
  });

  const rankAll = (entries: { code8: string; lang: string; label: string }[], query: string, lang: string) =>
    entries
      .map((e) => ({ e, rank: cpvMatchRank({ ...e, searchText: searchTextOf(e.label) }, searchWords(query), lang) }))
      .filter((r) => r.rank !== undefined)
      .sort((a, b) => {
        for (let i = 0; i < a.rank!.length; i++) if (a.rank![i] !== b.rank![i]) return a.rank![i]! - b.rank![i]!;
        return a.e.code8.localeCompare(b.e.code8);
      })
      .map((r) => r.e.code8);

  it('puts excavating machinery before dental excavators', () => {
    const entries = [
      { code8: '33131124', lang: 'en', label: 'Dental excavators' },
      { code8: '33131120', lang: 'en', label: 'Dental cryosurgical, gauges, elevators and excavators' },
      { code8: '43262100', lang: 'en', label: 'Mechanical excavators' },
      {
        code8: '43260000',
        lang: 'en',
        label: 'Mechanical shovels, excavators and shovel loaders, and mining machinery',
      },
      { code8: '42420000', lang: 'en', label: 'Buckets, shovels, grabs and grips for cranes or excavators' },
      { code8: '45112400', lang: 'en', label: 'Excavating work' },
    ];
    expect(rankAll(entries, 'excavator', 'en')).toEqual(['43260000', '42420000', '43262100', '33131120', '33131124']);
  });

  it("puts whole words before parts of words, and the viewer's language first among equals", () => {
    const entries = [
      { code8: '34142200', lang: 'de', label: 'Schaufelbagger' },
      { code8: '43262100', lang: 'de', label: 'Mechanische Bagger' },
      { code8: '45252124', lang: 'nl', label: 'Bagger- en pompwerken' },
      { code8: '43260000', lang: 'de', label: 'Löffelbagger, Bagger und Schaufellader sowie Bergbaumaschinen' },
    ];
    expect(rankAll(entries, 'BAGGER', 'de')).toEqual(['43260000', '43262100', '45252124', '34142200']);
    expect(rankAll(entries, 'bägger', 'nl')[0]).toBe('45252124');
  });

  it('needs every word', () => {
    const entries = [
      { code8: '34144910', lang: 'en', label: 'Electric buses' },
      { code8: '34121000', lang: 'en', label: 'Buses and coaches' },
    ];
    expect(rankAll(entries, 'electric bus', 'en')).toEqual(['34144910']);
  });
});
