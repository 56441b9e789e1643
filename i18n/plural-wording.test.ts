import { describe, expect, it } from 'vitest';

import { catalogues, translatorFor } from './index.js';
import { buyersInCountries } from './statement-text.js';

/** Every string of a catalogue, with its key. */
function strings(tree: unknown, prefix = ''): [string, string][] {
  if (typeof tree === 'string') return [[prefix, tree]];
  return Object.entries(tree as Record<string, unknown>).flatMap(([k, v]) => strings(v, prefix ? `${prefix}.${k}` : k));
}

/** "line(s)", "country(ies)", "acheteur(s)", "Auftraggeber(n)", "Position(en)", "Land/Ländern": a count the text did not read. */
const machinePlural = /\w\((?:s|es|ies|e|n|en)\)|\bLand\/Ländern?\b/;

describe('e-mails say counts as a person would, in every language (issue 18, words)', () => {
  it('has no "(s)"-style plural left in the server catalogues', () => {
    for (const [locale, catalogue] of Object.entries(catalogues)) {
      const offending = strings(catalogue).filter(([, text]) => machinePlural.test(text));
      expect(offending.map(([key, text]) => `${locale} ${key}: ${text.slice(0, 80)}`)).toEqual([]);
    }
  });

  it('words one and many in each language', () => {
    const en = translatorFor('en');
    const fr = translatorFor('fr');
    const de = translatorFor('de');
    expect(en('words.needLines', { count: 1 })).toBe('one need line');
    expect(en('words.needLines', { count: 3 })).toBe('3 need lines');
    expect(fr('words.needLines', { count: 3 })).toBe('3 lignes de besoin');
    expect(de('words.needLines', { count: 1 })).toBe('einer Bedarfsposition');
    expect(en('words.pilots', { count: 1 })).toBe('one pilot');
    expect(de('words.pilots', { count: 4 })).toBe('4 Pilotvorhaben');
    expect(en('words.stageChanges', { count: 2 })).toBe('2 stage changes');
    expect(fr('words.stageChanges', { count: 1 })).toBe('un changement d’étape');
    expect(en('mail.approvalDeadlinePassed.missing', { count: 1, version: '2' })).toBe(
      'one organisation has not approved version 2. Publish without it (it will not be a signatory)',
    );
    expect(de('mail.approvalDeadlinePassed.missing', { count: 3, version: '2' })).toBe(
      '3 Organisationen haben Version 2 nicht genehmigt. Veröffentlichen Sie ohne sie (sie unterzeichnen dann nicht)',
    );
    const { buyers, countries } = buyersInCountries(7, 4, 'en');
    expect(
      en('mail.weeklyDigest.totals', { pilots: en('words.pilots', { count: 3 }), buyers, countries, value: '€1.00' }),
    ).toBe('In all: 3 pilots, €1.00 of aggregated demand from 7 buyers in 4 countries.');
  });
});
