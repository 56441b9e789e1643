import { describe, expect, it } from 'vitest';

import { statementDetailsPatchSchema, statementDetailsSchema } from './statement.js';

const valid = {
  title: '  Electric buses  ',
  description: 'Joint demand for zero-emission buses',
  cpvCodes: ['34144900-7'],
  schedule: { deliveryFromYear: 2027, deliveryToYear: 2029, expectedProcurementStart: '2027-02-01' },
};

describe('statement details', () => {
  it('fills sensible defaults and trims text', () => {
    const parsed = statementDetailsSchema.parse(valid);
    expect(parsed.title).toBe('Electric buses');
    expect(parsed.schedule.needsAssessment).toBe('P30D');
    expect(parsed.schedule.reminderOffsets).toEqual(['P7D', 'P1D']);
    expect(parsed.criticalMass).toEqual({ minQuantityPerCpv: [] });
    expect(parsed.cpvCodes).toEqual(['34144900']);
  });

  it('names each broken rule', () => {
    const result = statementDetailsSchema.safeParse({
      ...valid,
      schedule: { ...valid.schedule, reminderOffsets: ['P1M'], deliveryToYear: 2026 },
      criticalMass: { minCountries: 31 },
    });
    expect(result.success).toBe(false);
    const paths = result.error!.issues.map((i) => i.path.join('.'));
    expect(paths).toEqual(expect.arrayContaining(['schedule.reminderOffsets.0', 'criticalMass.minCountries']));
  });

  it('refuses a minimum of fewer than 2 buyers at creation and in a patch, naming Art. 38(1)', () => {
    const rule =
      'must be at least 2: a joint procurement is carried out by two or more contracting authorities, the lead buyer and at least one other (Directive 2014/24/EU Art. 38(1))';
    for (const schema of [statementDetailsSchema, statementDetailsPatchSchema]) {
      const result = schema.safeParse({ ...valid, criticalMass: { minBuyers: 1 } });
      expect(result.error?.issues.map((i) => ({ field: i.path.join('.'), rule: i.message }))).toEqual([
        { field: 'criticalMass.minBuyers', rule },
      ]);
    }
    expect(statementDetailsSchema.parse({ ...valid, criticalMass: { minBuyers: 2 } }).criticalMass.minBuyers).toBe(2);
  });

  it('refuses an empty patch but accepts a partial one', () => {
    expect(statementDetailsPatchSchema.safeParse({}).success).toBe(false);
    expect(statementDetailsPatchSchema.parse({ title: 'New title' })).toEqual({ title: 'New title' });
  });
});
