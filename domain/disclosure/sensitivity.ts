import { Decimal } from 'decimal.js';

/**
 * Primary suppression, as statistical offices apply it (τ-ARGUS's minimum-frequency and (n,k)
 * dominance rules): a figure is sensitive when fewer than `minContributors` buyers make it up, or
 * when the largest one holds more than `dominanceShare` of it. Buyers that consented to show
 * their own figures are left out of the rule: their part is not protected (and an attacker is
 * assumed to know it).
 */
export const disclosureRules = {
  minContributors: 3,
  /** (1, 85) dominance. */
  dominanceShare: new Decimal('0.85'),
  /** A sensitive figure must stay uncertain by at least this share of its protected part, both ways. */
  protectionShare: 0.15,
} as const;

export type SensitivityReason = 'fewer-buyers' | 'dominance';

export interface Sensitivity {
  reason: SensitivityReason;
  /** What is protected: the sum of the non-consenting contributions (absolute, for differences). */
  protectedAmount: number;
}

/** The rule applied to one figure's contributions (orgId → amount, which may be negative for a difference). */
export function sensitivityOf(contributions: ReadonlyMap<string, Decimal>, consenting: ReadonlySet<string>): Sensitivity | null {
  const protectedParts = [...contributions].filter(([org, v]) => !consenting.has(org) && !v.isZero()).map(([, v]) => v.abs());
  if (protectedParts.length === 0) return null;
  const sum = Decimal.sum(...protectedParts);
  const protectedAmount = sum.toNumber();
  if (protectedParts.length < disclosureRules.minContributors) return { reason: 'fewer-buyers', protectedAmount };
  const largest = Decimal.max(...protectedParts);
  if (largest.greaterThan(sum.times(disclosureRules.dominanceShare))) return { reason: 'dominance', protectedAmount };
  return null;
}

/** The consented part of a figure: known to everyone. */
export function consentedPart(contributions: ReadonlyMap<string, Decimal>, consenting: ReadonlySet<string>): number {
  let k = new Decimal(0);
  for (const [org, v] of contributions) if (consenting.has(org)) k = k.plus(v);
  return k.toNumber();
}

export function total(contributions: ReadonlyMap<string, Decimal> | undefined): number {
  if (!contributions || contributions.size === 0) return 0;
  return Decimal.sum(...contributions.values()).toNumber();
}
