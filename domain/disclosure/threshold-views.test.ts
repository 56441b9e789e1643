import { describe, expect, it } from 'vitest';

import { confirmedNeed } from '../../test/support/confirmed-needs.js';
import type { ConfirmedNeedBuyer } from '../aggregation.js';
import { aggregateDemand } from '../aggregation.js';
import { checkEuThresholds } from '../thresholds.js';
import { discloseThresholds, type DisclosurePattern } from './protected-views.js';

const rates = { date: '2026-11-20', source: 'ECB', rates: {} };
const ministry: ConfirmedNeedBuyer = { orgId: 'org-min', name: 'Ministry', country: 'FI', buyerLegalType: 'cga' };

const need = (cpvCode: string, valueEur: string) => confirmedNeed(ministry, cpvCode, valueEur);

// 100 000 of supplies and 100 000 of services for a central buyer: at or above 140 000 as one contract.
const check = checkEuThresholds(
  aggregateDemand([need('34144900', '100000'), need('90910000', '100000')], rates),
  '2026-06-01',
);
const pattern = (...cells: string[]): DisclosurePattern => ({
  withheld: Object.fromEntries(cells.map((c) => [c, 'fewer-buyers'])) as DisclosurePattern['withheld'],
});

describe('the one-contract view (Art. 3), as each viewer sees it', () => {
  it('is shown whole to the lead and where nothing is withheld', () => {
    for (const p of [null, pattern()]) {
      const shown = discloseThresholds(check, p).mixedContract!;
      expect(shown.withheld).toBe(false);
      expect(shown.readings).toEqual(check.mixedContract!.readings);
      expect(shown.readings[0]).toMatchObject({ position: 'at-or-above', differenceEur: '60000.00' });
    }
  });

  it('is withheld with the total: its verdict and difference give the total away', () => {
    const shown = discloseThresholds(check, pattern('total')).mixedContract!;
    expect(shown).toEqual({ natures: ['supplies', 'services'], readings: [], withheld: true });
  });

  it('is withheld with any nature: which part is the main subject orders their values', () => {
    const shown = discloseThresholds(check, pattern('nature:services')).mixedContract!;
    expect(shown).toEqual({ natures: ['supplies', 'services'], readings: [], withheld: true });
  });

  it('is null when there is no mix', () => {
    const single = checkEuThresholds(aggregateDemand([need('34144900', '1')], rates), '2026-06-01');
    expect(discloseThresholds(single, pattern('total')).mixedContract).toBeNull();
  });
});
