import fc from 'fast-check';
import { describe, expect, it } from 'vitest';

import { consultationDemand, normaliseCpvPrefix, subscriptionMatches, subscriptionSchema } from './suppliers.js';

describe('CPV prefixes', () => {
  it('reads a full code with trailing zeros as the node above it', () => {
    expect(normaliseCpvPrefix('45000000-7')).toBe('45');
    expect(normaliseCpvPrefix('43260000')).toBe('4326');
    expect(normaliseCpvPrefix('43262100')).toBe('432621');
    expect(normaliseCpvPrefix('4326')).toBe('4326');
  });
  it('refuses what is not a prefix of a known division', () => {
    for (const bad of ['4', '01', 'abc', '123456789', '99']) expect(normaliseCpvPrefix(bad)).toBeUndefined();
  });
  it('names the field and the rule', () => {
    const r = subscriptionSchema.safeParse({ cpvPrefixes: ['45', 'x'], countries: ['FRA'] });
    expect(r.success).toBe(false);
    const paths = r.error!.issues.map((i) => i.path.join('.'));
    expect(paths).toEqual(expect.arrayContaining(['cpvPrefixes.1', 'countries.0']));
  });
});

describe('subscription matching', () => {
  const demand = { cpvCodes: ['43260000', '34144900'], countries: ['FI', 'NO'] };
  it('matches by prefix and country, every country when none is named', () => {
    expect(subscriptionMatches({ cpvPrefixes: ['43'], countries: [] }, demand)).toBe(true);
    expect(subscriptionMatches({ cpvPrefixes: ['4326'], countries: ['NO'] }, demand)).toBe(true);
    expect(subscriptionMatches({ cpvPrefixes: ['4326'], countries: ['DE'] }, demand)).toBe(false);
    expect(subscriptionMatches({ cpvPrefixes: ['45'], countries: [] }, demand)).toBe(false);
  });
  it('a shorter prefix matches whatever a longer one matches', () => {
    fc.assert(
      fc.property(fc.stringMatching(/^43\d{6}$/), fc.integer({ min: 2, max: 8 }), (code, len) => {
        const d = { cpvCodes: [code], countries: ['FI'] };
        if (subscriptionMatches({ cpvPrefixes: [code.slice(0, len)], countries: [] }, d)) {
          expect(subscriptionMatches({ cpvPrefixes: [code.slice(0, 2)], countries: [] }, d)).toBe(true);
        }
      }),
    );
  });
});

describe('what a consultation is matched on', () => {
  const node = (cpvCode: string, direct: number) => ({ cpvCode, direct: { lines: direct } });
  it('takes the statement’s codes, the codes lines are coded at directly, and the buyers’ countries', () => {
    const aggregate = {
      byCpv: [node('43000000', 0), node('43200000', 0), node('43260000', 2), node('34144910', 1)],
      buyers: [{ country: 'FI ' }, { country: 'NO' }, { country: 'FI' }],
    } as unknown as Parameters<typeof consultationDemand>[1];
    const demand = consultationDemand(['43260000-3', '34144900'], aggregate);
    expect(demand.cpvCodes).toEqual(['43260000-3', '34144900', '43260000', '34144910']);
    expect(demand.countries).toEqual(['FI', 'NO']);
    // A parent node with no lines of its own adds nothing a prefix could not already match.
    expect(demand.cpvCodes).not.toContain('43000000');
    expect(subscriptionMatches({ cpvPrefixes: ['3414491'], countries: ['NO'] }, demand)).toBe(true);
  });
  it('before the first aggregate: the statement’s codes, every country', () => {
    const demand = consultationDemand(['43260000-3'], undefined);
    expect(demand).toEqual({ cpvCodes: ['43260000-3'], countries: [] });
    expect(subscriptionMatches({ cpvPrefixes: ['4326'], countries: [] }, demand)).toBe(true);
  });
});
