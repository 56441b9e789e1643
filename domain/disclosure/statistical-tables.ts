import { type ConfirmedNeed, deliveryYearOf, lineValueEur, totalQuantityOf } from '../aggregation.js';
import { cpvAncestors } from '../cpv.js';
import type { ExchangeRateTable } from '../money.js';
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

/**
 * `value` (EUR), and per UN/CEFACT unit `firm:<unit>` and `total:<unit>` quantities (CPV cells
 * only). Line counts are not published (protected-views.ts), so they are no measure here.
 */
export type Measure = string;

export const moneyMeasures: readonly Measure[] = ['value'];

/**
 * `buyer`: one buyer's total; `buyers`: the buyers of one country and legal type together. Never
 * published, but the buyer list says each buyer's country and type, so a country and a type are
 * sums of the same buyers' totals. The relations name the groups, not the buyers: buyers of one
 * group share every relation, so the group's interval decides theirs (suppression.ts), and a
 * program has a variable per group instead of one per buyer.
 */
export type CellKind = 'total' | 'cpv' | 'direct' | 'country' | 'type' | 'year' | 'nature' | 'buyer' | 'buyers';

/** Cells the tables never publish. */
export const unpublishedKinds: ReadonlySet<CellKind> = new Set(['buyer', 'buyers']);

/**
 * One figure's make-up, enough for the primary rule: binary floats, since the rules compare
 * shares and intervals within a tolerance (the figures shown stay exact decimals).
 */
export interface FigureStats {
  total: number;
  /** The part of buyers that consented to show their figures. */
  consented: number;
  /** Buyers with a non-zero, protected (non-consented) contribution, their sum and the largest. */
  contributors: number;
  protectedSum: number;
  largest: number;
  largestOrg: string | null;
  /** The second largest protected contribution (the p % rule's attacker). */
  second: number;
}

export interface StatCell {
  key: CellKey;
  kind: CellKind;
  /** Per measure that occurs in the cell. */
  stats: Map<Measure, FigureStats>;
  /**
   * Per measure, each buyer's contribution (non-zero ones). Computed on first use: only the
   * cells around a sensitive figure need it, and at 100,000 lines building it for every cell
   * would cost more than all the rest.
   */
  readonly contributions: Map<Measure, Map<string, number>>;
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
  /** Per buyer, a fingerprint of its records: two versions of the tables differ only by the buyers whose fingerprints differ. */
  fingerprints: ReadonlyMap<string, string>;
  /** One buyer's contribution to one figure (0 when none). */
  ownContribution(orgId: string, cell: CellKey, measure: Measure): number;
  /** Every figure one buyer contributes to. */
  contributionsOfOrg(orgId: string): ReadonlyMap<CellKey, ReadonlyMap<Measure, number>>;
}

/** One buyer's lines at one CPV code, in one delivery year and unit, summed. */
export interface MicroRecord {
  orgId: string;
  cpvCode: string;
  year: number;
  unit: string;
  valueEur: number;
  lines: number;
  firmQuantity: number;
  totalQuantity: number;
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
  buyer: (orgId: string) => `buyer:${orgId}`,
  buyers: (country: string, legalType: string) => `buyers:${country}|${legalType}`,
} as const;

/** The microdata of the pure reference aggregation: the same figures the SQL gives per buyer. */
export function microdataFromNeeds(
  needs: readonly ConfirmedNeed[],
  rates: ExchangeRateTable,
  consenting: ReadonlySet<string> = new Set(),
): DisclosureMicrodata {
  const buyers = new Map<string, MicroBuyer>();
  const records = new Map<string, MicroRecord>();
  for (const { buyer, line } of needs) {
    buyers.set(buyer.orgId, {
      orgId: buyer.orgId,
      country: buyer.country,
      buyerLegalType: buyer.buyerLegalType,
      consenting: consenting.has(buyer.orgId),
    });
    const code = line.cpvCode.slice(0, 8);
    const year = deliveryYearOf(line);
    const key = `${buyer.orgId}|${code}|${year}|${line.unit}`;
    const prev = records.get(key);
    records.set(key, {
      orgId: buyer.orgId,
      cpvCode: code,
      year,
      unit: line.unit,
      valueEur: (prev?.valueEur ?? 0) + Number(lineValueEur(line, rates)),
      lines: (prev?.lines ?? 0) + 1,
      firmQuantity: (prev?.firmQuantity ?? 0) + Number(line.quantity),
      totalQuantity: (prev?.totalQuantity ?? 0) + Number(totalQuantityOf(line)),
    });
  }
  return { buyers: [...buyers.values()], records: [...records.values()] };
}

/** Builds every published cell and relation from the microdata. */
export function buildTables(micro: DisclosureMicrodata): StatTables {
  const cells = new Map<CellKey, StatCell>();
  const cellList: StatCell[] = [];
  const groupMembers = new Map<CellKey, string[]>();
  const cell = (key: CellKey, kind: CellKind) => {
    let c = cells.get(key);
    if (!c) {
      const index = cellList.length;
      let contributions: Map<Measure, Map<string, number>> | undefined;
      c = {
        key,
        kind,
        stats: new Map(),
        get contributions() {
          return (contributions ??= kind === 'buyers' ? contributionsOfGroup(key) : contributionsOfCell(index));
        },
      };
      cells.set(key, c);
      cellList.push(c);
    }
    return c;
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

  // Every cell and measure gets a number, so that one buyer's records are summed in a flat array
  // and each (cell, measure, buyer) entry is written once: this is the cost at 100,000 lines.
  const units = [...new Set(micro.records.map((r) => r.unit))].sort();
  const measures: Measure[] = ['value', ...units.flatMap((u) => [`firm:${u}`, `total:${u}`])];
  const unitIndex = new Map(units.map((u, i) => [u, 1 + 2 * i]));
  const indexOf = (key: CellKey, kind: CellKind) => cellList.indexOf(cell(key, kind));
  const treeCellsOf = new Map<string, number[]>();
  for (const code of codes) {
    const tree = [...cpvAncestors(code), code].map((n) => indexOf(cellKeys.cpv(n), 'cpv'));
    if (children.has(code)) tree.push(indexOf(cellKeys.direct(code), 'direct'));
    treeCellsOf.set(code, tree);
  }
  const natureOf = new Map(
    [...codes].map((code) => [code, indexOf(cellKeys.nature(procurementNature(code)), 'nature')]),
  );
  const yearOf = new Map(
    [...new Set(micro.records.map((r) => r.year))].map((y) => [y, indexOf(cellKeys.year(y), 'year')]),
  );
  const withLines = new Set(micro.records.map((r) => r.orgId));
  const buyerCellsOf = new Map(
    micro.buyers.map((b) => {
      const group = cellKeys.buyers(b.country, b.buyerLegalType);
      if (withLines.has(b.orgId)) {
        const members = groupMembers.get(group);
        if (members) members.push(b.orgId);
        else groupMembers.set(group, [b.orgId]);
      }
      return [
        b.orgId,
        [
          indexOf(cellKeys.total, 'total'),
          indexOf(cellKeys.country(b.country), 'country'),
          indexOf(cellKeys.type(b.buyerLegalType), 'type'),
          indexOf(cellKeys.buyer(b.orgId), 'buyer'),
          indexOf(group, 'buyers'),
        ],
      ];
    }),
  );

  const width = measures.length;
  const sums = new Float64Array(cellList.length * width);
  const touched: number[] = [];
  const addTo = (slot: number, amount: number) => {
    if (amount === 0) return;
    if (sums[slot] === 0) touched.push(slot);
    sums[slot] = sums[slot]! + amount;
  };
  const consenting = new Set(micro.buyers.filter((b) => b.consenting).map((b) => b.orgId));
  /** Adds one buyer's summed contributions to the figures' stats (or, for one cell, to its map). */
  // Per (cell, measure) slot, the figure's stats, summed in flat arrays and made into maps at the end.
  const totals = new Float64Array(sums.length);
  const consented = new Float64Array(sums.length);
  const contributors = new Float64Array(sums.length);
  const protectedSums = new Float64Array(sums.length);
  const largest = new Float64Array(sums.length);
  const second = new Float64Array(sums.length);
  const present = new Uint8Array(sums.length);
  const largestOrg: (string | null)[] = new Array<string | null>(sums.length).fill(null);
  const flush = (orgId: string, into?: { cell: number; contributions: Map<Measure, Map<string, number>> }) => {
    const isConsenting = consenting.has(orgId);
    for (const slot of touched) {
      const amount = sums[slot]!;
      sums[slot] = 0;
      if (amount === 0) continue;
      const ci = Math.floor(slot / width);
      const measure = measures[slot % width]!;
      if (into) {
        if (ci !== into.cell) continue;
        let byOrg = into.contributions.get(measure);
        if (!byOrg) into.contributions.set(measure, (byOrg = new Map()));
        byOrg.set(orgId, amount);
        continue;
      }
      totals[slot] = totals[slot]! + amount;
      present[slot] = 1;
      if (isConsenting) consented[slot] = consented[slot]! + amount;
      else {
        const a = Math.abs(amount);
        contributors[slot] = contributors[slot]! + 1;
        protectedSums[slot] = protectedSums[slot]! + a;
        if (a > largest[slot]!) {
          second[slot] = largest[slot]!;
          largest[slot] = a;
          largestOrg[slot] = orgId;
        } else if (a > second[slot]!) second[slot] = a;
      }
    }
    touched.length = 0;
  };

  const byOrg = new Map<string, MicroRecord[]>();
  for (const r of micro.records) {
    const list = byOrg.get(r.orgId);
    if (list) list.push(r);
    else byOrg.set(r.orgId, [r]);
  }
  const sumRecords = (orgId: string, records: readonly MicroRecord[]) => {
    const buyerCells = buyerCellsOf.get(orgId);
    if (!buyerCells) throw new Error(`microdata record of unknown buyer ${orgId}`);
    for (const r of records) {
      const u = unitIndex.get(r.unit)!;
      const moneyCells = [...buyerCells, yearOf.get(r.year)!, natureOf.get(r.cpvCode)!];
      for (const ci of moneyCells) addTo(ci * width, r.valueEur);
      for (const ci of treeCellsOf.get(r.cpvCode)!) {
        const base = ci * width;
        addTo(base, r.valueEur);
        addTo(base + u, r.firmQuantity);
        addTo(base + u + 1, r.totalQuantity);
      }
    }
  };
  for (const [orgId, records] of byOrg) {
    sumRecords(orgId, records);
    flush(orgId);
  }
  for (let slot = 0; slot < present.length; slot++) {
    if (!present[slot]) continue;
    cellList[Math.floor(slot / width)]!.stats.set(measures[slot % width]!, {
      total: totals[slot]!,
      consented: consented[slot]!,
      contributors: contributors[slot]!,
      protectedSum: protectedSums[slot]!,
      largest: largest[slot]!,
      largestOrg: largestOrg[slot]!,
      second: second[slot]!,
    });
  }
  function contributionsOfCell(index: number): Map<Measure, Map<string, number>> {
    const contributions = new Map<Measure, Map<string, number>>();
    for (const [orgId, records] of byOrg) {
      sumRecords(orgId, records);
      flush(orgId, { cell: index, contributions });
    }
    return contributions;
  }
  /** A group's contributions are its buyers' totals: read off their cells, not summed again over every record. */
  function contributionsOfGroup(key: CellKey): Map<Measure, Map<string, number>> {
    const contributions = new Map<Measure, Map<string, number>>();
    for (const orgId of groupMembers.get(key) ?? []) {
      for (const [m, f] of cells.get(cellKeys.buyer(orgId))!.stats) {
        if (f.total === 0) continue;
        let byOrg = contributions.get(m);
        if (!byOrg) contributions.set(m, (byOrg = new Map()));
        byOrg.set(orgId, f.total);
      }
    }
    return contributions;
  }
  const ofOrg = new Map<string, Map<CellKey, Map<Measure, number>>>();
  const contributionsOfOrg = (orgId: string): ReadonlyMap<CellKey, ReadonlyMap<Measure, number>> => {
    let own = ofOrg.get(orgId);
    if (own) return own;
    ofOrg.set(orgId, (own = new Map()));
    const records = byOrg.get(orgId);
    if (!records) return own;
    sumRecords(orgId, records);
    for (const slot of touched) {
      const amount = sums[slot]!;
      sums[slot] = 0;
      if (amount === 0) continue;
      const key = cellList[Math.floor(slot / width)]!.key;
      let byMeasure = own.get(key);
      if (!byMeasure) own.set(key, (byMeasure = new Map()));
      byMeasure.set(measures[slot % width]!, amount);
    }
    touched.length = 0;
    return own;
  };
  const ownContribution = (orgId: string, key: CellKey, measure: Measure): number =>
    contributionsOfOrg(orgId).get(key)?.get(measure) ?? 0;
  let fingerprints: Map<string, string> | undefined;
  const fingerprintsOf = () =>
    (fingerprints ??= new Map(
      [...byOrg].map(([orgId, records]) => [
        orgId,
        records
          .map((r) => `${r.cpvCode}|${r.year}|${r.unit}|${r.valueEur}|${r.lines}|${r.firmQuantity}|${r.totalQuantity}`)
          .sort()
          .join(';'),
      ]),
    ));

  const relations: StatRelation[] = [];
  const ofKind = (kind: CellKind) =>
    [...cells.values()]
      .filter((c) => c.kind === kind)
      .map((c) => c.key)
      .sort();
  if (cells.has(cellKeys.total)) {
    for (const kind of ['country', 'type', 'year', 'nature'] as const)
      relations.push({ parent: cellKeys.total, parts: ofKind(kind), scope: 'money' });
    relations.push({
      parent: cellKeys.total,
      parts: [...nodes]
        .filter((n) => cpvAncestors(n).length === 0)
        .sort()
        .map(cellKeys.cpv),
      scope: 'money',
    });
  }
  for (const [parent, kids] of [...children].sort(([a], [b]) => (a < b ? -1 : 1))) {
    const parts = kids.sort().map(cellKeys.cpv);
    if (cells.has(cellKeys.direct(parent))) parts.push(cellKeys.direct(parent));
    relations.push({ parent: cellKeys.cpv(parent), parts, scope: 'tree' });
  }
  // The buyer list (shown to participants) says each buyer's country and type: a country and a
  // type are sums of the same groups of buyers, which relates them beyond the grand total.
  for (const kind of ['country', 'type'] as const) {
    const members = new Map<CellKey, CellKey[]>();
    for (const group of [...groupMembers.keys()].sort()) {
      const [country, legalType] = group.slice('buyers:'.length).split('|') as [string, string];
      const key = kind === 'country' ? cellKeys.country(country) : cellKeys.type(legalType);
      members.set(key, [...(members.get(key) ?? []), group]);
    }
    for (const [parent, parts] of [...members].sort(([a], [b]) => (a < b ? -1 : 1)))
      relations.push({ parent, parts, scope: 'money' });
  }
  // A threshold nature is the sum of the parts of the tree coded in it (a line's nature is its own code's).
  const natureParts = new Map<string, CellKey[]>();
  for (const code of [...codes].sort()) {
    const nature = cellKeys.nature(procurementNature(code));
    natureParts.set(nature, [...(natureParts.get(nature) ?? []), partOf(code)]);
  }
  for (const [nature, parts] of natureParts)
    relations.push({ parent: nature, parts: [...new Set(parts)], scope: 'money' });

  return {
    cells,
    relations,
    consenting,
    get fingerprints() {
      return fingerprintsOf();
    },
    ownContribution,
    contributionsOfOrg,
  };
}

/** The measures a relation of this scope ties together, given the cells' measures. */
export function relationHolds(relation: StatRelation, measure: Measure): boolean {
  return relation.scope === 'tree' || moneyMeasures.includes(measure);
}

/** Every measure that occurs in the tables. */
export function measuresOf(tables: StatTables): Measure[] {
  const all = new Set<Measure>();
  for (const c of tables.cells.values()) for (const m of c.stats.keys()) all.add(m);
  return [...all].sort();
}
