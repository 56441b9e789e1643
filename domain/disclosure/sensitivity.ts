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
  dominanceShare: 0.85,
  /** A sensitive figure must stay uncertain by at least this share of its protected part, both ways. */
  protectionShare: 0.15,
  /**
   * p % rule (p = 15): also sensitive when what the others hold beyond the two largest is under
   * 15 % of the largest, so the second largest, taking off its own part, would know the largest
   * to within 15 %. The (1, 85) rule alone lets a 78 / 12 / 10 split through.
   */
  pPercent: 0.15,
} as const;

export type SensitivityReason = 'fewer-buyers' | 'dominance';

export interface Sensitivity {
  reason: SensitivityReason;
  /** What is protected: the sum of the non-consenting contributions (absolute, for differences). */
  protectedAmount: number;
}

/** The rule applied to one figure's contributions (orgId → amount, which may be negative for a difference). */
export function sensitivityOf(contributions: ReadonlyMap<string, number>, consenting: ReadonlySet<string>): Sensitivity | null {
  let contributors = 0;
  let protectedSum = 0;
  let largest = 0;
  let second = 0;
  for (const [org, v] of contributions) {
    if (consenting.has(org) || v === 0) continue;
    const a = Math.abs(v);
    contributors++;
    protectedSum += a;
    if (a > largest) [largest, second] = [a, largest];
    else if (a > second) second = a;
  }
  return sensitivityOfStats({ contributors, protectedSum, largest, second });
}

/** The same rule on a figure's stats (statistical-tables.ts). */
export function sensitivityOfStats(f: { contributors: number; protectedSum: number; largest: number; second: number }): Sensitivity | null {
  if (f.contributors === 0) return null;
  if (f.contributors < disclosureRules.minContributors) return { reason: 'fewer-buyers', protectedAmount: f.protectedSum };
  // A relative margin keeps a share of exactly 85 % (in decimals) on the safe side of float rounding.
  if (f.largest > f.protectedSum * disclosureRules.dominanceShare * (1 - 1e-12)) return { reason: 'dominance', protectedAmount: f.protectedSum };
  if (f.protectedSum - f.largest - f.second < disclosureRules.pPercent * f.largest * (1 + 1e-12)) return { reason: 'dominance', protectedAmount: f.protectedSum };
  return null;
}

/** The consented part of a figure: known to everyone. */
export function consentedPart(contributions: ReadonlyMap<string, number>, consenting: ReadonlySet<string>): number {
  let k = 0;
  for (const [org, v] of contributions) if (consenting.has(org)) k += v;
  return k;
}

export function total(contributions: ReadonlyMap<string, number> | undefined): number {
  let sum = 0;
  if (contributions) for (const v of contributions.values()) sum += v;
  return sum;
}
