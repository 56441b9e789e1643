import { describe, expect, it } from 'vitest';

import { confirmedNeed } from '../../test/support/confirmed-needs.js';
import type { ConfirmedNeed, ConfirmedNeedBuyer } from '../aggregation.js';
import { aggregateDemand } from '../aggregation.js';
import { checkCriticalMass } from '../critical-mass.js';
import type { ExchangeRateTable } from '../money.js';
import { criticalMassSchema } from '../statement.js';
import { checkEuThresholds } from '../thresholds.js';
import { discloseAggregate, discloseCriticalMass, discloseThresholds, verdictLimits } from './protected-views.js';

/**
 * Issue 17 point 11, end to end through the pure code: the figures every output shows come out of
 * the disclosure views by the one rule (rules/money.ts), and read as their verdicts do.
 */
const rates: ExchangeRateTable = { date: '2026-11-20', source: 'ECB', rates: { SEK: '11.2345' } };
const oslo: ConfirmedNeedBuyer = { orgId: 'org-oslo', name: 'Oslo kommune', country: 'NO', buyerLegalType: 'la' };
/** Works for Oslo delivered in 2027, one unit at `unitPrice`. */
const work = (unitPrice: string, currency = 'EUR') =>
  confirmedNeed(oslo, '45000000', unitPrice, { currency, delivery: { fromYear: 2027, toYear: 2027 } });

function views(needs: ConfirmedNeed[], minTotalValueEur: string) {
  const aggregate = aggregateDemand(needs, rates);
  const criticalMass = checkCriticalMass(criticalMassSchema.parse({ minTotalValueEur }), aggregate);
  const thresholds = checkEuThresholds(aggregate, '2026-06-01');
  return {
    aggregate: discloseAggregate(aggregate, null, verdictLimits(criticalMass, thresholds)),
    criticalMass: discloseCriticalMass(criticalMass, null),
    thresholds: discloseThresholds(thresholds, null),
  };
}

describe('figures as every output shows them', () => {
  it('shows a converted total to the cent, not with its 20 decimals', () => {
    const v = views([work('60633333', 'SEK')], '1000');
    // 60,633,333 SEK at 11.2345 per EUR is 5,397,065.5569896…: to the cent.
    expect(v.aggregate.totals.valueEur).toBe('5397065.56');
    expect(v.aggregate.byCountry[0]!.valueEur).toBe('5397065.56');
    expect(v.thresholds.natures[0]).toMatchObject({ estimatedValueEur: '5397065.56', thresholdEur: '5404000.00' });
    expect(v.thresholds.estimatedValueEur).toBe('5397065.56');
  });

  it('a half-cent below the works threshold is below, and reads so everywhere it is shown', () => {
    const v = views([work('5403999.995')], '5404000');
    // Art. 4: "equal to or greater than". 5,403,999.995 is neither; its cents would read 5,404,000.00.
    expect(v.thresholds.natures[0]).toMatchObject({
      nature: 'works',
      position: 'below',
      estimatedValueEur: '5403999.995',
      thresholdEur: '5404000.00',
      differenceEur: '0.01',
    });
    expect(v.thresholds.atOrAboveAny).toBe(false);
    expect(v.thresholds.estimatedValueEur).toBe('5403999.995');
    expect(v.aggregate.totals.valueEur).toBe('5403999.995');
    expect(v.criticalMass.met).toBe(false);
    expect(v.criticalMass.results[0]).toMatchObject({ actual: '5403999.995', required: '5404000.00', gap: '0.01' });
    // Short by less than half a cent: the gap reads as a gap, not as 0.00.
    const hair = views([work('5403999.999')], '5404000');
    expect(hair.thresholds.natures[0]).toMatchObject({ position: 'below', differenceEur: '0.001' });
    expect(hair.criticalMass.results[0]).toMatchObject({ met: false, actual: '5403999.999', gap: '0.001' });
  });

  it('at the threshold or above it the cents are shown', () => {
    const at = views([work('5404000')], '5404000');
    expect(at.thresholds.natures[0]).toMatchObject({ position: 'at-or-above', estimatedValueEur: '5404000.00' });
    expect(at.aggregate.totals.valueEur).toBe('5404000.00');
    const above = views([work('5404000.006')], '1000');
    expect(above.thresholds.natures[0]).toMatchObject({ position: 'at-or-above', estimatedValueEur: '5404000.01' });
    // Above by less than half a cent: the cents read "at", which it is (Art. 4), and the difference is not none.
    const hairAbove = views([work('5404000.004')], '1000');
    expect(hairAbove.thresholds.natures[0]).toMatchObject({
      position: 'at-or-above',
      estimatedValueEur: '5404000.00',
      differenceEur: '0.004',
    });
  });
});
