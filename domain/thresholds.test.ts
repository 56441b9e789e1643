import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';

import fc from 'fast-check';
import { describe, expect, it } from 'vitest';

import { CPV_FILE, locateReferenceData } from '../db/reference-data-files.js';
import type { ConfirmedNeed, ConfirmedNeedBuyer, ConfirmedNeedLine } from './aggregation.js';
import { aggregateDemand } from './aggregation.js';
import { DomainError } from './errors.js';
import { addDecimals, compareDecimals } from './money.js';
import type { BuyerLegalType } from './organisations.js';
import { buyerLegalTypes } from './organisations.js';
import type { AuthorityCategory, ProcurementNature, ThresholdPeriod } from './thresholds.js';
import {
  annexXivSubset,
  authorityCategory,
  checkEuThresholds,
  euThresholdPeriods,
  procurementNature,
  procurementNatures,
  selectThresholdPeriod,
} from './thresholds.js';

const rates = { date: '2026-11-20', source: 'ECB', rates: { SEK: '11' } };

const buyer = (orgId: string, buyerLegalType: string, name = `Buyer ${orgId}`): ConfirmedNeedBuyer => ({
  orgId,
  name,
  country: 'FI',
  buyerLegalType,
});

const helsinki = buyer('org-hel', 'la', 'Helsingin kaupunki');

/** A need line worth exactly `valueEur` (quantity 1 at that unit price, in EUR). */
function need(
  who: ConfirmedNeedBuyer,
  cpvCode: string,
  valueEur: string,
  overrides: Partial<ConfirmedNeedLine> = {},
): ConfirmedNeed {
  return {
    buyer: who,
    versionId: `v-${who.orgId}`,
    line: {
      cpvCode,
      quantity: '1',
      unit: 'C62',
      unitPrice: valueEur,
      currency: 'EUR',
      delivery: { fromYear: 2026, toYear: 2026 },
      optionalQuantity: '0',
      renewals: { count: 0, quantityEach: '0' },
      frameworkMonths: null,
      ...overrides,
    },
  };
}

const supplies = '34144900'; // electric vehicles
const works = '45000000';
const services = '90910000'; // cleaning
const social = '85100000'; // health services, inside the Annex XIV range 85000000-85323000

describe('threshold periods (data)', () => {
  it('hold the values of the design’s table, per period', () => {
    const [first, second] = euThresholdPeriods;
    expect(first).toMatchObject({ validFrom: '2024-01-01', validTo: '2025-12-31' });
    expect(first!.thresholds).toEqual({
      central: { works: '5538000', supplies: '143000', services: '143000', 'social-services': '750000' },
      'sub-central': { works: '5538000', supplies: '221000', services: '221000', 'social-services': '750000' },
      utilities: { works: '5538000', supplies: '443000', services: '443000', 'social-services': '1000000' },
    });
    expect(second).toMatchObject({ validFrom: '2026-01-01', validTo: '2027-12-31' });
    expect(second!.thresholds).toEqual({
      central: { works: '5404000', supplies: '140000', services: '140000', 'social-services': '750000' },
      'sub-central': { works: '5404000', supplies: '216000', services: '216000', 'social-services': '750000' },
      utilities: { works: '5404000', supplies: '432000', services: '432000', 'social-services': '1000000' },
    });
  });

  it('cite their delegated regulations', () => {
    expect(euThresholdPeriods[0]!.legalBasis.join(' ')).toMatch(/2023\/2495.*2023\/2496.*2023\/2497.*2023\/2510/);
    expect(euThresholdPeriods[1]!.legalBasis.join(' ')).toMatch(/2025\/2150.*2025\/2151.*2025\/2152.*2025\/2487/);
  });

  it('follow one another without gap or overlap, and the central threshold is never above the sub-central', () => {
    for (let i = 1; i < euThresholdPeriods.length; i++) {
      const dayAfter = new Date(`${euThresholdPeriods[i - 1]!.validTo}T00:00:00Z`);
      dayAfter.setUTCDate(dayAfter.getUTCDate() + 1);
      expect(euThresholdPeriods[i]!.validFrom).toBe(dayAfter.toISOString().slice(0, 10));
    }
    for (const period of euThresholdPeriods) {
      for (const nature of procurementNatures) {
        expect(
          compareDecimals(period.thresholds.central[nature], period.thresholds['sub-central'][nature]),
        ).toBeLessThanOrEqual(0);
        expect(
          compareDecimals(period.thresholds['sub-central'][nature], period.thresholds.utilities[nature]),
        ).toBeLessThanOrEqual(0);
      }
    }
  });
});

describe('selectThresholdPeriod', () => {
  it('changes period between 31 December 2025 and 1 January 2026', () => {
    expect(selectThresholdPeriod('2025-12-31')).toEqual({ period: euThresholdPeriods[0], provisional: false });
    expect(selectThresholdPeriod('2026-01-01')).toEqual({ period: euThresholdPeriods[1], provisional: false });
  });

  it('includes both ends of a period', () => {
    expect(selectThresholdPeriod('2024-01-01').period.validFrom).toBe('2024-01-01');
    expect(selectThresholdPeriod('2027-12-31')).toMatchObject({
      period: { validFrom: '2026-01-01' },
      provisional: false,
    });
  });

  it('uses the latest known period, provisionally, after all periods', () => {
    const selected = selectThresholdPeriod('2028-01-01');
    expect(selected.period).toBe(euThresholdPeriods[1]);
    expect(selected.provisional).toBe(true);
    expect(selected.note).toBe(
      'No EU thresholds are known for 2028-01-01; the latest known values (2026-01-01 to 2027-12-31) are used provisionally.',
    );
  });

  it('uses the earliest known period, provisionally, before all periods', () => {
    const selected = selectThresholdPeriod('2023-12-31');
    expect(selected.period).toBe(euThresholdPeriods[0]);
    expect(selected.provisional).toBe(true);
    expect(selected.note).toContain('the earliest known values (2024-01-01 to 2025-12-31)');
  });

  it('in a gap between periods, uses the one before the gap', () => {
    const later: ThresholdPeriod = { ...euThresholdPeriods[1]!, validFrom: '2030-01-01', validTo: '2031-12-31' };
    const selected = selectThresholdPeriod('2029-06-30', [euThresholdPeriods[0]!, euThresholdPeriods[1]!, later]);
    expect(selected).toMatchObject({ period: { validFrom: '2026-01-01' }, provisional: true });
  });

  it('refuses what is not a date, naming the field', () => {
    expect(() => selectThresholdPeriod('2026-02-30')).toThrow(DomainError);
    try {
      selectThresholdPeriod('1 January 2026');
    } catch (error) {
      expect((error as DomainError).code).toBe('invalid_input');
      expect((error as DomainError).problems[0]!.field).toBe('expectedProcurementStart');
    }
  });

  it('is never provisional inside 2024-2027 and always provisional outside', () => {
    const dates = fc
      .date({ min: new Date('2015-01-01T00:00:00Z'), max: new Date('2035-12-31T00:00:00Z'), noInvalidDate: true })
      .map((d) => d.toISOString().slice(0, 10));
    fc.assert(
      fc.property(dates, (date) => {
        const { period, provisional } = selectThresholdPeriod(date);
        const inside = date >= '2024-01-01' && date <= '2027-12-31';
        expect(provisional).toBe(!inside);
        if (inside) expect(period.validFrom <= date && date <= period.validTo).toBe(true);
        else expect(period).toBe(date < '2024-01-01' ? euThresholdPeriods[0] : euThresholdPeriods[1]);
      }),
    );
  });
});

describe('procurementNature', () => {
  it.each([
    ['45000000', 'works'],
    ['45213100-0', 'works'],
    ['34144900', 'supplies'],
    ['48000000', 'supplies'],
    ['90910000', 'services'],
    ['64200000', 'services'], // telecommunications: not the postal part of Annex XIV
    ['98300000', 'services'], // miscellaneous services: not listed
    ['85000000-9', 'social-services'],
    ['85323000', 'social-services'],
    ['80000000', 'social-services'],
    ['80660000', 'social-services'],
    ['92000000', 'social-services'],
    ['98131000', 'social-services'],
    ['55500000', 'social-services'],
    ['55510000', 'social-services'],
    ['55521000', 'social-services'],
    ['79995000', 'social-services'],
    ['75300000', 'social-services'],
    ['75231200', 'social-services'],
    ['79611000', 'social-services'],
    ['75200000', 'social-services'],
  ] as Array<[string, ProcurementNature]>)('%s is %s', (code, nature) => {
    expect(procurementNature(code)).toBe(nature);
  });

  it('refuses what is not a CPV code', () => {
    expect(() => procurementNature('12345678')).toThrow(DomainError);
  });
});

describe('the Annex XIV subset', () => {
  // The official list from the shared data folder, found like the reference import finds it.
  const dataDir = locateReferenceData();
  const listPath = dataDir ? join(dataDir, CPV_FILE) : '';

  it('lists ranges in order, of services only', () => {
    for (const entry of annexXivSubset) {
      expect(entry.from.slice(0, 8) <= (entry.to ?? entry.from).slice(0, 8)).toBe(true);
      expect(procurementNature(entry.from)).toBe('social-services');
      expect(procurementNature(entry.to ?? entry.from)).toBe('social-services');
    }
  });

  it('names real CPV codes with their official check digits', () => {
    expect(existsSync(listPath), 'the CPV list in the shared data folder (REFERENCE_DATA_DIR)').toBe(true);
    const official = JSON.parse(readFileSync(listPath, 'utf8')) as Record<string, string>;
    const unknown = annexXivSubset.flatMap((e) => [e.from, e.to ?? e.from]).filter((code) => !(code in official));
    expect(unknown).toEqual([]);
  });
});

describe('authorityCategory', () => {
  it('puts only central government authorities (Annex I) in the central column', () => {
    expect(authorityCategory('cga')).toBe('central');
    expect(authorityCategory('body-pl-cga')).toBe('sub-central');
    expect(authorityCategory('la')).toBe('sub-central');
    expect(authorityCategory('ra')).toBe('sub-central');
  });

  it('puts public undertakings and special-rights entities under the utilities Directive', () => {
    expect(authorityCategory('pub-undert-la')).toBe('utilities');
    expect(authorityCategory('spec-rights-entity')).toBe('utilities');
  });

  it('treats an unknown code as sub-central, and maps every eForms code', () => {
    expect(authorityCategory('not-a-type')).toBe('sub-central');
    expect(authorityCategory('toString')).toBe('sub-central');
    for (const type of Object.keys(buyerLegalTypes))
      expect(['central', 'sub-central', 'utilities']).toContain(authorityCategory(type));
  });
});

describe('checkEuThresholds', () => {
  const check = (needs: ConfirmedNeed[], start = '2026-06-01') =>
    checkEuThresholds(aggregateDemand(needs, rates), start);

  it.each([
    ['216000', 'at-or-above', '0.00'],
    ['215999.99', 'below', '0.01'],
    ['216000.01', 'at-or-above', '0.01'],
  ])('a sub-central supplies contract of %s EUR is %s the 2026 threshold by %s', (value, position, difference) => {
    const [result] = check([need(helsinki, supplies, value)]).natures;
    expect(result).toMatchObject({
      nature: 'supplies',
      thresholdEur: '216000.00',
      estimatedValueEur: value.includes('.') ? value : `${value}.00`,
      position,
      differenceEur: difference,
    });
  });

  it('decides to the cent: conversion residue below a cent does not tip the balance either way', () => {
    expect(check([need(helsinki, supplies, '215999.995')]).natures[0]).toMatchObject({
      estimatedValueEur: '216000.00',
      position: 'at-or-above',
    });
    expect(check([need(helsinki, supplies, '215999.994999')]).natures[0]).toMatchObject({
      estimatedValueEur: '215999.99',
      position: 'below',
    });
  });

  it('is exact at every boundary: position and difference follow the cents', () => {
    const categories: Array<[AuthorityCategory, BuyerLegalType]> = [
      ['central', 'cga'],
      ['sub-central', 'la'],
      ['utilities', 'pub-undert'],
    ];
    const natureCodes: Record<ProcurementNature, string> = { works, supplies, services, 'social-services': social };
    fc.assert(
      fc.property(
        fc.constantFrom(...categories),
        fc.constantFrom(...procurementNatures),
        fc.constantFrom('2025-06-30', '2026-06-30'),
        // The boundary itself and one cent either side every time, then anywhere within 10 000 EUR.
        fc.oneof(fc.constantFrom(-1, 0, 1), fc.integer({ min: -1_000_000, max: 1_000_000 })),
        ([category, legalType], nature, start, offsetCents) => {
          const threshold = selectThresholdPeriod(start).period.thresholds[category][nature];
          const sign = offsetCents < 0 ? '-' : '';
          const abs = Math.abs(offsetCents);
          const offset = `${sign}${Math.floor(abs / 100)}.${String(abs % 100).padStart(2, '0')}`;
          const value = addDecimals(threshold, offset);
          const [result] = checkEuThresholds(
            aggregateDemand([need(buyer('org-x', legalType), natureCodes[nature], value)], rates),
            start,
          ).natures;
          expect(result!.nature).toBe(nature);
          expect(result!.position).toBe(offsetCents >= 0 ? 'at-or-above' : 'below');
          expect(result!.differenceEur).toBe(`${Math.floor(abs / 100)}.${String(abs % 100).padStart(2, '0')}`);
        },
      ),
    );
  }, 120_000);

  it('values a line with its options and renewals (Art. 5)', () => {
    // 100 firm + 20 optional + 2 renewals × 40 = 200 units at 1000 EUR: 200 000, not 100 000.
    const result = check([
      need(helsinki, supplies, '1000', {
        quantity: '100',
        optionalQuantity: '20',
        renewals: { count: 2, quantityEach: '40' },
      }),
    ]);
    expect(result.natures[0]).toMatchObject({
      estimatedValueEur: '200000.00',
      position: 'below',
      differenceEur: '16000.00',
    });
  });

  it('checks each contract nature present against its own threshold, in a fixed order', () => {
    const result = check([
      need(helsinki, social, '800000'),
      need(helsinki, services, '50000'),
      need(helsinki, supplies, '100000'),
      need(helsinki, works, '6000000'),
    ]);
    expect(
      result.natures.map((n) => [n.nature, n.estimatedValueEur, n.thresholdEur, n.position, n.differenceEur]),
    ).toEqual([
      ['works', '6000000.00', '5404000.00', 'at-or-above', '596000.00'],
      ['supplies', '100000.00', '216000.00', 'below', '116000.00'],
      ['services', '50000.00', '216000.00', 'below', '166000.00'],
      ['social-services', '800000.00', '750000.00', 'at-or-above', '50000.00'],
    ]);
    expect(result.estimatedValueEur).toBe('6950000.00');
    expect(result.atOrAboveAny).toBe(true);
  });

  it('uses the 2024-25 threshold on 31 December 2025 and the 2026-27 one on 1 January 2026', () => {
    const needs = [need(helsinki, supplies, '218000')];
    expect(check(needs, '2025-12-31').natures[0]).toMatchObject({
      thresholdEur: '221000.00',
      position: 'below',
      differenceEur: '3000.00',
      provisional: false,
    });
    expect(check(needs, '2026-01-01').natures[0]).toMatchObject({
      thresholdEur: '216000.00',
      position: 'at-or-above',
      differenceEur: '2000.00',
      provisional: false,
    });
  });

  it('marks a check outside all known periods provisional, with the note', () => {
    const result = check([need(helsinki, supplies, '1')], '2028-03-01');
    expect(result.period.provisional).toBe(true);
    expect(result.period.note).toContain('2028-03-01');
    expect(result.natures[0]).toMatchObject({
      provisional: true,
      period: { validFrom: '2026-01-01', provisional: true },
    });
  });

  it('with mixed buyer types, takes the lowest threshold and names the buyer that sets it', () => {
    const utility = buyer('org-a', 'pub-undert', 'Helsingin Energia');
    const city = buyer('org-b', 'la', 'Vantaan kaupunki');
    const ministry = buyer('org-c', 'cga', 'Valtiovarainministeriö');
    const result = check([
      need(utility, supplies, '100000'),
      need(city, works, '100000'),
      need(ministry, social, '100000'),
    ]);
    const byNature = Object.fromEntries(result.natures.map((n) => [n.nature, n]));
    // Every buyer takes part in the one joint procedure, whatever it asked for itself.
    expect(byNature.supplies).toMatchObject({
      thresholdEur: '140000.00',
      setBy: { orgId: 'org-c', name: 'Valtiovarainministeriö', buyerLegalType: 'cga', authorityCategory: 'central' },
    });
    // Works: the same for all; the tie goes to the lowest orgId.
    expect(byNature.works).toMatchObject({ thresholdEur: '5404000.00', setBy: { orgId: 'org-a' } });
    // Social services: 750 000 for the city and the ministry, 1 000 000 for the utility.
    expect(byNature['social-services']).toMatchObject({
      thresholdEur: '750000.00',
      setBy: { orgId: 'org-b', name: 'Vantaan kaupunki' },
    });
  });

  it('the threshold is the minimum over the buyers, set by one who has it, ties to the lowest orgId', () => {
    const types = Object.keys(buyerLegalTypes) as BuyerLegalType[];
    const buyersArb = fc.uniqueArray(
      fc.record({ orgId: fc.constantFrom('o1', 'o2', 'o3', 'o4', 'o5', 'o6'), type: fc.constantFrom(...types) }),
      { minLength: 1, maxLength: 6, selector: (b) => b.orgId },
    );
    fc.assert(
      fc.property(buyersArb, fc.constantFrom(supplies, services, works, social), (participants, code) => {
        const needs = participants.map((p) => need(buyer(p.orgId, p.type), code, '1000'));
        const [result] = checkEuThresholds(aggregateDemand(needs, rates), '2026-06-01').natures;
        const nature = procurementNature(code);
        const thresholdOf = (type: string) => euThresholdPeriods[1]!.thresholds[authorityCategory(type)][nature];
        const lowest = participants.map((p) => thresholdOf(p.type)).sort((a, b) => compareDecimals(a, b))[0]!;
        expect(compareDecimals(result!.thresholdEur, lowest)).toBe(0);
        const atLowest = participants
          .filter((p) => compareDecimals(thresholdOf(p.type), lowest) === 0)
          .map((p) => p.orgId)
          .sort();
        expect(result!.setBy.orgId).toBe(atLowest[0]);
        expect(compareDecimals(thresholdOf(result!.setBy.buyerLegalType), lowest)).toBe(0);
      }),
    );
  }, 120_000);

  it('has nothing to check for an empty aggregate', () => {
    expect(check([])).toMatchObject({ natures: [], estimatedValueEur: '0.00', atOrAboveAny: false });
  });
});
