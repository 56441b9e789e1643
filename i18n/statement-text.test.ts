import { describe, expect, it } from 'vitest';

import {
  buyersInCountries,
  countryList,
  quantityWords,
  type StatementTextInput,
  writeStatementText,
} from './statement-text.js';

/** Issue 18, "Words everywhere": the statement text reads as a person writes, in en, fr and de. */
const input: StatementTextInput = {
  title: 'Zero-emission construction machinery',
  description: 'Electric excavators and loaders for city building sites.',
  buyers: 3,
  buyerCountries: ['NO', 'FI ', 'DK', 'FI'],
  totalValueEur: '4500000',
  deliveryFromYear: 2027,
  deliveryToYear: 2029,
  procurementStart: '2027-03-01',
  items: [
    {
      cpvCode: '43262100-8',
      label: 'Mechanical excavators',
      valueEur: '4000000',
      quantities: [
        { totalQuantity: '9', unit: 'H87' },
        { totalQuantity: '1', unit: 'SET' },
      ],
    },
    {
      cpvCode: '34144900-7',
      label: 'Electric vehicles',
      valueEur: null,
      quantities: [{ totalQuantity: '2', unit: 'H87' }],
    },
  ],
  market: { responses: 1, smeShare: '1', supplierCountries: ['SE'], questionsAnswered: 0 },
};

describe('the statement text', () => {
  it('names countries in the language, as a list', () => {
    expect(countryList(['NO', 'FI', 'DK'], 'en')).toBe('Denmark, Finland and Norway');
    expect(countryList(['NO', 'FI', 'DK'], 'fr')).toBe('Danemark, Finlande et Norvège');
    expect(countryList(['NO', 'FI', 'DK'], 'de')).toBe('Dänemark, Finnland und Norwegen');
  });

  it('writes quantities with the unit name and its plural', () => {
    expect(quantityWords('9', 'H87', 'en')).toBe('9 pieces');
    expect(quantityWords('1', 'H87', 'en')).toBe('1 piece');
    expect(quantityWords('9', 'H87', 'fr')).toBe('9 pièces');
    expect(quantityWords('1500', 'TNE', 'de')).toBe('1.500 Tonnen');
    expect(quantityWords('2', 'XYZ', 'fr', 'widget')).toBe('2 widget');
  });

  it('reads as English prose, without codes or "(s)"', () => {
    const text = writeStatementText(input, 'en');
    expect(text).toContain(
      'The 3 undersigned public buyers, from 3 countries (Denmark, Finland and Norway), state their joint demand for the following',
    );
    expect(text).toContain('for delivery from 2027 to 2029:');
    expect(text).toContain('- Mechanical excavators (CPV 43262100-8): 9 pieces and 1 set, worth €4,000,000.00');
    expect(text).toContain('- Electric vehicles (CPV 34144900-7): not disclosed');
    expect(text).toContain('expected to start on 1 March 2027.');
    expect(text).toContain(
      'Market consultation: one supplier (Sweden) answered the request for information. Share of SMEs among them: 100%. No questions were asked.',
    );
    expect(text).not.toMatch(/\(s\)|\(ies\)|H87|\bFI\b/);
  });

  it('reads as French and German prose, with their plurals', () => {
    const fr = writeStatementText({ ...input, market: { ...input.market, responses: 4, questionsAnswered: 1 } }, 'fr');
    expect(fr).toContain(
      'Les 3 acheteurs publics soussignés (3 pays : Danemark, Finlande et Norvège) déclarent leur demande conjointe',
    );
    expect(fr).toContain('9 pièces et 1 ensemble');
    expect(fr).toContain('4 fournisseurs (Suède) ont répondu');
    expect(fr).toContain('Une question a été posée et a reçu une réponse publique.');
    expect(fr).toContain('le 1 mars 2027');
    const de = writeStatementText(
      { ...input, buyers: 1, buyerCountries: ['FI'], market: { ...input.market, responses: 0, questionsAnswered: 2 } },
      'de',
    );
    expect(de).toContain(
      'Der unterzeichnende öffentliche Auftraggeber (Land: Finnland) erklärt seinen Bedarf an Folgendem',
    );
    expect(de).toContain('9 Stück und 1 Satz, im Wert von 4.000.000,00');
    expect(de).toContain('Kein Lieferant hat die Informationsanfrage beantwortet. 2 Fragen wurden gestellt');
    expect(de).not.toMatch(/\(en\)|Land\/Ländern/);
  });

  it('says a withheld total is withheld, and nothing of its figure', () => {
    const text = writeStatementText({ ...input, totalValueEur: null }, 'en');
    expect(text).toContain(
      'for the following, whose total value is not disclosed, to protect the figures of individual buyers, for delivery from 2027 to 2029:',
    );
    expect(text).not.toContain('4,500,000');
  });

  it("says where demand comes from with plurals, for the suppliers' notice", () => {
    expect(buyersInCountries(3, 2, 'en')).toEqual({ buyers: '3 buyers', countries: 'in 2 countries' });
    expect(buyersInCountries(1, 1, 'en')).toEqual({ buyers: 'one buyer', countries: 'in one country' });
    expect(buyersInCountries(3, 1, 'fr')).toEqual({ buyers: '3 acheteurs', countries: 'dans un pays' });
    expect(buyersInCountries(7, 4, 'de')).toEqual({ buyers: '7 Auftraggebern', countries: 'aus 4 Ländern' });
  });
});
