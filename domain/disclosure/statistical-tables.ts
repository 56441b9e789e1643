import { Decimal } from 'decimal.js';
import { cpvAncestors } from '../cpv.js';
import { deliveryYearOf, lineValueEur, totalQuantityOf, type ConfirmedNeed } from '../aggregation.js';
import type { DecimalString, ExchangeRateTable } from '../money.js';
import { procurementNature } from '../thresholds.js';

/**
 * The tables a statement publishes together, as statistical disclosure control sees them: every
 * cell (the total, each CPV node at every level, the lines coded directly at a node that has
 * children, each country, buyer type, delivery year and threshold nature) with what each buyer
 * contributes to it, and the linear relations that tie the cells together (a parent is the sum
 * of its parts). An attacker knows these relations; suppression must hold against them.
 */

/** `total`, `cpv:<8 digits>`, `direct:<8 digits>`, `country:<ISO>`, `type:<legal type>`, `year:<yyyy>`, `nature:<nature>`. */
export type CellKey = string;

/** `value` (EUR), `lines`, and per UN/CEFACT unit `firm:<unit>` and `total:<unit>` quantities (CPV cells only). */
export type Measure = string;

export const moneyMeasures: readonly Measure[] = ['value', 'lines'];

export type CellKind = 'total' | 'cpv' | 'direct' | 'country' | 'type' | 'year' | 'nature';

export interface StatCell {
  key: CellKey;
  kind: CellKind;
  /** Per measure, each buyer's contribution (only non-zero ones are kept). */
  contributions: Map<Measure, Map<string, Decimal>>;
}

/**
 * `parent = Σ parts`. `money` relations hold for value and line counts only (quantities in
 * different units are never added, and are not published by country, type or year); `tree`
 * relations (the CPV hierarchy) hold for every measure.
 */
export interface StatRelation {
  parent: CellKey;
  parts: CellKey[];
  scope: 'money' | 'tree';
}

export interface StatTables {
  cells: Map<CellKey, StatCell>;
  relations: StatRelation[];
  /** Buyers that consented to show their own figures: their contributions are not protected. */
  consenting: ReadonlySet<string>;
}

/** One buyer's lines at one CPV code, in one delivery year and unit, summed. */
export interface MicroRecord {
  orgId: string;
  cpvCode: string;
  year: number;
  unit: string;
  valueEur: DecimalString;
  lines: number;
  firmQuantity: DecimalString;
  totalQuantity: DecimalString;
}

export interface MicroBuyer {
  orgId: string;
  country: string;
  buyerLegalType: string;
  /** Consented to show its own figures in this statement. */
  consenting: boolean;
}

export interface DisclosureMicrodata {
  buyers: MicroBuyer[];
  records: MicroRecord[];
}

export const cellKeys = {
  total: 'total',
  cpv: (code: string) => `cpv:${code}`,
  direct: (code: string) => `direct:${code}`,
  country: (country: string) => `country:${country}`,
  type: (legalType: string) => `type:${legalType}`,
  year: (year: number) => `year:${year}`,
  nature: (nature: string) => `nature:${nature}`,
} as const;

/** The microdata of the pure reference aggregation: the same figures the SQL gives per buyer. */
export function microdataFromNeeds(needs: readonly ConfirmedNeed[], rates: ExchangeRateTable, consenting: ReadonlySet<string> = new Set()): DisclosureMicrodata {
  const buyers = new Map<string, MicroBuyer>();
  const records = new Map<string, MicroRecord>();
  for (const { buyer, line } of needs) {
    buyers.set(buyer.orgId, { orgId: buyer.orgId, country: buyer.country, buyerLegalType: buyer.buyerLegalType, consenting: consenting.has(buyer.orgId) });
    const code = line.cpvCode.slice(0, 8);
    const year = deliveryYearOf(line);
    const key = `${buyer.orgId}|${code}|${year}|${line.unit}`;
    const prev = records.get(key);
    const value = lineValueEur(line, rates);
    const total = totalQuantityOf(line);
    records.set(key, {
      orgId: buyer.orgId,
      cpvCode: code,
      year,
      unit: line.unit,
      valueEur: prev ? new Decimal(prev.valueEur).plus(value).toFixed() : value,
      lines: (prev?.lines ?? 0) + 1,
      firmQuantity: prev ? new Decimal(prev.firmQuantity).plus(line.quantity).toFixed() : line.quantity,
      totalQuantity: prev ? new Decimal(prev.totalQuantity).plus(total).toFixed() : total,
    });
  }
  return { buyers: [...buyers.values()], records: [...records.values()] };
}

/** Builds every published cell and relation from the microdata. */
export function buildTables(micro: DisclosureMicrodata): StatTables {
  const buyers = new Map(micro.buyers.map((b) => [b.orgId, b]));
  const cells = new Map<CellKey, StatCell>();
  const cell = (key: CellKey, kind: CellKind) => {
    let c = cells.get(key);
    if (!c) cells.set(key, (c = { key, kind, contributions: new Map() }));
    return c;
  };
  const add = (c: StatCell, measure: Measure, orgId: string, amount: Decimal) => {
    if (amount.isZero()) return;
    let byOrg = c.contributions.get(measure);
    if (!byOrg) c.contributions.set(measure, (byOrg = new Map()));
    byOrg.set(orgId, (byOrg.get(orgId) ?? new Decimal(0)).plus(amount));
  };

  const codes = new Set(micro.records.map((r) => r.cpvCode));
  const nodes = new Set<string>();
  for (const code of codes) for (const n of [...cpvAncestors(code), code]) nodes.add(n);
  const children = new Map<string, string[]>();
  for (const n of nodes) {
    const parent = cpvAncestors(n).at(-1);
    if (parent !== undefined) children.set(parent, [...(children.get(parent) ?? []), n]);
  }
  // Lines coded at a node that has children are a part of their own; at a leaf they are the node.
  const partOf = (code: string) => (children.has(code) ? cellKeys.direct(code) : cellKeys.cpv(code));

  for (const r of micro.records) {
    const buyer = buyers.get(r.orgId);
    if (!buyer) throw new Error(`microdata record of unknown buyer ${r.orgId}`);
    const money: [Measure, Decimal][] = [
      ['value', new Decimal(r.valueEur)],
      ['lines', new Decimal(r.lines)],
    ];
    const quantities: [Measure, Decimal][] = [
      [`firm:${r.unit}`, new Decimal(r.firmQuantity)],
      [`total:${r.unit}`, new Decimal(r.totalQuantity)],
    ];
    const moneyCells = [
      cell(cellKeys.total, 'total'),
      cell(cellKeys.country(buyer.country), 'country'),
      cell(cellKeys.type(buyer.buyerLegalType), 'type'),
      cell(cellKeys.year(r.year), 'year'),
      cell(cellKeys.nature(procurementNature(r.cpvCode)), 'nature'),
    ];
    const treeCells = [...cpvAncestors(r.cpvCode), r.cpvCode].map((n) => cell(cellKeys.cpv(n), 'cpv'));
    if (children.has(r.cpvCode)) treeCells.push(cell(cellKeys.direct(r.cpvCode), 'direct'));
    for (const c of moneyCells) for (const [m, v] of money) add(c, m, r.orgId, v);
    for (const c of treeCells) for (const [m, v] of [...money, ...quantities]) add(c, m, r.orgId, v);
  }

  const relations: StatRelation[] = [];
  const ofKind = (kind: CellKind) => [...cells.values()].filter((c) => c.kind === kind).map((c) => c.key).sort();
  if (cells.has(cellKeys.total)) {
    for (const kind of ['country', 'type', 'year', 'nature'] as const) relations.push({ parent: cellKeys.total, parts: ofKind(kind), scope: 'money' });
    relations.push({ parent: cellKeys.total, parts: [...nodes].filter((n) => cpvAncestors(n).length === 0).sort().map(cellKeys.cpv), scope: 'money' });
  }
  for (const [parent, kids] of [...children].sort(([a], [b]) => (a < b ? -1 : 1))) {
    const parts = kids.sort().map(cellKeys.cpv);
    if (cells.has(cellKeys.direct(parent))) parts.push(cellKeys.direct(parent));
    relations.push({ parent: cellKeys.cpv(parent), parts, scope: 'tree' });
  }
  // A threshold nature is the sum of the parts of the tree coded in it (a line's nature is its own code's).
  const natureParts = new Map<string, CellKey[]>();
  for (const code of [...codes].sort()) {
    const nature = cellKeys.nature(procurementNature(code));
    natureParts.set(nature, [...(natureParts.get(nature) ?? []), partOf(code)]);
  }
  for (const [nature, parts] of natureParts) relations.push({ parent: nature, parts: [...new Set(parts)], scope: 'money' });

  return { cells, relations, consenting: new Set(micro.buyers.filter((b) => b.consenting).map((b) => b.orgId)) };
}

/** The measures a relation of this scope ties together, given the cells' measures. */
export function relationHolds(relation: StatRelation, measure: Measure): boolean {
  return relation.scope === 'tree' || moneyMeasures.includes(measure);
}

/** Every measure that occurs in the tables. */
export function measuresOf(tables: StatTables): Measure[] {
  const all = new Set<Measure>();
  for (const c of tables.cells.values()) for (const m of c.contributions.keys()) all.add(m);
  return [...all].sort();
}
