import type { Aggregate, UnitQuantity } from './aggregation.js';
import type { DecimalString } from './money.js';

/**
 * What the participants and Commission staff see of an aggregate. A buyer's need lines are
 * confidential to it and the lead, so a group with fewer than `minBuyersPerCell` buyers would
 * give one buyer's demand away: its figures are withheld (primary cell suppression, as
 * statistical offices do). Totals, verdicts and the list of buyers stay visible.
 */
export const minBuyersPerCell = 2;

export interface DisclosedGroup {
  buyers: number;
  /** Null when withheld because fewer than `minBuyersPerCell` buyers make it up. */
  valueEur: DecimalString | null;
  lines: number | null;
  withheld: boolean;
}

export interface DisclosedCpvNode extends DisclosedGroup {
  cpvCode: string;
  level: Aggregate['byCpv'][number]['level'];
  parentCode: string | null;
  quantities: UnitQuantity[] | null;
}

export interface DisclosedAggregate {
  totals: Aggregate['totals'];
  byCpv: DisclosedCpvNode[];
  byCountry: (DisclosedGroup & { country: string })[];
  byDeliveryYear: (DisclosedGroup & { year: number })[];
  byBuyerType: (DisclosedGroup & { buyerLegalType: string })[];
  buyers: Aggregate['buyers'];
  conversion: Aggregate['conversion'];
  needVersions: number;
  /** True when every figure is shown (the lead buyer's view). */
  complete: boolean;
}

function group(g: { buyers: number; valueEur: DecimalString; lines: number }, full: boolean): DisclosedGroup {
  const withheld = !full && g.buyers < minBuyersPerCell;
  return { buyers: g.buyers, valueEur: withheld ? null : g.valueEur, lines: withheld ? null : g.lines, withheld };
}

/** The aggregate as one viewer may see it: everything for the lead, suppressed small cells otherwise. */
export function discloseAggregate(aggregate: Aggregate, full: boolean): DisclosedAggregate {
  return {
    totals: aggregate.totals,
    byCpv: aggregate.byCpv.map((n) => {
      const g = group(n, full);
      return { cpvCode: n.cpvCode, level: n.level, parentCode: n.parentCode, ...g, quantities: g.withheld ? null : n.quantities };
    }),
    byCountry: aggregate.byCountry.map((c) => ({ country: c.country, ...group(c, full) })),
    byDeliveryYear: aggregate.byDeliveryYear.map((y) => ({ year: y.year, ...group(y, full) })),
    byBuyerType: aggregate.byBuyerType.map((t) => ({ buyerLegalType: t.buyerLegalType, ...group(t, full) })),
    buyers: aggregate.buyers,
    conversion: aggregate.conversion,
    needVersions: aggregate.versionIds.length,
    complete: full,
  };
}
