import fc from 'fast-check';
import { describe, expect, it } from 'vitest';

import {
  type CentralPurchasingBody,
  classifyJointProcurement,
  procurementRouteProblems,
  procurementRouteSchema,
  procurementRouteStageRefusal,
  storedClassification,
} from './cross-border.js';
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
      route: 'joint',
      centralPurchasingBody: null,
      applicableLaw: null,
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
      route: 'joint',
      centralPurchasingBody: null,
      applicableLaw: null,
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

describe('the central purchasing body route (Art. 37, Art. 39(2)-(3))', () => {
  const hansel = { orgId: 'hansel', name: 'Hansel Oy', country: 'FI' };
  const zecs = [
    { orgId: 'oslo', country: 'NO' },
    { orgId: 'helsinki', country: 'FI' },
    { orgId: 'copenhagen', country: 'DK' },
  ];

  it('needs no Art. 39(4) agreement when a central purchasing body in another Member State runs the procurement; its Member State’s law applies', () => {
    expect(classifyJointProcurement(zecs, { route: 'central_purchasing_body', centralPurchasingBody: hansel })).toEqual(
      {
        kind: 'cross-border',
        legalBasis: 'Directive 2014/24/EU Art. 37 and Art. 39(2)-(3)',
        needsAgreement: false,
        route: 'central_purchasing_body',
        centralPurchasingBody: hansel,
        applicableLaw: 'FI',
        countries: ['DK', 'FI', 'NO'],
        eeaCountries: ['NO'],
        otherCountries: [],
      },
    );
  });

  it('is Art. 37 alone when every buyer sits in the CPB’s Member State', () => {
    const finns = [
      { orgId: 'helsinki', country: 'FI' },
      { orgId: 'vantaa', country: 'FI' },
    ];
    expect(
      classifyJointProcurement(finns, { route: 'central_purchasing_body', centralPurchasingBody: hansel }),
    ).toMatchObject({
      kind: 'occasional',
      legalBasis: 'Directive 2014/24/EU Art. 37',
      needsAgreement: false,
      applicableLaw: 'FI',
    });
  });

  it('reads a classification stored before routes existed as the joint route', () => {
    const old = {
      kind: 'cross-border',
      legalBasis: 'Directive 2014/24/EU Art. 39',
      needsAgreement: true,
      countries: ['DK', 'FI'],
      eeaCountries: [],
      otherCountries: [],
    };
    expect(storedClassification(old)).toEqual({
      ...old,
      route: 'joint',
      centralPurchasingBody: null,
      applicableLaw: null,
    });
  });

  const cpb = (over: Partial<CentralPurchasingBody> = {}): CentralPurchasingBody => ({
    ...hansel,
    kind: 'buyer',
    awardingCpb: true,
    acquiringCpb: false,
    ...over,
  });
  const route = procurementRouteSchema.parse({
    kind: 'central_purchasing_body',
    centralPurchasingBodyOrgId: '0b8f3a52-5c1e-4d7e-9a47-1f2a3b4c5d01',
  });

  it('accepts a buyer recorded as an awarding CPB (eForms OPP-051), for works too', () => {
    expect(procurementRouteProblems(route, cpb(), ['43260000', '45000000'])).toEqual([]);
    expect(procurementRouteProblems({ kind: 'joint' }, undefined, ['45000000'])).toEqual([]);
  });

  it('refuses an organisation that is not a buyer recorded as a central purchasing body (Art. 2(1)(16))', () => {
    for (const who of [undefined, cpb({ awardingCpb: false }), cpb({ kind: 'supplier' })]) {
      expect(procurementRouteProblems(route, who, ['43260000'])).toEqual([
        {
          field: 'centralPurchasingBodyOrgId',
          rule: expect.stringContaining(
            'recorded as a central purchasing body (eForms OPP-051 or OPP-052; Directive 2014/24/EU Art. 2(1)(16), Art. 37)',
          ),
        },
      ]);
    }
  });

  it('refuses a CPB outside the EU and EEA (Art. 39(2))', () => {
    expect(procurementRouteProblems(route, cpb({ country: 'CH', name: 'Swiss CPB' }), ['43260000'])[0]!.rule).toContain(
      'Swiss CPB is in CH (Directive 2014/24/EU Art. 39(2))',
    );
  });

  it('refuses works to a CPB that only acquires supplies and services (eForms OPP-052, Art. 2(1)(14)(a), Art. 37(1))', () => {
    const acquiring = cpb({ awardingCpb: false, acquiringCpb: true });
    expect(procurementRouteProblems(route, acquiring, ['43260000', '09300000'])).toEqual([]);
    expect(procurementRouteProblems(route, acquiring, ['43260000', '45262000'])).toEqual([
      {
        field: 'centralPurchasingBodyOrgId',
        rule: expect.stringContaining('the statement includes works (45262000)'),
      },
    ]);
  });

  it('is chosen before the demand is aggregated', () => {
    expect(procurementRouteStageRefusal('draft')).toBeNull();
    expect(procurementRouteStageRefusal('confirmation')).toBeNull();
    expect(procurementRouteStageRefusal('market_engagement')).toContain('before the demand is aggregated');
    expect(procurementRouteStageRefusal('published')).toContain('this statement is in published');
  });
});
