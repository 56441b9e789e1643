import fc from 'fast-check';
import { describe, expect, it } from 'vitest';

import type { Aggregate, ConfirmedNeed, ConfirmedNeedBuyer, ConfirmedNeedLine } from './aggregation.js';
import { aggregateDemand, deliveryYearOf, lineValueEur, totalQuantityOf } from './aggregation.js';
import { cpvAncestors, cpvLevel } from './cpv.js';
import { checkCriticalMass } from './critical-mass.js';
import { DomainError } from './errors.js';
import type { ExchangeRateTable } from './money.js';
import { addDecimals, sumDecimals } from './money.js';

const rates: ExchangeRateTable = {
  date: '2026-11-20',
  source: 'ECB euro foreign exchange reference rates',
  rates: { NOK: '10', DKK: '7.5', SEK: '11.2345' },
};

const oslo: ConfirmedNeedBuyer = { orgId: 'org-oslo', name: 'Oslo kommune', country: 'NO', buyerLegalType: 'la' };
const helsinki: ConfirmedNeedBuyer = {
  orgId: 'org-hel',
  name: 'Helsingin kaupunki',
  country: 'FI',
  buyerLegalType: 'la',
};
const copenhagen: ConfirmedNeedBuyer = {
  orgId: 'org-cph',
  name: 'Københavns Kommune',
  country: 'DK',
  buyerLegalType: 'la',
};
const roads: ConfirmedNeedBuyer = { orgId: 'org-svv', name: 'Statens vegvesen', country: 'NO', buyerLegalType: 'cga' };

function line(overrides: Partial<ConfirmedNeedLine>): ConfirmedNeedLine {
  return {
    cpvCode: '43262100',
    quantity: '1',
    unit: 'C62',
    unitPrice: '1',
    currency: 'EUR',
    delivery: { fromYear: 2026, toYear: 2026 },
    optionalQuantity: '0',
    renewals: { count: 0, quantityEach: '0' },
    frameworkMonths: null,
    ...overrides,
  };
}

/** Zero-emission construction machinery, after the 2022 joint statement of Oslo, Helsinki, Copenhagen and others. */
const example: ConfirmedNeed[] = [
  {
    buyer: oslo,
    versionId: 'v-oslo-1',
    line: line({
      quantity: '10',
      unitPrice: '500000',
      currency: 'NOK',
      delivery: { fromYear: 2026, toYear: 2028 },
      optionalQuantity: '2',
      renewals: { count: 1, quantityEach: '3' },
      frameworkMonths: 36,
    }),
  },
  {
    buyer: helsinki,
    versionId: 'v-hel-1',
    line: line({ quantity: '4', unitPrice: '60000', delivery: { fromYear: 2027, toYear: 2027 } }),
  },
  {
    buyer: helsinki,
    versionId: 'v-hel-1',
    line: line({
      cpvCode: '43260000',
      quantity: '1000',
      unit: 'HUR',
      unitPrice: '100',
      delivery: { fromYear: 2027, toYear: 2027 },
    }),
  },
  {
    buyer: copenhagen,
    versionId: 'v-cph-2',
    line: line({ quantity: '3', unitPrice: '750000', currency: 'DKK', delivery: { fromYear: 2026, toYear: 2029 } }),
  },
  {
    buyer: copenhagen,
    versionId: 'v-cph-2',
    line: line({
      quantity: '1200.5',
      unit: 'LTR',
      unitPrice: '2',
      currency: 'DKK',
      delivery: { fromYear: 2028, toYear: 2028 },
    }),
  },
  {
    buyer: roads,
    versionId: 'v-svv-1',
    line: line({
      cpvCode: '45000000-7',
      unitPrice: '5000000',
      currency: 'NOK',
      delivery: { fromYear: 2026, toYear: 2027 },
    }),
  },
];

describe('a line’s estimated value (Directive 2014/24/EU Art. 5)', () => {
  it('counts firm quantity, options and every renewal, then converts', () => {
    const oslosLine = example[0]!.line;
    expect(totalQuantityOf(oslosLine)).toBe('15');
    // 15 × 500 000 NOK ÷ 10 NOK per EUR.
    expect(lineValueEur(oslosLine, rates)).toBe('750000');
  });

  it('does not multiply by the framework term: the quantities already cover it', () => {
    const withTerm = line({ quantity: '10', unitPrice: '100', frameworkMonths: 48 });
    expect(lineValueEur(withTerm, rates)).toBe(lineValueEur({ ...withTerm, frameworkMonths: null }, rates));
    expect(lineValueEur(withTerm, rates)).toBe('1000');
  });

  it('attributes a multi-year delivery to its first year', () => {
    expect(deliveryYearOf({ delivery: { fromYear: 2026, toYear: 2029 } })).toBe(2026);
  });
});

describe('aggregateDemand on the example', () => {
  const aggregate = aggregateDemand(example, rates);
  const dkkLitres = '320.13333333333333333333'; // 2401 DKK ÷ 7.5

  it('gives the exact aggregate', () => {
    const c62 = { unit: 'C62', firmQuantity: '17', totalQuantity: '22' };
    const hours = { unit: 'HUR', firmQuantity: '1000', totalQuantity: '1000' };
    const litres = { unit: 'LTR', firmQuantity: '1200.5', totalQuantity: '1200.5' };
    const machinery = `1390${dkkLitres}`;
    const excavators = `1290${dkkLitres}`;
    const none = { valueEur: '0', lines: 0, quantities: [] };
    expect(aggregate).toEqual<Aggregate>({
      totals: { valueEur: `1890${dkkLitres}`, buyers: 4, countries: 3, lines: 6 },
      byCpv: [
        {
          cpvCode: '43000000',
          level: 'division',
          parentCode: null,
          valueEur: machinery,
          lines: 5,
          buyers: 3,
          quantities: [c62, hours, litres],
          direct: none,
        },
        {
          cpvCode: '43200000',
          level: 'group',
          parentCode: '43000000',
          valueEur: machinery,
          lines: 5,
          buyers: 3,
          quantities: [c62, hours, litres],
          direct: none,
        },
        {
          cpvCode: '43260000',
          level: 'class',
          parentCode: '43200000',
          valueEur: machinery,
          lines: 5,
          buyers: 3,
          quantities: [c62, hours, litres],
          direct: { valueEur: '100000', lines: 1, quantities: [hours] },
        },
        {
          cpvCode: '43262000',
          level: 'category',
          parentCode: '43260000',
          valueEur: excavators,
          lines: 4,
          buyers: 3,
          quantities: [c62, litres],
          direct: none,
        },
        {
          cpvCode: '43262100',
          level: 'code',
          parentCode: '43262000',
          valueEur: excavators,
          lines: 4,
          buyers: 3,
          quantities: [c62, litres],
          direct: { valueEur: excavators, lines: 4, quantities: [c62, litres] },
        },
        {
          cpvCode: '45000000',
          level: 'division',
          parentCode: null,
          valueEur: '500000',
          lines: 1,
          buyers: 1,
          quantities: [{ unit: 'C62', firmQuantity: '1', totalQuantity: '1' }],
          direct: {
            valueEur: '500000',
            lines: 1,
            quantities: [{ unit: 'C62', firmQuantity: '1', totalQuantity: '1' }],
          },
        },
      ],
      byCountry: [
        { country: 'DK', valueEur: `300${dkkLitres}`, lines: 2, buyers: 1 },
        { country: 'FI', valueEur: '340000', lines: 2, buyers: 1 },
        { country: 'NO', valueEur: '1250000', lines: 2, buyers: 2 },
      ],
      byDeliveryYear: [
        { year: 2026, valueEur: '1550000', lines: 3, buyers: 3 },
        { year: 2027, valueEur: '340000', lines: 2, buyers: 1 },
        { year: 2028, valueEur: dkkLitres, lines: 1, buyers: 1 },
      ],
      byBuyerType: [
        { buyerLegalType: 'cga', valueEur: '500000', lines: 1, buyers: 1 },
        { buyerLegalType: 'la', valueEur: `1390${dkkLitres}`, lines: 5, buyers: 3 },
      ],
      buyers: [copenhagen, helsinki, oslo, roads],
      conversion: {
        date: '2026-11-20',
        source: 'ECB euro foreign exchange reference rates',
        rates: { DKK: '7.5', NOK: '10' },
      },
      versionIds: ['v-cph-2', 'v-hel-1', 'v-oslo-1', 'v-svv-1'],
    });
  });

  it('keeps pieces, hours and litres of the same code apart', () => {
    const code = aggregate.byCpv.find((n) => n.cpvCode === '43262100')!;
    expect(code.quantities.map((q) => q.unit)).toEqual(['C62', 'LTR']);
  });

  it('is empty but well-formed for no needs', () => {
    expect(aggregateDemand([], rates)).toEqual({
      totals: { valueEur: '0', buyers: 0, countries: 0, lines: 0 },
      byCpv: [],
      byCountry: [],
      byDeliveryYear: [],
      byBuyerType: [],
      buyers: [],
      conversion: { date: rates.date, source: rates.source, rates: {} },
      versionIds: [],
    });
  });
});

describe('the CPV tree to the last significant digit (Regulation 213/2008, Annex I)', () => {
  // Issue 17: a quantity rule on 34144700 "Utility vehicles" reported 2 and missed the 5 wheeled
  // loaders (34144710), which hung directly off the category 34144000: a false shortfall.
  const needs: ConfirmedNeed[] = [
    { buyer: oslo, versionId: 'v1', line: line({ cpvCode: '34144700-5', quantity: '2', unit: 'H87' }) },
    { buyer: helsinki, versionId: 'v2', line: line({ cpvCode: '34144710-8', quantity: '5', unit: 'H87' }) },
    { buyer: helsinki, versionId: 'v2', line: line({ cpvCode: '34144751', quantity: '1', unit: 'H87' }) },
  ];
  const aggregate = aggregateDemand(needs, rates);
  const node = (code: string) => aggregate.byCpv.find((n) => n.cpvCode === code)!;

  it('counts a code in every listed code above it, down to the sixth, seventh and eighth digit', () => {
    expect(aggregate.byCpv.map((n) => [n.cpvCode, n.parentCode])).toEqual([
      ['34000000', null],
      ['34100000', '34000000'],
      ['34140000', '34100000'],
      ['34144000', '34140000'],
      ['34144700', '34144000'],
      ['34144710', '34144700'],
      ['34144750', '34144700'],
      ['34144751', '34144750'],
    ]);
    expect(node('34144700').quantities).toEqual([{ unit: 'H87', firmQuantity: '8', totalQuantity: '8' }]);
    expect(node('34144700')).toMatchObject({ lines: 3, buyers: 2, direct: { lines: 1 } });
    expect(node('34144750')).toMatchObject({ lines: 1, buyers: 1, direct: { lines: 0 } });
  });

  it('meets a quantity rule on 34144700 with the loaders coded below it', () => {
    const verdict = checkCriticalMass(
      { minQuantityPerCpv: [{ cpvCode: '34144700-5', unit: 'H87', minQuantity: '7' }] },
      aggregateDemand(needs.slice(0, 2), rates),
    );
    expect(verdict.results).toEqual([expect.objectContaining({ rule: 'minQuantityPerCpv', actual: '7', met: true })]);
  });
});

describe('aggregateDemand refuses what it cannot aggregate', () => {
  function problemsOf(run: () => unknown): DomainError {
    try {
      run();
    } catch (error) {
      if (error instanceof DomainError) return error;
      throw error;
    }
    throw new Error('expected a DomainError');
  }

  it('names every currency without a rate, never converting it to zero', () => {
    const needs: ConfirmedNeed[] = [
      { buyer: oslo, versionId: 'v1', line: line({ currency: 'SEK' }) },
      { buyer: oslo, versionId: 'v1', line: line({ currency: 'HUF' }) },
      { buyer: helsinki, versionId: 'v2', line: line({ currency: 'PLN' }) },
      { buyer: helsinki, versionId: 'v2', line: line({ currency: 'HUF' }) },
    ];
    const error = problemsOf(() => aggregateDemand(needs, rates));
    expect(error.code).toBe('unprocessable');
    expect(error.problems).toEqual([
      {
        field: 'rates.HUF',
        rule: 'no conversion rate for HUF in the rate table of 2026-11-20',
        code: 'rate_missing',
        values: { currency: 'HUF', tableDate: '2026-11-20' },
      },
      {
        field: 'rates.PLN',
        rule: 'no conversion rate for PLN in the rate table of 2026-11-20',
        code: 'rate_missing',
        values: { currency: 'PLN', tableDate: '2026-11-20' },
      },
    ]);
  });

  it('names the fields of malformed lines', () => {
    const needs: ConfirmedNeed[] = [
      { buyer: oslo, versionId: 'v1', line: line({ cpvCode: '99000000', quantity: '-1' }) },
      {
        buyer: oslo,
        versionId: 'v1',
        line: line({ delivery: { fromYear: 2028, toYear: 2026 }, renewals: { count: 1.5, quantityEach: '1' } }),
      },
    ];
    const error = problemsOf(() => aggregateDemand(needs, rates));
    expect(error.code).toBe('unprocessable');
    expect(error.problems.map((p) => p.field)).toEqual([
      'needs[0].line.cpvCode',
      'needs[0].line.quantity',
      'needs[1].line.renewals.count',
      'needs[1].line.delivery',
    ]);
  });

  it('refuses one organisation described two ways, which would make groupings depend on order', () => {
    const moved = { ...helsinki, country: 'SE' };
    const error = problemsOf(() =>
      aggregateDemand(
        [
          { buyer: helsinki, versionId: 'v1', line: line({}) },
          { buyer: moved, versionId: 'v2', line: line({}) },
        ],
        rates,
      ),
    );
    expect(error.problems).toEqual([
      { field: 'needs[1].buyer', rule: 'must describe organisation org-hel as needs[0].buyer does' },
    ]);
  });
});

// --- Properties ---------------------------------------------------------------------------------

const buyerPool: ConfirmedNeedBuyer[] = [
  oslo,
  helsinki,
  copenhagen,
  roads,
  { orgId: 'org-bcn', name: 'Ajuntament de Barcelona', country: 'ES', buyerLegalType: 'la' },
  { orgId: 'org-uus', name: 'Uudenmaan liitto', country: 'FI', buyerLegalType: 'ra' },
  { orgId: 'org-vantaa', name: 'Vantaan kaupunki', country: 'FI', buyerLegalType: 'la' },
];

/** Codes at every level, some nested in others, across works, supplies and services. */
const cpvPool = [
  '45000000',
  '45200000',
  '45210000',
  '45213000',
  '45213100',
  '45213150',
  '43260000',
  '43262100',
  '34100000',
  '34144000',
  '34144900',
  '30213100',
  '85000000',
  '85100000',
  '90910000',
];

const smallDecimal = fc
  .tuple(fc.nat({ max: 1_000_000 }), fc.nat({ max: 999 }), fc.boolean())
  .map(([int, frac, withFraction]) => (withFraction ? `${int}.${String(frac).padStart(3, '0')}` : `${int}`));

const lineArb: fc.Arbitrary<ConfirmedNeedLine> = fc.record({
  cpvCode: fc.constantFrom(...cpvPool),
  quantity: smallDecimal,
  unit: fc.constantFrom('C62', 'KGM', 'LTR'),
  unitPrice: smallDecimal,
  currency: fc.constantFrom('EUR', 'NOK', 'DKK', 'SEK'),
  delivery: fc
    .integer({ min: 2025, max: 2030 })
    .chain((fromYear) => fc.integer({ min: fromYear, max: fromYear + 4 }).map((toYear) => ({ fromYear, toYear }))),
  optionalQuantity: smallDecimal,
  renewals: fc.record({ count: fc.nat({ max: 4 }), quantityEach: smallDecimal }),
  frameworkMonths: fc.option(fc.integer({ min: 1, max: 96 }), { nil: null }),
});

const needArb: fc.Arbitrary<ConfirmedNeed> = fc.record({
  buyer: fc.constantFrom(...buyerPool),
  versionId: fc.constantFrom('v1', 'v2', 'v3', 'v4', 'v5', 'v6'),
  line: lineArb,
});

const needsArb = fc.array(needArb, { maxLength: 25 });

const inSubtree = (lineCode: string, node: string) => lineCode === node || cpvAncestors(lineCode).includes(node);

function quantitiesOf(needs: readonly ConfirmedNeed[]) {
  const units = [...new Set(needs.map((n) => n.line.unit))].sort();
  return units.map((unit) => {
    const same = needs.filter((n) => n.line.unit === unit);
    return {
      unit,
      firmQuantity: sumDecimals(same.map((n) => n.line.quantity)),
      totalQuantity: sumDecimals(same.map((n) => totalQuantityOf(n.line))),
    };
  });
}

/** fast-check runs 100 cases; generous so a loaded machine does not fail them for time. */
const propertyTimeout = 120_000;

describe('aggregateDemand properties', () => {
  it(
    'does not depend on the order of the input',
    () => {
      fc.assert(
        fc.property(
          needsArb.chain((needs) =>
            fc.tuple(
              fc.constant(needs),
              fc.shuffledSubarray(needs, { minLength: needs.length, maxLength: needs.length }),
            ),
          ),
          ([needs, shuffled]) => {
            expect(aggregateDemand(shuffled, rates)).toEqual(aggregateDemand(needs, rates));
          },
        ),
      );
    },
    propertyTimeout,
  );

  it(
    'adds up over any split of the input: aggregate(A ∪ B) is the combination of aggregate(A) and aggregate(B)',
    () => {
      fc.assert(
        fc.property(needsArb, fc.infiniteStream(fc.boolean()), (needs, sides) => {
          const pick = [...sides.take(needs.length)];
          const a = needs.filter((_, i) => pick[i]);
          const b = needs.filter((_, i) => !pick[i]);
          const [whole, partA, partB] = [
            aggregateDemand(needs, rates),
            aggregateDemand(a, rates),
            aggregateDemand(b, rates),
          ];

          expect(whole.totals.valueEur).toBe(addDecimals(partA.totals.valueEur, partB.totals.valueEur));
          expect(whole.totals.lines).toBe(partA.totals.lines + partB.totals.lines);
          const union = <T>(x: T[], y: T[]) => new Set([...x, ...y]).size;
          expect(whole.totals.buyers).toBe(
            union(
              partA.buyers.map((x) => x.orgId),
              partB.buyers.map((x) => x.orgId),
            ),
          );
          expect(whole.totals.countries).toBe(
            union(
              partA.byCountry.map((x) => x.country),
              partB.byCountry.map((x) => x.country),
            ),
          );
          expect(whole.versionIds).toEqual([...new Set([...partA.versionIds, ...partB.versionIds])].sort());

          for (const node of whole.byCpv) {
            const [na, nb] = [partA, partB].map((p) => p.byCpv.find((n) => n.cpvCode === node.cpvCode));
            expect(node.valueEur).toBe(addDecimals(na?.valueEur ?? '0', nb?.valueEur ?? '0'));
            for (const q of node.quantities) {
              const [qa, qb] = [na, nb].map((n) => n?.quantities.find((x) => x.unit === q.unit));
              expect(q.firmQuantity).toBe(addDecimals(qa?.firmQuantity ?? '0', qb?.firmQuantity ?? '0'));
              expect(q.totalQuantity).toBe(addDecimals(qa?.totalQuantity ?? '0', qb?.totalQuantity ?? '0'));
            }
          }
          for (const year of whole.byDeliveryYear) {
            const [ya, yb] = [partA, partB].map((p) => p.byDeliveryYear.find((y) => y.year === year.year));
            expect(year.valueEur).toBe(addDecimals(ya?.valueEur ?? '0', yb?.valueEur ?? '0'));
          }
        }),
      );
    },
    propertyTimeout,
  );

  it(
    'makes every roll-up node the sum of its children plus the lines coded directly at it',
    () => {
      fc.assert(
        fc.property(needsArb, (needs) => {
          const aggregate = aggregateDemand(needs, rates);
          const codes = new Set(aggregate.byCpv.map((n) => n.cpvCode));
          for (const node of aggregate.byCpv) {
            const children = aggregate.byCpv.filter((n) => n.parentCode === node.cpvCode);
            expect(node.valueEur).toBe(sumDecimals([node.direct.valueEur, ...children.map((c) => c.valueEur)]));
            expect(node.lines).toBe(node.direct.lines + children.reduce((s, c) => s + c.lines, 0));
            for (const q of node.quantities) {
              const parts = [node.direct, ...children].map((p) => p.quantities.find((x) => x.unit === q.unit));
              expect(q.firmQuantity).toBe(sumDecimals(parts.map((p) => p?.firmQuantity ?? '0')));
              expect(q.totalQuantity).toBe(sumDecimals(parts.map((p) => p?.totalQuantity ?? '0')));
            }

            // And the direct part is exactly the input lines coded at this node.
            const direct = needs.filter((n) => n.line.cpvCode === node.cpvCode);
            expect(node.direct.valueEur).toBe(sumDecimals(direct.map((n) => lineValueEur(n.line, rates))));
            expect(node.direct.lines).toBe(direct.length);

            const subtree = needs.filter((n) => inSubtree(n.line.cpvCode, node.cpvCode));
            expect(node.buyers).toBe(new Set(subtree.map((n) => n.buyer.orgId)).size);
            expect(node.level).toBe(cpvLevel(node.cpvCode));
            if (node.parentCode === null) expect(node.level).toBe('division');
            else expect(codes.has(node.parentCode)).toBe(true);
          }
          const divisions = aggregate.byCpv.filter((n) => n.parentCode === null);
          expect(sumDecimals(divisions.map((d) => d.valueEur))).toBe(aggregate.totals.valueEur);
        }),
      );
    },
    propertyTimeout,
  );

  it(
    'never adds quantities of different units',
    () => {
      fc.assert(
        fc.property(needsArb, (needs) => {
          const aggregate = aggregateDemand(needs, rates);
          for (const node of aggregate.byCpv) {
            const subtree = needs.filter((n) => inSubtree(n.line.cpvCode, node.cpvCode));
            // Per unit, exactly the lines in that unit; one entry per unit that occurs.
            expect(node.quantities).toEqual(quantitiesOf(subtree));
          }
        }),
      );
    },
    propertyTimeout,
  );

  it(
    'splits the total exactly by country, delivery year and buyer type',
    () => {
      fc.assert(
        fc.property(needsArb, (needs) => {
          const aggregate = aggregateDemand(needs, rates);
          for (const groups of [aggregate.byCountry, aggregate.byDeliveryYear, aggregate.byBuyerType]) {
            expect(sumDecimals(groups.map((g) => g.valueEur))).toBe(aggregate.totals.valueEur);
            expect(groups.reduce((s, g) => s + g.lines, 0)).toBe(aggregate.totals.lines);
          }
          expect(aggregate.byDeliveryYear.map((y) => y.year)).toEqual(
            [...new Set(needs.map((n) => n.line.delivery.fromYear))].sort(),
          );
          expect(aggregate.totals.countries).toBe(aggregate.byCountry.length);
        }),
      );
    },
    propertyTimeout,
  );

  it(
    'lists everything in key order and records the versions and rates it used',
    () => {
      const increasing = <T>(keys: T[]) => keys.every((k, i) => i === 0 || keys[i - 1]! < k);
      fc.assert(
        fc.property(needsArb, (needs) => {
          const aggregate = aggregateDemand(needs, rates);
          expect(increasing(aggregate.byCpv.map((n) => n.cpvCode))).toBe(true);
          expect(increasing(aggregate.byCountry.map((n) => n.country))).toBe(true);
          expect(increasing(aggregate.byDeliveryYear.map((n) => n.year))).toBe(true);
          expect(increasing(aggregate.byBuyerType.map((n) => n.buyerLegalType))).toBe(true);
          expect(increasing(aggregate.buyers.map((n) => n.orgId))).toBe(true);
          expect(increasing(aggregate.versionIds)).toBe(true);
          for (const node of aggregate.byCpv) expect(increasing(node.quantities.map((q) => q.unit))).toBe(true);
          expect(new Set(aggregate.versionIds)).toEqual(new Set(needs.map((n) => n.versionId)));
          const foreign = [...new Set(needs.map((n) => n.line.currency).filter((c) => c !== 'EUR'))].sort();
          expect(Object.keys(aggregate.conversion.rates)).toEqual(foreign);
        }),
      );
    },
    propertyTimeout,
  );
});
