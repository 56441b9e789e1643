import { disclosureRules } from '../../rules/disclosure.js';

/** The rules (minimum contributors, dominance, protection, p %) are shared with the web, which explains them: rules/disclosure.ts. */
export { disclosureRules };

export type SensitivityReason = 'fewer-buyers' | 'dominance';

export interface Sensitivity {
  reason: SensitivityReason;
  /** What is protected: the sum of the non-consenting contributions (absolute, for differences). */
  protectedAmount: number;
}

/** The rule applied to one figure's contributions (orgId → amount, which may be negative for a difference). */
export function sensitivityOf(
  contributions: ReadonlyMap<string, number>,
  consenting: ReadonlySet<string>,
): Sensitivity | null {
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
export function sensitivityOfStats(f: {
  contributors: number;
  protectedSum: number;
  largest: number;
  second: number;
}): Sensitivity | null {
  if (f.contributors === 0) return null;
  if (f.contributors < disclosureRules.minContributors)
    return { reason: 'fewer-buyers', protectedAmount: f.protectedSum };
  // A relative margin keeps a share of exactly 85 % (in decimals) on the safe side of float rounding.
  if (f.largest > f.protectedSum * disclosureRules.dominanceShare * (1 - 1e-12))
    return { reason: 'dominance', protectedAmount: f.protectedSum };
  if (f.protectedSum - f.largest - f.second < disclosureRules.pPercent * f.largest * (1 + 1e-12))
    return { reason: 'dominance', protectedAmount: f.protectedSum };
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
