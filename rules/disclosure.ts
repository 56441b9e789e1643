/**
 * Primary suppression, as statistical offices apply it (τ-ARGUS's minimum-frequency and (n,k)
 * dominance rules): a figure is sensitive when fewer than `minContributors` buyers make it up, or
 * when the largest one holds more than `dominanceShare` of it. Buyers that consented to show
 * their own figures are left out of the rule: their part is not protected (and an attacker is
 * assumed to know it). Shared: the server applies them (domain/disclosure/), the web explains them.
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
