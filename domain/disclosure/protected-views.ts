import type { Aggregate, UnitQuantity } from '../aggregation.js';
import type { CriticalMassRuleResult, CriticalMassVerdict } from '../critical-mass.js';
import type { DecimalString } from '../money.js';
import { shownAmount } from '../money.js';
import type { MixedContractCheck, NatureThresholdCheck, ThresholdCheck } from '../thresholds.js';
import { type CellKey, cellKeys } from './statistical-tables.js';
import type { WithheldReason } from './suppression.js';

/**
 * Every figure of an aggregate and its verdicts, as one viewer may see it. The lead buyer sees
 * them all (`pattern` null); everyone else sees what the statement's disclosure pattern leaves:
 * a withheld cell shows neither value, quantities nor buyer count, only why it is withheld. Line
 * counts are the lead's only: they tell a reader nothing the value and the buyer count do not, and
 * anyone who counts a line per listed buyer can narrow a small one down, so they are not
 * published, and suppression.ts has no line counts to protect. The pattern is computed once per
 * version of the figures (see suppression.ts).
 */
export interface DisclosurePattern {
  withheld: Readonly<Record<CellKey, WithheldReason>>;
}

export interface DisclosedFigures {
  /** Null when withheld. */
  buyers: number | null;
  valueEur: DecimalString | null;
  /** The lead's full view only. */
  lines: number | null;
  withheld: boolean;
  withheldReason: WithheldReason | null;
}

export interface DisclosedCpvNode extends DisclosedFigures {
  cpvCode: string;
  level: Aggregate['byCpv'][number]['level'];
  parentCode: string | null;
  quantities: UnitQuantity[] | null;
}

/** The lines coded at exactly one CPV code (what a published item is). */
export interface DisclosedItem extends DisclosedFigures {
  cpvCode: string;
  quantities: UnitQuantity[] | null;
}

export interface DisclosedAggregate {
  totals: DisclosedFigures & { buyers: number; countries: number };
  byCpv: DisclosedCpvNode[];
  items: DisclosedItem[];
  byCountry: (DisclosedFigures & { country: string })[];
  byDeliveryYear: (DisclosedFigures & { year: number })[];
  byBuyerType: (DisclosedFigures & { buyerLegalType: string })[];
  buyers: Aggregate['buyers'];
  conversion: Aggregate['conversion'];
  needVersions: number;
  /** True when every figure is shown (the lead buyer's view, or nothing needed withholding). */
  complete: boolean;
}

function reasonOf(pattern: DisclosurePattern | null, key: CellKey): WithheldReason | null {
  return pattern?.withheld[key] ?? null;
}

/**
 * The limits the figures of a statement are shown beside: every EU threshold its check names and
 * its critical-mass minimum of value. A figure is shown to the cent (rules/money.ts) unless the
 * cents would put it on the other side of, or onto, one of these; then it is shown exactly.
 */
export function verdictLimits(
  criticalMass: Pick<CriticalMassVerdict, 'results'> | null,
  thresholds: Pick<ThresholdCheck, 'natures' | 'mixedContract'> | null,
): DecimalString[] {
  const limits = new Set<DecimalString>();
  for (const r of criticalMass?.results ?? []) if (r.rule === 'minTotalValueEur') limits.add(r.required);
  for (const n of thresholds?.natures ?? []) limits.add(n.thresholdEur);
  for (const r of thresholds?.mixedContract?.readings ?? []) limits.add(r.thresholdEur);
  return [...limits];
}

function figures(
  pattern: DisclosurePattern | null,
  key: CellKey,
  g: { buyers: number; valueEur: DecimalString; lines: number },
  limits: readonly DecimalString[],
): DisclosedFigures {
  const reason = reasonOf(pattern, key);
  return reason
    ? { buyers: null, valueEur: null, lines: null, withheld: true, withheldReason: reason }
    : {
        buyers: g.buyers,
        // The aggregate keeps exact sums (20 decimals after a conversion); every output shows cents.
        valueEur: shownAmount(g.valueEur, limits),
        lines: pattern === null ? g.lines : null,
        withheld: false,
        withheldReason: null,
      };
}

/** Whether a CPV node has children in the aggregate: its own lines are then a part of their own. */
function nodesWithChildren(aggregate: Pick<Aggregate, 'byCpv'>): Set<string> {
  return new Set(aggregate.byCpv.map((n) => n.parentCode).filter((p): p is string => p !== null));
}

/**
 * `limits`: what the figures are shown beside (`verdictLimits`), where a verdict is shown with them;
 * none for the public documents, which show no verdict.
 */
export function discloseAggregate(
  aggregate: Aggregate,
  pattern: DisclosurePattern | null,
  limits: readonly DecimalString[] = [],
): DisclosedAggregate {
  const shown = (key: CellKey, g: { buyers: number; valueEur: DecimalString; lines: number }) =>
    figures(pattern, key, g, limits);
  const parents = nodesWithChildren(aggregate);
  const buyersOfItem = (code: string) => aggregate.byCpv.find((n) => n.cpvCode === code)!.buyers;
  return {
    // How many buyers and countries take part is no one's figure: every participant sees the roster.
    totals: {
      ...shown(cellKeys.total, aggregate.totals),
      buyers: aggregate.totals.buyers,
      countries: aggregate.totals.countries,
    },
    byCpv: aggregate.byCpv.map((n) => {
      const f = shown(cellKeys.cpv(n.cpvCode), n);
      return {
        cpvCode: n.cpvCode,
        level: n.level,
        parentCode: n.parentCode,
        ...f,
        quantities: f.withheld ? null : n.quantities,
      };
    }),
    items: aggregate.byCpv
      .filter((n) => n.direct.lines > 0)
      .map((n) => {
        const key = parents.has(n.cpvCode) ? cellKeys.direct(n.cpvCode) : cellKeys.cpv(n.cpvCode);
        // A part's buyer count is not kept apart from its node's; shown only for a leaf, where they are one.
        const f = shown(key, {
          buyers: parents.has(n.cpvCode) ? 0 : buyersOfItem(n.cpvCode),
          valueEur: n.direct.valueEur,
          lines: n.direct.lines,
        });
        return {
          cpvCode: n.cpvCode,
          ...f,
          buyers: parents.has(n.cpvCode) ? null : f.buyers,
          quantities: f.withheld ? null : n.direct.quantities,
        };
      }),
    byCountry: aggregate.byCountry.map((c) => ({
      country: c.country,
      ...shown(cellKeys.country(c.country), c),
    })),
    byDeliveryYear: aggregate.byDeliveryYear.map((y) => ({
      year: y.year,
      ...shown(cellKeys.year(y.year), y),
    })),
    byBuyerType: aggregate.byBuyerType.map((t) => ({
      buyerLegalType: t.buyerLegalType,
      ...shown(cellKeys.type(t.buyerLegalType), t),
    })),
    buyers: aggregate.buyers,
    conversion: aggregate.conversion,
    needVersions: aggregate.versionIds.length,
    complete: pattern === null || Object.keys(pattern.withheld).length === 0,
  };
}

type Withholdable<R> = R extends CriticalMassRuleResult
  ? Omit<R, 'actual' | 'gap' | 'met'> & {
      actual: R['actual'] | null;
      gap: R['gap'] | null;
      /** Null when the figure it is decided on is withheld: the verdict alone would bound it. */
      met: boolean | null;
      withheld: boolean;
    }
  : never;

export type DisclosedRuleResult = Withholdable<CriticalMassRuleResult>;

export interface DisclosedCriticalMass {
  /** Shown always: the stage the statement moves to says it anyway. */
  met: boolean;
  results: DisclosedRuleResult[];
}

/** Which cell a critical-mass rule is decided on; counts of buyers and countries are not protected figures. */
function ruleCell(result: CriticalMassRuleResult): CellKey | null {
  if (result.rule === 'minTotalValueEur') return cellKeys.total;
  if (result.rule === 'minQuantityPerCpv') return cellKeys.cpv(result.cpvCode);
  return null;
}

/** The figures are as the check recorded them: shown by the one rule (rules/money.ts) beside the minimum. */
export function discloseCriticalMass(
  verdict: CriticalMassVerdict,
  pattern: DisclosurePattern | null,
): DisclosedCriticalMass {
  return {
    met: verdict.met,
    results: verdict.results.map((r) => {
      const cell = ruleCell(r);
      const hidden = cell !== null && reasonOf(pattern, cell) !== null;
      return (
        hidden ? { ...r, actual: null, gap: null, met: null, withheld: true } : { ...r, withheld: false }
      ) as DisclosedRuleResult;
    }),
  };
}

export type DisclosedNatureCheck = Omit<
  NatureThresholdCheck,
  'estimatedValueEur' | 'exactValueEur' | 'position' | 'differenceEur'
> & {
  estimatedValueEur: DecimalString | null;
  position: NatureThresholdCheck['position'] | null;
  differenceEur: DecimalString | null;
  withheld: boolean;
};

/**
 * The one-contract view, all or nothing: its verdict bounds the total, and which part is the main
 * subject orders the natures' values, so it is shown only when the total and every nature are.
 */
export type DisclosedMixedContract = MixedContractCheck & { withheld: boolean };

export interface DisclosedThresholdCheck extends Omit<
  ThresholdCheck,
  'estimatedValueEur' | 'exactValueEur' | 'natures' | 'atOrAboveAny' | 'mixedContract'
> {
  estimatedValueEur: DecimalString | null;
  natures: DisclosedNatureCheck[];
  /** Null when only a withheld nature could decide it. */
  atOrAboveAny: boolean | null;
  mixedContract: DisclosedMixedContract | null;
}

/**
 * The threshold check as a viewer may see it. Its figures are as the check recorded them, shown by
 * the one rule (rules/money.ts) beside their thresholds; the exact sums they were decided on stay
 * in the snapshot.
 */
export function discloseThresholds(check: ThresholdCheck, pattern: DisclosurePattern | null): DisclosedThresholdCheck {
  const natures: DisclosedNatureCheck[] = check.natures.map(({ exactValueEur: _exact, ...n }) =>
    reasonOf(pattern, cellKeys.nature(n.nature)) !== null
      ? { ...n, estimatedValueEur: null, position: null, differenceEur: null, withheld: true }
      : { ...n, withheld: false },
  );
  const anyShownAbove = natures.some((n) => n.position === 'at-or-above');
  const allShown = natures.every((n) => !n.withheld);
  const totalShown = reasonOf(pattern, cellKeys.total) === null;
  const { exactValueEur: _exact, ...rest } = check;
  const mixed = check.mixedContract;
  return {
    ...rest,
    estimatedValueEur: totalShown ? check.estimatedValueEur : null,
    natures,
    atOrAboveAny: anyShownAbove ? true : allShown ? false : null,
    mixedContract:
      mixed === null
        ? null
        : totalShown && allShown
          ? { ...mixed, withheld: false }
          : { natures: mixed.natures, readings: [], withheld: true },
  };
}
