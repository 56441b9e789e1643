import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';

import fc from 'fast-check';
import { describe, expect, it } from 'vitest';

import { CPV_FILE, locateReferenceData } from '../db/reference-data-files.js';
import { confirmedNeed } from '../test/support/confirmed-needs.js';
import type { ConfirmedNeed, ConfirmedNeedBuyer } from './aggregation.js';
import { aggregateDemand } from './aggregation.js';
import { DomainError } from './errors.js';
import { addDecimals, compareDecimals } from './money.js';
import type { BuyerLegalType } from './organisations.js';
import { buyerLegalTypes } from './organisations.js';
import type { AuthorityCategory, ProcurementNature, ThresholdPeriod } from './thresholds.js';
import {
  annexXiv,
  authorityCategory,
  authorityClassification,
  checkEuThresholds,
  completeThresholdCheck,
  euThresholdPeriods,
  isAnnexXivService,
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
const need = confirmedNeed;

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
    ['55500000', 'services'], // canteen and catering: a heading Annex XIV does not list
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

describe('the Annex XIV entries', () => {
  // The official list from the shared data folder, found like the reference import finds it.
  const dataDir = locateReferenceData();
  const listPath = dataDir ? join(dataDir, CPV_FILE) : '';
  const entries = annexXiv.flatMap((row) => row.codes);

  it('lists ranges in order, of services only', () => {
    for (const entry of entries) {
      expect(entry.from.slice(0, 8) <= (entry.to ?? entry.from).slice(0, 8)).toBe(true);
      expect(procurementNature(entry.from)).toBe('social-services');
      expect(procurementNature(entry.to ?? entry.from)).toBe('social-services');
    }
  });

  it('names real CPV codes with their official check digits', () => {
    expect(existsSync(listPath), 'the CPV list in the shared data folder (REFERENCE_DATA_DIR)').toBe(true);
    const official = JSON.parse(readFileSync(listPath, 'utf8')) as Record<string, string>;
    const unknown = entries.flatMap((e) => [e.from, e.to ?? e.from]).filter((code) => !(code in official));
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

  it('decides on the exact value ("equal to or greater than", Art. 4), keeping it beside the cents', () => {
    // Issue 17 point 11: 215999.995 used to be decided on its cents, 216000.00, and read "at or above".
    // Shown as it is decided (rules/money.ts): its cents would read as reaching the threshold.
    expect(check([need(helsinki, supplies, '215999.995')]).natures[0]).toMatchObject({
      estimatedValueEur: '215999.995',
      exactValueEur: '215999.995',
      position: 'below',
      differenceEur: '0.01',
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

/** The official CPV list (code with check digit → English label), from the shared data folder. */
function officialCpvList(): Record<string, string> {
  const dir = locateReferenceData();
  const path = dir ? join(dir, CPV_FILE) : '';
  if (!existsSync(path)) throw new Error('the CPV list in the shared data folder (REFERENCE_DATA_DIR) is needed');
  return JSON.parse(readFileSync(path, 'utf8')) as Record<string, string>;
}

/** The codes of an eForms SDK codelist (genericode), read as text: code → English label. */
function eformsCodelist(file: string): Map<string, string> {
  const dir = locateReferenceData();
  const path = dir ? join(dir, 'eforms-sdk-1.15.1', 'codelists', file) : '';
  if (!existsSync(path)) throw new Error(`the eForms SDK codelist ${file} in the shared data folder is needed`);
  const text = readFileSync(path, 'utf8');
  const codes = new Map<string, string>();
  for (const row of text.split('<Row>').slice(1)) {
    const value = (column: string) =>
      new RegExp(`<Value ColumnRef="${column}">\\s*<SimpleValue>([^<]*)</SimpleValue>`).exec(row)?.[1];
    codes.set(value('code')!, value('eng_label') ?? value('Name') ?? '');
  }
  return codes;
}

describe('Annex XIV of Directive 2014/24/EU, as data', () => {
  const official = officialCpvList();
  // Every code the Annex prints, row by row, in its order (ranges by their two ends); typed from the
  // Directive's text independently of the data in thresholds.ts.
  const printed = [
    '75200000-8 75231200-6 75231240-8 79611000-0 79622000-0 79624000-4 79625000-1 85000000-9 85323000-9 98133100-5 98133000-4 98200000-5 98500000-8 98513000-2 98514000-9',
    '85321000-5 85322000-2 75000000-6 75121000-0 75122000-7 75124000-1 79995000-5 79995200-7 80000000-4 80660000-8 92000000-1 92700000-8 79950000-8 79951000-5 79952000-2 79952100-3 79953000-9 79954000-6 79955000-3 79956000-0',
    '75300000-9',
    '75310000-2 75311000-9 75312000-6 75313000-3 75313100-4 75314000-0 75320000-5 75330000-8 75340000-1',
    '98000000-3 98120000-0 98132000-7 98133110-8 98130000-3',
    '98131000-0',
    '55100000-1 55410000-7 55521000-8 55521200-0 55520000-1 55522000-5 55523000-2 55524000-9 55510000-8 55511000-5 55512000-2 55523100-3',
    '79100000-5 79140000-7 75231100-5',
    '75100000-7 75120000-3 75123000-4 75125000-8 75131000-3',
    '75200000-8 75231000-4',
    '75231210-9 75231230-5 75240000-0 75252000-7 79430000-7 98113100-9',
    '79700000-1 79721000-4 79722000-1 79723000-8',
    '98900000-2 98910000-5',
    '64000000-6 64100000-7 64110000-0 64111000-7 64112000-4 64113000-1 64114000-8 64115000-5 64116000-2 64122000-7',
    '50116510-9 71550000-8',
  ].map((row) => row.split(' '));
  const listed = [...new Set(printed.flat())];

  it('holds the codes the Annex prints, row by row', () => {
    expect(annexXiv.map((row) => row.codes.flatMap((e) => [e.from, ...(e.to ? [e.to] : [])]))).toEqual(printed);
  });

  it('holds the fifteen rows of the Annex, each with its services and codes', () => {
    expect(annexXiv.map((row) => row.services)).toEqual([
      'Health, social and related services',
      'Administrative social, educational, healthcare and cultural services',
      'Compulsory social security services',
      'Benefit services',
      'Other community, social and personal services including services furnished by trade unions, political organisations, youth associations and other membership organisation services',
      'Religious services',
      'Hotel and restaurant services',
      'Legal services, to the extent not excluded by point (d) of Article 10',
      'Other administrative services and government services',
      'Provision of services to the community',
      'Prison related services, public security and rescue services, to the extent not excluded by point (h) of Article 10',
      'Investigation and security services',
      'International services',
      'Postal services',
      'Miscellaneous services',
    ]);
  });

  it.each(listed)(
    '%s, listed in the Annex, is a social or other specific service with its official check digit',
    (code) => {
      expect(code in official, `${code} in the official CPV list`).toBe(true);
      expect(isAnnexXivService(code)).toBe(true);
      expect(procurementNature(code)).toBe('social-services');
    },
  );

  it.each([
    [
      '55500000-5',
      'canteen and catering services: the Annex lists its canteen and catering codes one by one, not the heading',
    ],
    ['64120000-3', 'courier services: the Annex lists the postal codes, not courier services'],
    ['64121000-0', 'multi-modal courier services'],
    ['64200000-8', 'telecommunications services'],
    ['50116500-6', 'tyre repair services: only tyre remoulding is listed'],
    ['71500000-3', 'construction-related services: only blacksmith services are listed'],
    ['79400000-8', 'business and management consultancy: only crisis management (79430000-7) is listed'],
    ['98300000-6', 'miscellaneous services'],
    ['79900000-3', 'miscellaneous business and business-related services'],
  ])('%s is not in the Annex (%s)', (code) => {
    expect(code in official, `${code} in the official CPV list`).toBe(true);
    expect(isAnnexXivService(code)).toBe(false);
    expect(procurementNature(code)).toBe('services');
  });

  it('covers every code between the ends of a range, as the Annex’s own bracketed lists name them', () => {
    const inRange = (from: string, to: string) =>
      Object.keys(official).filter((c) => c.slice(0, 8) >= from && c.slice(0, 8) <= to);
    // "79700000-1 to 79721000-4 [Investigation and security services, Security services, …]": eleven codes.
    expect(inRange('79700000', '79721000').map((c) => official[c])).toEqual([
      'Investigation and security services',
      'Security services',
      'Alarm-monitoring services',
      'Guard services',
      'Surveillance services',
      'Tracing system services',
      'Absconder-tracing services',
      'Patrol services',
      'Identification badge release services',
      'Investigation services',
      'Detective agency services',
    ]);
    for (const code of [...inRange('79700000', '79721000'), ...inRange('98513000', '98514000')])
      expect(isAnnexXivService(code), code).toBe(true);
  });

  it('records the Annex’s misprint 794300000-7 as crisis management services, 79430000-7', () => {
    const row = annexXiv.find((r) => r.services.startsWith('Prison related services'))!;
    const crisis = row.codes.find((e) => e.from === '79430000-7');
    expect(crisis?.note).toContain('794300000-7');
    expect(official['79430000-7']).toBe('Crisis management services');
  });

  it('contains every service of Art. 77(1) (reserved contracts), as the eForms SDK lists them', () => {
    // Art. 77(1) names services "referred to in Article 74": they must all be Annex XIV services.
    const reserved = [...eformsCodelist('cpv_social-service-cpv.gc').keys()];
    expect(reserved.length).toBeGreaterThan(100);
    expect(reserved.filter((code) => !isAnnexXivService(code))).toEqual([]);
  });
});

describe('authority categories (eForms buyer-legal-type)', () => {
  it('knows every code of the eForms SDK 1.15.1 buyer-legal-type list, with its label', () => {
    const codelist = eformsCodelist('buyer-legal-type.gc');
    expect(codelist.size).toBe(19);
    for (const [code, label] of codelist) {
      expect(Object.hasOwn(buyerLegalTypes, code), code).toBe(true);
      expect(buyerLegalTypes[code as BuyerLegalType]).toBe(label);
    }
  });

  it('names the source of every mapping, article and paragraph', () => {
    for (const type of Object.keys(buyerLegalTypes) as BuyerLegalType[]) {
      const c = authorityClassification(type);
      expect(c.category).toBe(authorityCategory(type));
      expect(c.source, type).toMatch(/(Directive|Regulation) [^ ]+ .*Art\. \d+/);
      expect(['directive', 'assumption']).toContain(c.basis);
      expect(c.reason.length, type).toBeGreaterThan(40);
    }
  });

  it.each(['org-sub', 'org-sub-cga', 'org-sub-ra', 'org-sub-la'])(
    'a contract subsidised as %s takes the Art. 4(c) threshold, whoever subsidises (Art. 13(b))',
    (type) => {
      expect(authorityClassification(type)).toMatchObject({
        category: 'sub-central',
        basis: 'directive',
        source: expect.stringContaining('Art. 13'),
      });
    },
  );

  it('a defence contractor is under Directive 2009/81/EC; the sub-central threshold is taken, the safe side', () => {
    expect(authorityClassification('def-cont')).toMatchObject({
      category: 'sub-central',
      basis: 'assumption',
      source: expect.stringContaining('Directive 2009/81/EC Art. 8'),
    });
  });

  it('an international organisation buying under its own rules is outside the Directive (Art. 9)', () => {
    expect(authorityClassification('int-org')).toMatchObject({
      category: 'sub-central',
      basis: 'assumption',
      source: expect.stringContaining('Art. 9'),
    });
  });

  it('an unknown code falls back to sub-central, and says so', () => {
    expect(authorityClassification('not-a-type')).toMatchObject({ category: 'sub-central', basis: 'assumption' });
  });

  it('the buyer that sets a threshold carries the source of its category', () => {
    const subsidised = buyer('org-s', 'org-sub-cga', 'Säätiö');
    const [result] = checkEuThresholds(
      aggregateDemand([need(subsidised, services, '1000')], rates),
      '2026-06-01',
    ).natures;
    expect(result!.thresholdEur).toBe('216000.00');
    expect(result!.setBy).toMatchObject({
      buyerLegalType: 'org-sub-cga',
      authorityCategory: 'sub-central',
      categoryBasis: 'directive',
      categorySource: expect.stringContaining('Art. 13'),
    });
  });
});

describe('mixed contracts (Art. 3)', () => {
  const ministry = buyer('org-min', 'cga', 'Valtiovarainministeriö');
  const check = (needs: ConfirmedNeed[], start = '2026-06-01') =>
    checkEuThresholds(aggregateDemand(needs, rates), start);

  it('the issue’s case: 100 000 of supplies and 100 000 of services for a central buyer are below each alone, at or above 140 000 as one contract', () => {
    const result = check([need(ministry, supplies, '100000'), need(ministry, services, '100000')]);
    expect(result.natures.map((n) => [n.nature, n.estimatedValueEur, n.thresholdEur, n.position])).toEqual([
      ['supplies', '100000.00', '140000.00', 'below'],
      ['services', '100000.00', '140000.00', 'below'],
    ]);
    expect(result.atOrAboveAny).toBe(false);
    expect(result.mixedContract).toMatchObject({
      natures: ['supplies', 'services'],
      readings: [
        {
          mainSubject: 'supplies',
          basis: 'highest-value',
          thresholdEur: '140000.00',
          position: 'at-or-above',
          differenceEur: '60000.00',
          setBy: { orgId: 'org-min', authorityCategory: 'central' },
          source: expect.stringContaining('Art. 3(2)'),
        },
      ],
    });
    expect(result.mixedContract!.readings[0]!.explanation).toContain('equal');
  });

  it('the part of highest estimated value decides, and its threshold applies to the whole value', () => {
    const result = check([need(helsinki, supplies, '150000'), need(helsinki, services, '80000')]);
    expect(result.natures.map((n) => n.position)).toEqual(['below', 'below']);
    expect(result.mixedContract!.readings).toMatchObject([
      { mainSubject: 'supplies', thresholdEur: '216000.00', position: 'at-or-above', differenceEur: '14000.00' },
    ]);
  });

  it('social services against other services: the higher value decides, so the light regime may lift the threshold', () => {
    const mostlySocial = check([need(helsinki, social, '500000'), need(helsinki, services, '150000')]);
    expect(mostlySocial.natures.map((n) => [n.nature, n.position])).toEqual([
      ['services', 'below'],
      ['social-services', 'below'],
    ]);
    expect(mostlySocial.mixedContract!.readings).toMatchObject([
      { mainSubject: 'social-services', thresholdEur: '750000.00', position: 'below', differenceEur: '100000.00' },
    ]);
    const mostlyOther = check([need(helsinki, social, '200000'), need(helsinki, services, '210000')]);
    expect(mostlyOther.mixedContract!.readings).toMatchObject([
      { mainSubject: 'services', thresholdEur: '216000.00', position: 'at-or-above', differenceEur: '194000.00' },
    ]);
  });

  it('on equal values the Directive does not decide: the lower threshold is taken, and said', () => {
    const result = check([need(helsinki, social, '120000'), need(helsinki, services, '120000')]);
    const [reading] = result.mixedContract!.readings;
    expect(reading).toMatchObject({ mainSubject: 'services', thresholdEur: '216000.00', position: 'at-or-above' });
    expect(reading!.explanation).toMatch(/equal/i);
  });

  it('works with other natures: the main subject is not a matter of value, so both readings are given', () => {
    const result = check([need(helsinki, works, '1000000'), need(helsinki, supplies, '150000')]);
    expect(result.mixedContract!.readings).toMatchObject([
      {
        mainSubject: 'works',
        basis: 'works-main-subject',
        thresholdEur: '5404000.00',
        position: 'below',
        differenceEur: '4254000.00',
      },
      {
        mainSubject: 'supplies',
        basis: 'works-incidental',
        thresholdEur: '216000.00',
        position: 'at-or-above',
        differenceEur: '934000.00',
      },
    ]);
    for (const r of result.mixedContract!.readings) expect(r.source).toContain('Art. 3(2)');
  });

  it('one nature alone is no mixed contract', () => {
    expect(check([need(helsinki, supplies, '1000')]).mixedContract).toBeNull();
    expect(check([]).mixedContract).toBeNull();
  });

  it('takes the lowest threshold of the buyers for the main subject, like each nature alone', () => {
    const utility = buyer('org-a', 'pub-undert', 'Helsingin Energia');
    const result = check([need(utility, supplies, '300000'), need(helsinki, services, '100000')]);
    expect(result.mixedContract!.readings[0]).toMatchObject({
      mainSubject: 'supplies',
      thresholdEur: '216000.00',
      setBy: { orgId: 'org-hel' },
    });
  });

  it('the one-contract view never changes the view of each nature alone', () => {
    const natures = [supplies, services, social, works];
    fc.assert(
      fc.property(
        fc.array(fc.record({ code: fc.constantFrom(...natures), cents: fc.integer({ min: 1, max: 90_000_000 }) }), {
          minLength: 1,
          maxLength: 6,
        }),
        (lines) => {
          const needs = lines.map((l) => need(helsinki, l.code, (l.cents / 100).toFixed(2)));
          const result = check(needs);
          for (const n of result.natures) {
            const alone = check(needs.filter((x) => procurementNature(x.line.cpvCode) === n.nature)).natures[0]!;
            expect(n).toEqual(alone);
          }
          if (result.natures.length < 2) expect(result.mixedContract).toBeNull();
          else
            for (const r of result.mixedContract!.readings) {
              const own = result.natures.find((n) => n.nature === r.mainSubject)!;
              expect(r.thresholdEur).toBe(own.thresholdEur);
              const diff = addDecimals(result.estimatedValueEur, `-${r.thresholdEur}`);
              expect(r.position).toBe(compareDecimals(diff, '0') >= 0 ? 'at-or-above' : 'below');
            }
        },
      ),
    );
  }, 120_000);
});

describe('sources of each verdict', () => {
  it.each([
    ['cga', supplies, 'Directive 2014/24/EU Art. 4(b)'],
    ['la', services, 'Directive 2014/24/EU Art. 4(c)'],
    ['la', works, 'Directive 2014/24/EU Art. 4(a)'],
    ['ra', social, 'Directive 2014/24/EU Art. 4(d)'],
    ['pub-undert', supplies, 'Directive 2014/25/EU Art. 15(a)'],
    ['pub-undert', works, 'Directive 2014/25/EU Art. 15(b)'],
    ['pub-undert', social, 'Directive 2014/25/EU Art. 15(c)'],
  ])('a %s buyer of %s: %s, with Art. 5 for the value', (type, code, article) => {
    const [n] = checkEuThresholds(aggregateDemand([need(buyer('o', type), code, '1')], rates), '2026-06-01').natures;
    expect(n!.source).toContain(article);
    expect(n!.source).toContain('Art. 5(1)');
    expect(n!.explanation.length).toBeGreaterThan(40);
  });

  it('a stored check from before the sources and the one-contract view reads like a new one', () => {
    const fresh = checkEuThresholds(
      aggregateDemand([need(helsinki, supplies, '150000'), need(helsinki, services, '80000')], rates),
      '2026-06-01',
    );
    const old = JSON.parse(JSON.stringify(fresh)) as Record<string, unknown> & { natures: Record<string, unknown>[] };
    delete old.mixedContract;
    for (const n of old.natures) {
      delete n.source;
      delete n.explanation;
      const setBy = n.setBy as Record<string, unknown>;
      delete setBy.categorySource;
      delete setBy.categoryBasis;
    }
    expect(completeThresholdCheck(old)).toEqual(fresh);
  });
});
