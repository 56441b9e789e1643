import fc from 'fast-check';
import { describe, expect, it } from 'vitest';

import { classifyJointProcurement } from './cross-border.js';
import { eeaNonEuStates, euMemberStates } from './organisations.js';

describe('classifyJointProcurement', () => {
  it('buyers from two or more Member States make a cross-border joint procurement that needs an agreement (Art. 39)', () => {
    expect(
      classifyJointProcurement([
        { orgId: 'hel', country: 'FI' },
        { orgId: 'sto', country: 'SE' },
      ]),
    ).toEqual({
      kind: 'cross-border',
      legalBasis: 'Directive 2014/24/EU Art. 39',
      needsAgreement: true,
      countries: ['FI', 'SE'],
      eeaCountries: [],
      otherCountries: [],
    });
  });

  it('counts Norway, Iceland and Liechtenstein as participating countries under the EEA Agreement', () => {
    // The 2022 zero-emission construction sites statement: Oslo, Helsinki, Copenhagen, Vantaa, Bodø, Barcelona.
    const result = classifyJointProcurement([
      { orgId: 'oslo', country: 'NO' },
      { orgId: 'helsinki', country: 'FI' },
      { orgId: 'copenhagen', country: 'DK' },
      { orgId: 'vantaa', country: 'FI' },
      { orgId: 'bodo', country: 'NO' },
      { orgId: 'barcelona', country: 'ES' },
    ]);
    expect(result).toMatchObject({
      kind: 'cross-border',
      needsAgreement: true,
      countries: ['DK', 'ES', 'FI', 'NO'],
      eeaCountries: ['NO'],
    });
    // Two EEA states alone are cross-border too.
    expect(
      classifyJointProcurement([
        { orgId: 'a', country: 'NO' },
        { orgId: 'b', country: 'IS' },
      ]).kind,
    ).toBe('cross-border');
  });

  it('buyers of one Member State make an occasional joint procurement (Art. 38), without the Art. 39 agreement', () => {
    expect(
      classifyJointProcurement([
        { orgId: 'hel', country: 'FI' },
        { orgId: 'vantaa', country: 'FI' },
      ]),
    ).toEqual({
      kind: 'occasional',
      legalBasis: 'Directive 2014/24/EU Art. 38',
      needsAgreement: false,
      countries: ['FI'],
      eeaCountries: [],
      otherCountries: [],
    });
  });

  it('one buyer, even with several lines, is no joint procurement at all', () => {
    expect(
      classifyJointProcurement([
        { orgId: 'hel', country: 'FI' },
        { orgId: 'hel', country: 'FI' },
      ]),
    ).toMatchObject({
      kind: 'single-buyer',
      legalBasis: null,
      needsAgreement: false,
      countries: ['FI'],
    });
    expect(classifyJointProcurement([]).kind).toBe('single-buyer');
  });

  it('lists a country outside the EU and EEA apart and does not count it as a Member State', () => {
    expect(
      classifyJointProcurement([
        { orgId: 'hel', country: 'FI' },
        { orgId: 'zurich', country: 'CH' },
      ]),
    ).toMatchObject({
      kind: 'occasional',
      countries: ['FI'],
      otherCountries: ['CH'],
    });
  });

  it('is cross-border exactly when two or more EU/EEA countries take part, whatever the order', () => {
    const countryArb = fc.constantFrom(...euMemberStates, ...eeaNonEuStates, 'CH', 'GB');
    const buyersArb = fc
      .array(fc.record({ orgId: fc.constantFrom('a', 'b', 'c', 'd', 'e'), country: countryArb }), { maxLength: 8 })
      .map((list) => {
        // One organisation has one country.
        const first = new Map<string, string>();
        return list.map((b) => ({
          orgId: b.orgId,
          country: first.get(b.orgId) ?? (first.set(b.orgId, b.country), b.country),
        }));
      });
    fc.assert(
      fc.property(buyersArb, (buyers) => {
        const result = classifyJointProcurement(buyers);
        const participating = new Set(buyers.map((b) => b.country).filter((c) => c !== 'CH' && c !== 'GB'));
        const distinctBuyers = new Set(buyers.map((b) => b.orgId)).size;
        expect(result.kind === 'cross-border').toBe(distinctBuyers >= 2 && participating.size >= 2);
        expect(result.needsAgreement).toBe(result.kind === 'cross-border');
        expect(result.countries).toEqual([...participating].sort());
        expect(classifyJointProcurement([...buyers].reverse())).toEqual(result);
      }),
    );
  }, 120_000);
});
