import type { ConfirmedNeed, ConfirmedNeedBuyer, ConfirmedNeedLine } from '../../domain/aggregation.js';

/**
 * A buyer's confirmed need line worth exactly `valueEur` (quantity 1 at that unit price, in EUR,
 * for 2026, no options, renewals or framework), as the pure aggregation and its checks take it;
 * `overrides` change what a test is about (currency, delivery, …).
 */
export function confirmedNeed(
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
