import { describe, expect, it } from 'vitest';
import { discloseAggregate } from './aggregate-disclosure.js';
import { aggregateDemand, type ConfirmedNeed, type ConfirmedNeedBuyer } from './aggregation.js';

const buyer = (orgId: string, country: string): ConfirmedNeedBuyer => ({ orgId, name: orgId, country, buyerLegalType: 'la' });
const need = (b: ConfirmedNeedBuyer, cpvCode: string, quantity: string): ConfirmedNeed => ({
  buyer: b,
  versionId: `v-${b.orgId}`,
  line: {
    cpvCode,
    quantity,
    unit: 'C62',
    unitPrice: '1000',
    currency: 'EUR',
    delivery: { fromYear: 2027, toYear: 2027 },
    optionalQuantity: '0',
    renewals: { count: 0, quantityEach: '0' },
    frameworkMonths: null,
  },
});

const a = buyer('a', 'FI');
const b = buyer('b', 'FI');
const c = buyer('c', 'DK');
// Buses (34121000) are asked for by a and b; only c asks for cranes (43262100).
const aggregate = aggregateDemand([need(a, '34121000', '2'), need(b, '34121000', '3'), need(c, '43262100', '7')], { date: '2026-11-01', source: 'none', rates: {} });

describe('what participants see of an aggregate', () => {
  it('withholds every group that only one buyer makes up, and keeps totals', () => {
    const seen = discloseAggregate(aggregate, false);
    expect(seen.totals).toEqual(aggregate.totals);
    expect(seen.complete).toBe(false);
    const buses = seen.byCpv.find((n) => n.cpvCode === '34121000')!;
    expect(buses).toMatchObject({ buyers: 2, valueEur: '5000', lines: 2, withheld: false });
    const cranes = seen.byCpv.find((n) => n.cpvCode === '43262100')!;
    expect(cranes).toMatchObject({ buyers: 1, valueEur: null, lines: null, quantities: null, withheld: true });
    expect(seen.byCountry.find((g) => g.country === 'DK')).toMatchObject({ valueEur: null, withheld: true });
    expect(seen.byCountry.find((g) => g.country === 'FI')).toMatchObject({ valueEur: '5000', withheld: false });
    expect(JSON.stringify(seen)).not.toContain('7000');
    expect(seen.needVersions).toBe(3);
  });

  it('shows the lead every figure', () => {
    const seen = discloseAggregate(aggregate, true);
    expect(seen.complete).toBe(true);
    expect(seen.byCpv.every((n) => !n.withheld && n.valueEur !== null)).toBe(true);
    expect(seen.byCpv.find((n) => n.cpvCode === '43262100')).toMatchObject({ valueEur: '7000', lines: 1 });
  });
});
