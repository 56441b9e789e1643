import type { CpvLevel } from './cpv.js';
import { cpvAncestors, cpvLevel, parseCpv } from './cpv.js';
import type { FieldProblem } from './errors.js';
import { unprocessable } from './errors.js';
import type { DecimalString, ExchangeRateTable } from './money.js';
import { missingRateError, missingRates, multiplyDecimals, sumDecimals, toEur } from './money.js';

/**
 * The aggregation of confirmed needs into the demand of the whole group. This is the reference
 * implementation: production aggregates in SQL, and this pure version is the specification that
 * SQL is tested against, so it favours plainness over speed.
 *
 * Every list is sorted by its key (CPV code, country, year, legal type, unit, id) in code-unit
 * order, never by locale or value, so the same needs always give the same aggregate, byte for byte.
 */

export interface ConfirmedNeedBuyer {
  orgId: string;
  name: string;
  /** ISO 3166-1 alpha-2. */
  country: string;
  /** eForms buyer-legal-type code. */
  buyerLegalType: string;
}

export interface ConfirmedNeedLine {
  /** 8 digits (a check digit is tolerated and ignored). */
  cpvCode: string;
  /** Firm quantity over the whole delivery window or framework term, not per year. */
  quantity: DecimalString;
  /** UN/CEFACT Rec 20 code. */
  unit: string;
  unitPrice: DecimalString;
  currency: string;
  delivery: { fromYear: number; toYear: number };
  optionalQuantity: DecimalString;
  renewals: { count: number; quantityEach: DecimalString };
  /**
   * Informational only: the quantities already cover the whole framework term, so the term is not
   * a multiplier of the value (multiplying would count the same units twice).
   */
  frameworkMonths: number | null;
}

export interface ConfirmedNeed {
  buyer: ConfirmedNeedBuyer;
  /** The need version the line came from. */
  versionId: string;
  line: ConfirmedNeedLine;
}

/** Quantities in one unit. Units are never converted or added to one another. */
export interface UnitQuantity {
  unit: string;
  /** Sum of the lines' firm quantities. */
  firmQuantity: DecimalString;
  /** Firm + optional + all renewals: the quantity the estimated value is based on. */
  totalQuantity: DecimalString;
}

export interface CpvNodeAggregate {
  /** 8 digits. */
  cpvCode: string;
  level: CpvLevel;
  /**
   * The next node up the tree: the nearest listed code above it, to the last significant digit
   * (Regulation 213/2008, Annex I: 34144710 is under 34144700, not the category 34144000); null for a division.
   */
  parentCode: string | null;
  /** Everything coded at this node or below it. */
  valueEur: DecimalString;
  lines: number;
  /** Distinct buyers with at least one line at this node or below. */
  buyers: number;
  quantities: UnitQuantity[];
  /** Only the lines coded at exactly this code: a node is the sum of its children plus these. */
  direct: { valueEur: DecimalString; lines: number; quantities: UnitQuantity[] };
}

export interface GroupAggregate {
  valueEur: DecimalString;
  lines: number;
  buyers: number;
}

export interface CountryAggregate extends GroupAggregate {
  country: string;
}

export interface DeliveryYearAggregate extends GroupAggregate {
  year: number;
}

export interface BuyerTypeAggregate extends GroupAggregate {
  buyerLegalType: string;
}

/** Who took part, without what each one asked for: enough to name a buyer and count countries. */
export type AggregateBuyer = ConfirmedNeedBuyer;

export interface Aggregate {
  totals: { valueEur: DecimalString; buyers: number; countries: number; lines: number };
  /** Every code used and all its ancestors, in code order, which puts each parent before its children. */
  byCpv: CpvNodeAggregate[];
  byCountry: CountryAggregate[];
  /** A line counts in the year its delivery starts (see `deliveryYearOf`). */
  byDeliveryYear: DeliveryYearAggregate[];
  byBuyerType: BuyerTypeAggregate[];
  /** Sorted by orgId. */
  buyers: AggregateBuyer[];
  /** The rate table used, reduced to the currencies that occurred (sorted), so the conversion is on record. */
  conversion: { date: string; source: string; rates: Record<string, string> };
  /** The need versions the aggregate was computed from, sorted and unique: enough to reproduce it. */
  versionIds: string[];
}

/**
 * A line whose delivery spans several years is attributed entirely to its first year. Splitting
 * evenly would cut values and quantities into fractions that no longer add up exactly, and would
 * invent a delivery profile the buyer never gave; the first year is when the contract must be in
 * place, which is what a supplier planning capacity needs to know.
 */
export function deliveryYearOf(line: Pick<ConfirmedNeedLine, 'delivery'>): number {
  return line.delivery.fromYear;
}

/** (firm + optional + renewals × each), the quantity Art. 5 of Directive 2014/24/EU values. */
export function totalQuantityOf(
  line: Pick<ConfirmedNeedLine, 'quantity' | 'optionalQuantity' | 'renewals'>,
): DecimalString {
  return sumDecimals([
    line.quantity,
    line.optionalQuantity,
    multiplyDecimals(String(line.renewals.count), line.renewals.quantityEach),
  ]);
}

/**
 * A line's estimated value in EUR (Directive 2014/24/EU Art. 5: net of VAT, options and renewals
 * included): total quantity × unit price, converted with the rate table.
 */
export function lineValueEur(line: ConfirmedNeedLine, rates: ExchangeRateTable): DecimalString {
  return toEur(multiplyDecimals(totalQuantityOf(line), line.unitPrice), line.currency, rates);
}

const nonNegativeDecimal = /^\d+(\.\d+)?$/;

function lineProblems(need: ConfirmedNeed, at: string): FieldProblem[] {
  const problems: FieldProblem[] = [];
  const { buyer, line } = need;
  for (const key of ['orgId', 'name', 'country', 'buyerLegalType'] as const) {
    if (typeof buyer[key] !== 'string' || buyer[key].length === 0)
      problems.push({ field: `${at}.buyer.${key}`, rule: 'must not be empty' });
  }
  if (typeof need.versionId !== 'string' || need.versionId.length === 0)
    problems.push({ field: `${at}.versionId`, rule: 'must not be empty' });
  if (!parseCpv(line.cpvCode)) problems.push({ field: `${at}.line.cpvCode`, rule: 'must be a CPV code of 8 digits' });
  const decimals = [
    ['quantity', line.quantity],
    ['optionalQuantity', line.optionalQuantity],
    ['unitPrice', line.unitPrice],
    ['renewals.quantityEach', line.renewals.quantityEach],
  ] as const;
  for (const [field, value] of decimals) {
    if (typeof value !== 'string' || !nonNegativeDecimal.test(value)) {
      problems.push({ field: `${at}.line.${field}`, rule: 'must be a non-negative decimal number' });
    }
  }
  if (!Number.isSafeInteger(line.renewals.count) || line.renewals.count < 0) {
    problems.push({ field: `${at}.line.renewals.count`, rule: 'must be a whole number, 0 or more' });
  }
  if (typeof line.unit !== 'string' || line.unit.length === 0)
    problems.push({ field: `${at}.line.unit`, rule: 'must not be empty' });
  if (typeof line.currency !== 'string' || !/^[A-Z]{3}$/.test(line.currency)) {
    problems.push({ field: `${at}.line.currency`, rule: 'must be an ISO 4217 currency code' });
  }
  const { fromYear, toYear } = line.delivery;
  if (!Number.isSafeInteger(fromYear) || !Number.isSafeInteger(toYear) || toYear < fromYear) {
    problems.push({ field: `${at}.line.delivery`, rule: 'must be whole years with toYear not before fromYear' });
  }
  return problems;
}

function sameBuyer(a: ConfirmedNeedBuyer, b: ConfirmedNeedBuyer): boolean {
  return a.name === b.name && a.country === b.country && a.buyerLegalType === b.buyerLegalType;
}

/**
 * Rejects what cannot be aggregated, all problems at once: malformed lines, one organisation
 * described two ways (which would make the groupings depend on input order), and currencies the
 * rate table cannot convert.
 */
function assertAggregatable(needs: readonly ConfirmedNeed[], rates: ExchangeRateTable): void {
  const problems: FieldProblem[] = [];
  const firstSeen = new Map<string, number>();
  needs.forEach((need, i) => {
    problems.push(...lineProblems(need, `needs[${i}]`));
    const first = firstSeen.get(need.buyer.orgId);
    if (first === undefined) firstSeen.set(need.buyer.orgId, i);
    else if (!sameBuyer(needs[first]!.buyer, need.buyer)) {
      problems.push({
        field: `needs[${i}].buyer`,
        rule: `must describe organisation ${need.buyer.orgId} as needs[${first}].buyer does`,
      });
    }
  });
  if (problems.length > 0) throw unprocessable(problems, 'Some confirmed needs cannot be aggregated');
  const missing = missingRates(
    needs.map((n) => n.line.currency),
    rates,
  );
  if (missing.length > 0) throw missingRateError(missing);
}

class Quantities {
  private readonly byUnit = new Map<string, { firm: DecimalString[]; total: DecimalString[] }>();

  add(unit: string, firm: DecimalString, total: DecimalString): void {
    let entry = this.byUnit.get(unit);
    if (!entry) this.byUnit.set(unit, (entry = { firm: [], total: [] }));
    entry.firm.push(firm);
    entry.total.push(total);
  }

  result(): UnitQuantity[] {
    return sortedKeys(this.byUnit).map((unit) => {
      const { firm, total } = this.byUnit.get(unit)!;
      return { unit, firmQuantity: sumDecimals(firm), totalQuantity: sumDecimals(total) };
    });
  }
}

class Group {
  readonly values: DecimalString[] = [];
  readonly buyers = new Set<string>();

  add(valueEur: DecimalString, orgId: string): void {
    this.values.push(valueEur);
    this.buyers.add(orgId);
  }

  result(): GroupAggregate {
    return { valueEur: sumDecimals(this.values), lines: this.values.length, buyers: this.buyers.size };
  }
}

class CpvNode extends Group {
  readonly quantities = new Quantities();
  readonly directValues: DecimalString[] = [];
  readonly directQuantities = new Quantities();
}

function sortedKeys<K extends string | number>(map: ReadonlyMap<K, unknown>): K[] {
  return [...map.keys()].sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
}

function groupOf<K extends string | number>(map: Map<K, Group>, key: K): Group {
  let group = map.get(key);
  if (!group) map.set(key, (group = new Group()));
  return group;
}

/**
 * Aggregates confirmed needs: totals, the CPV tree (every code up to its division, through each
 * listed code its significant digits lead through: Regulation 213/2008, Annex I), and
 * groupings by country, delivery year and buyer type, all in EUR converted with `rates`.
 * Throws `unprocessable` naming each field or currency that prevents it.
 */
export function aggregateDemand(needs: readonly ConfirmedNeed[], rates: ExchangeRateTable): Aggregate {
  assertAggregatable(needs, rates);

  const allValues: DecimalString[] = [];
  const buyers = new Map<string, AggregateBuyer>();
  const cpv = new Map<string, CpvNode>();
  const byCountry = new Map<string, Group>();
  const byYear = new Map<number, Group>();
  const byType = new Map<string, Group>();
  const currencies = new Set<string>();
  const versionIds = new Set<string>();

  for (const { buyer, versionId, line } of needs) {
    const valueEur = lineValueEur(line, rates);
    const total = totalQuantityOf(line);
    const code = parseCpv(line.cpvCode)!.code;

    allValues.push(valueEur);
    buyers.set(buyer.orgId, {
      orgId: buyer.orgId,
      name: buyer.name,
      country: buyer.country,
      buyerLegalType: buyer.buyerLegalType,
    });
    if (line.currency !== 'EUR') currencies.add(line.currency);
    versionIds.add(versionId);

    for (const nodeCode of [...cpvAncestors(code), code]) {
      let node = cpv.get(nodeCode);
      if (!node) cpv.set(nodeCode, (node = new CpvNode()));
      node.add(valueEur, buyer.orgId);
      node.quantities.add(line.unit, line.quantity, total);
    }
    const own = cpv.get(code)!;
    own.directValues.push(valueEur);
    own.directQuantities.add(line.unit, line.quantity, total);

    groupOf(byCountry, buyer.country).add(valueEur, buyer.orgId);
    groupOf(byYear, deliveryYearOf(line)).add(valueEur, buyer.orgId);
    groupOf(byType, buyer.buyerLegalType).add(valueEur, buyer.orgId);
  }

  const sortedCurrencies = [...currencies].sort();
  return {
    totals: {
      valueEur: sumDecimals(allValues),
      buyers: buyers.size,
      countries: byCountry.size,
      lines: needs.length,
    },
    byCpv: sortedKeys(cpv).map((cpvCode) => {
      const node = cpv.get(cpvCode)!;
      const ancestors = cpvAncestors(cpvCode);
      return {
        cpvCode,
        level: cpvLevel(cpvCode),
        parentCode: ancestors.at(-1) ?? null,
        ...node.result(),
        quantities: node.quantities.result(),
        direct: {
          valueEur: sumDecimals(node.directValues),
          lines: node.directValues.length,
          quantities: node.directQuantities.result(),
        },
      };
    }),
    byCountry: sortedKeys(byCountry).map((country) => ({ country, ...byCountry.get(country)!.result() })),
    byDeliveryYear: sortedKeys(byYear).map((year) => ({ year, ...byYear.get(year)!.result() })),
    byBuyerType: sortedKeys(byType).map((buyerLegalType) => ({
      buyerLegalType,
      ...byType.get(buyerLegalType)!.result(),
    })),
    buyers: sortedKeys(buyers).map((orgId) => buyers.get(orgId)!),
    conversion: {
      date: rates.date,
      source: rates.source,
      rates: Object.fromEntries(sortedCurrencies.map((c) => [c, rates.rates[c]!])),
    },
    versionIds: [...versionIds].sort(),
  };
}
