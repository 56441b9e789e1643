import type { Aggregate } from './aggregation.js';
import type { DecimalString } from './money.js';
import { compareDecimals, normaliseDecimal, shownAmount, shownDifference, subtractDecimals } from './money.js';
import type { CriticalMassRules } from './statement.js';

/**
 * The critical-mass check: does the aggregated demand meet the statement's own rules? Each rule
 * reports what was required, what there is, and the gap, so a shortfall says exactly how far off
 * the group is and the lead buyer can decide whether to extend, invite more buyers or proceed.
 */

interface RuleOutcome<T> {
  /** Path of the rule in the statement, e.g. `criticalMass.minQuantityPerCpv[0]`. */
  field: string;
  required: T;
  actual: T;
  met: boolean;
  /** How much is missing; zero when met. */
  gap: T;
}

export type CriticalMassRuleResult =
  | ({ rule: 'minBuyers' } & RuleOutcome<number>)
  | ({ rule: 'minCountries' } & RuleOutcome<number>)
  /** Amounts in EUR to the cent; `met` decided on the exact total (the aggregate's). */
  | ({ rule: 'minTotalValueEur' } & RuleOutcome<DecimalString>)
  | ({ rule: 'minQuantityPerCpv'; cpvCode: string; unit: string } & RuleOutcome<DecimalString>);

export interface CriticalMassVerdict {
  /** True when every rule given is met (also when the statement sets no rule at all). */
  met: boolean;
  /** One result per rule the statement sets, in the order: buyers, countries, value, quantities as listed. */
  results: CriticalMassRuleResult[];
}

/** What the check reads from an aggregate; the SQL aggregation yields the same shape. */
export type CriticalMassInput = Pick<Aggregate, 'totals' | 'byCpv'>;

function countOutcome(field: string, required: number, actual: number): RuleOutcome<number> {
  return { field, required, actual, met: actual >= required, gap: Math.max(0, required - actual) };
}

/**
 * Decided on the exact figures, reported as `present` writes them: the value rule by the one rule
 * of showing money (rules/money.ts), so 999,999.995 (which does not reach 1,000,000, though its
 * cents do) is reported exactly, and a gap never reads as 0.00. The exact total stays in the aggregate.
 */
function amountOutcome(
  field: string,
  required: DecimalString,
  actual: DecimalString,
  present: (v: DecimalString, beside: readonly DecimalString[] | 'difference') => DecimalString,
): RuleOutcome<DecimalString> {
  const met = compareDecimals(actual, required) >= 0;
  return {
    field,
    required: present(required, []),
    actual: present(actual, [required]),
    met,
    gap: met ? present('0', []) : present(subtractDecimals(required, actual), 'difference'),
  };
}

/**
 * Checks `rules` against an aggregate. The total value is compared exactly, as every check is
 * (issue 17 point 11), and reported to the cent. A quantity rule counts the firm quantity in
 * the rule's unit at the rule's CPV node, descendants included: options and renewals are not a
 * commitment, and a critical mass is about what the buyers commit to. Quantities in other units
 * never count towards it.
 */
export function checkCriticalMass(rules: CriticalMassRules, aggregate: CriticalMassInput): CriticalMassVerdict {
  const results: CriticalMassRuleResult[] = [];
  if (rules.minBuyers !== undefined) {
    results.push({
      rule: 'minBuyers',
      ...countOutcome('criticalMass.minBuyers', rules.minBuyers, aggregate.totals.buyers),
    });
  }
  if (rules.minCountries !== undefined) {
    results.push({
      rule: 'minCountries',
      ...countOutcome('criticalMass.minCountries', rules.minCountries, aggregate.totals.countries),
    });
  }
  if (rules.minTotalValueEur !== undefined) {
    results.push({
      rule: 'minTotalValueEur',
      ...amountOutcome(
        'criticalMass.minTotalValueEur',
        rules.minTotalValueEur,
        aggregate.totals.valueEur,
        (v, beside) => (beside === 'difference' ? shownDifference(v) : shownAmount(v, beside)),
      ),
    });
  }
  const nodes = new Map(aggregate.byCpv.map((n) => [n.cpvCode, n]));
  rules.minQuantityPerCpv.forEach((rule, i) => {
    // Rules may carry the check digit; the aggregate is keyed on the 8 digits.
    const cpvCode = rule.cpvCode.slice(0, 8);
    const quantity = nodes.get(cpvCode)?.quantities.find((q) => q.unit === rule.unit)?.firmQuantity ?? '0';
    results.push({
      rule: 'minQuantityPerCpv',
      cpvCode,
      unit: rule.unit,
      ...amountOutcome(`criticalMass.minQuantityPerCpv[${i}]`, rule.minQuantity, quantity, (v) => normaliseDecimal(v)),
    });
  });
  return { met: results.every((r) => r.met), results };
}
