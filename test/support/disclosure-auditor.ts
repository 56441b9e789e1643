import { Decimal } from 'decimal.js';
import type { Highs, Model } from 'highs';
import * as highsModule from 'highs';

import { type Aggregate, aggregateDemand, type ConfirmedNeed, type UnitQuantity } from '../../domain/aggregation.js';
import type {
  DisclosedAggregate,
  DisclosedCriticalMass,
  DisclosedThresholdCheck,
} from '../../domain/disclosure/protected-views.js';
import type { DecimalString, ExchangeRateTable } from '../../domain/money.js';
import { procurementNature } from '../../domain/thresholds.js';

/**
 * The disclosure auditor: a test tool that plays the attacker. Given everything one viewer can
 * read of a statement (every published version of its aggregate, threshold check and
 * critical-mass results, and any other document that prints figures), the truth (each version's
 * confirmed needs) and what the viewer knows already (a participant its own lines; everyone the
 * figures of buyers that consented to show theirs), it rebuilds, from the published structure
 * alone, the linear relations an attacker knows, and computes with linear programming (HiGHS)
 * the interval the viewer can narrow every sensitive figure to: each withheld cell, each buyer's
 * own total, and the difference of every cell between two versions. A sensitive figure narrowed
 * to within ±15 % of its protected part is a leak, and so is a sensitive figure printed anywhere.
 *
 * It is written apart from domain/disclosure/suppression.ts and statistical-tables.ts on
 * purpose (it shares no code with them, only the published shapes), so a mistake there is not
 * repeated here. What the attacker is assumed to know:
 *
 * - the published figures, and which cells exist: a CPV node, item, country, year or buyer type
 *   that is not listed is empty; a unit missing from a shown node's quantities is absent from the
 *   node and everything below it;
 * - the relations: total = Σ countries = Σ buyer types = Σ delivery years = Σ CPV divisions
 *   = Σ threshold natures; a CPV node = Σ its children + the lines coded at the node itself (its
 *   item); a threshold nature = Σ the items of codes of that nature; quantities per unit along
 *   the CPV tree; a total quantity is at least the firm quantity; line counts like values;
 * - the list of buyers with their country and legal type, which the aggregate carries
 *   (`attacker.buyerList`, on by default): each buyer's total is then a figure of its own, and a
 *   country, a buyer type and the total are the sums of their buyers' totals;
 * - rounded figures (the threshold check's and critical-mass euros, to the cent) to within half a
 *   cent; a verdict shown while its figure is withheld as the inequality it implies (the
 *   critical-mass verdict, shown always as the statement's stage, counts by default as known
 *   before the tables: `attacker.verdictIsStage`);
 * - across versions, which buyers changed (a late signatory, a revised version: the process
 *   announces them): a cell that no changed buyer can contribute to is unchanged, and what only
 *   new buyers add is not negative;
 * - consenting buyers' contributions, and for a participant its own, in every version.
 *
 * Figures are otherwise only known not to be negative, as τ-ARGUS assumes. A stronger attacker
 * (`attacker.existence`) also uses that a listed cell, and a listed buyer, has at least one line.
 * Line counts are treated as real numbers (the LP relaxation, as τ-ARGUS audits). Protection is
 * asked for beyond what the viewer knew before the version was printed, never more: its own
 * part, the stage, and the earlier versions (whose own leaks are reported against them; so a
 * late signatory that dominates a cell learns no leak in the others' part that version 1 printed).
 */

export const auditRules = {
  /** Fewer non-consenting buyers than this make a figure sensitive. */
  minBuyers: 3,
  /** A largest non-consenting buyer above this share of the non-consenting part makes it sensitive. */
  dominance: 0.85,
  /** A sensitive figure must stay uncertain by this share of its protected part, both ways. */
  protection: 0.15,
} as const;

export type AuditViewer = 'outsider' | { participant: string };

/** Figures another document prints for a CPV code (the statement text, OCDS items…). */
export interface PrintedItem {
  cpvCode: string;
  valueEur?: DecimalString | null;
  lines?: number | null;
  /** Only the units listed are read; a unit left out says nothing. */
  quantities?: readonly UnitQuantity[] | null;
}

/** One published version: what the viewers read of it, and the truth behind it. */
export interface AuditedVersion {
  label?: string;
  /** The truth: the confirmed needs this version aggregates. */
  needs: readonly ConfirmedNeed[];
  rates: ExchangeRateTable;
  /** What the viewers read. */
  aggregate: DisclosedAggregate;
  thresholds?: DisclosedThresholdCheck;
  criticalMass?: DisclosedCriticalMass;
  printedItems?: readonly PrintedItem[];
}

export interface AuditInput {
  versions: readonly AuditedVersion[];
  /** Who reads the versions; every one of them reads the same documents. */
  viewers: readonly AuditViewer[];
  /** Buyers that consented to show their own figures (in this statement): known to all, not protected. */
  consenting?: Iterable<string>;
  attacker?: {
    /** Uses the aggregate's list of buyers (country = Σ its buyers' totals…). Default true. */
    buyerList?: boolean;
    /** Uses that a listed cell or buyer has at least one line. Default false (τ-ARGUS's a-priori bounds are [0, ∞)). */
    existence?: boolean;
    /**
     * The critical-mass verdict is shown always (the stage the statement moves to says it): by
     * default what it implies for a withheld figure counts as known before the tables, so only
     * what the tables add to it is judged. False judges the verdict itself too.
     */
    verdictIsStage?: boolean;
  };
  /**
   * Solve every viewer's programs instead of settling a side from the outsider's (see
   * `intervalFrom`): slower, the same leaks; for checking the shortcut.
   */
  solveEvery?: boolean;
}

export interface AuditedFigure {
  viewer: string;
  /** The version's label, or `from→to` for the difference between two versions. */
  version: string;
  /** `total`, `cpv:<code>`, `item:<code>` (lines coded at a node that has children), `country:<ISO>`, `type:<legal type>`, `year:<yyyy>`, `nature:<nature>`, `buyer:<orgId>`. */
  cell: string;
  /** `value` (EUR), `lines`, `firm:<unit>`, `total:<unit>`. */
  measure: string;
  difference: boolean;
  trueValue: number;
  /** What the viewer can narrow the figure to. */
  interval: [lower: number, upper: number];
  /** The non-consenting part the viewer does not know (its own part taken out). */
  protectedPart: number;
  /** The interval the figure must keep at least: true value ± 15 % of the protected part. */
  required: [lower: number, upper: number];
  reason: 'fewer-buyers' | 'dominance';
  /** Printed as such in a document, or derived from other figures. */
  kind: 'published' | 'derived';
  /**
   * Set when a side of `interval` is a bound certified without solving the viewer's own program
   * (the viewer's interval is at least that wide): only for figures found protected.
   */
  certified?: true;
}

export type Leak = AuditedFigure;

export interface AuditReport {
  leaks: Leak[];
  /** Every sensitive figure audited, per viewer. */
  audited: AuditedFigure[];
  /** Distinct linear programs built, and how many times one was solved (a minimum or a maximum). */
  programs: number;
  solves: number;
  /** Milliseconds spent in the solver. */
  solverMillis: number;
}

export function describeLeak(l: Leak): string {
  const n = (x: number) =>
    !Number.isFinite(x) ? (x > 0 ? '∞' : '-∞') : Math.abs(x) < 1e-9 ? '0' : String(Number(x.toPrecision(10)));
  return `${l.viewer} learns ${l.version} ${l.cell} ${l.measure}${l.difference ? ' (difference)' : ''} = ${n(l.trueValue)}: ${l.kind}, narrowed to [${n(l.interval[0])}, ${n(l.interval[1])}], must stay beyond [${n(l.required[0])}, ${n(l.required[1])}] (${l.reason}, protected part ${n(l.protectedPart)})`;
}

export function viewerName(viewer: AuditViewer): string {
  return viewer === 'outsider' ? 'outsider' : `participant ${viewer.participant}`;
}

// ---------------------------------------------------------------------------------------------
// The truth: each buyer's contribution to every cell, read from its own aggregate.

type Contributions = Map<string, number>; // orgId → amount
type CellFigures = Map<string, Map<string, number>>; // cell → measure → amount

const moneyMeasures = ['value', 'lines'] as const;

function push<K, V>(map: Map<K, V[]>, key: K, value: V) {
  const list = map.get(key);
  if (list) list.push(value);
  else map.set(key, [value]);
}
const num = (d: DecimalString) => new Decimal(d).toNumber();

function addFigure(out: CellFigures, cell: string, measure: string, amount: number) {
  if (amount === 0) return;
  let m = out.get(cell);
  if (!m) out.set(cell, (m = new Map()));
  m.set(measure, (m.get(measure) ?? 0) + amount);
}

function addQuantities(out: CellFigures, cell: string, quantities: readonly UnitQuantity[]) {
  for (const q of quantities) {
    addFigure(out, cell, `firm:${q.unit}`, num(q.firmQuantity));
    addFigure(out, cell, `total:${q.unit}`, num(q.totalQuantity));
  }
}

/** Every cell figure of one aggregate; `parents` are the CPV nodes with children in the published tree. */
function figuresOf(agg: Aggregate, parents: ReadonlySet<string>, orgId: string | null): CellFigures {
  const out: CellFigures = new Map();
  const money = (cell: string, valueEur: DecimalString, lines: number) => {
    addFigure(out, cell, 'value', num(valueEur));
    addFigure(out, cell, 'lines', lines);
  };
  money('total', agg.totals.valueEur, agg.totals.lines);
  if (orgId !== null) money(`buyer:${orgId}`, agg.totals.valueEur, agg.totals.lines);
  for (const n of agg.byCpv) {
    money(`cpv:${n.cpvCode}`, n.valueEur, n.lines);
    addQuantities(out, `cpv:${n.cpvCode}`, n.quantities);
    if (n.direct.lines > 0) {
      if (parents.has(n.cpvCode)) {
        money(`item:${n.cpvCode}`, n.direct.valueEur, n.direct.lines);
        addQuantities(out, `item:${n.cpvCode}`, n.direct.quantities);
      }
      money(`nature:${procurementNature(n.cpvCode)}`, n.direct.valueEur, n.direct.lines);
    }
  }
  for (const c of agg.byCountry) money(`country:${c.country}`, c.valueEur, c.lines);
  for (const y of agg.byDeliveryYear) money(`year:${y.year}`, y.valueEur, y.lines);
  for (const t of agg.byBuyerType) money(`type:${t.buyerLegalType}`, t.valueEur, t.lines);
  return out;
}

// ---------------------------------------------------------------------------------------------
// The published structure and figures of one version.

interface Bounds {
  lo: number;
  hi: number;
}

interface VersionModel {
  label: string;
  /** Cells the published structure lists, with the measures each one carries. */
  cells: Map<string, 'money' | 'tree'>;
  /** cell → measure → orgId → amount. */
  truth: Map<string, Map<string, Contributions>>;
  /** Figure `cell|measure` → what the documents print or imply, and whether printed as such. */
  published: Map<string, Bounds & { printed: boolean }>;
  /** Figures known to be zero (a unit missing from a shown node). */
  zero: Set<string>;
  /** What the statement's stage says (the critical-mass verdict), when counted as known before the tables. */
  stage: Map<string, Bounds>;
  /** Relations `Σ coef × figure ∈ [lo, hi]` over figure keys `cell|measure`. */
  rows: { terms: Map<string, number>; lo: number; hi: number }[];
  /** The buyers the attacker knows, with their country and legal type (empty without the list). */
  buyers: Map<string, { country: string; type: string }>;
  /** Every buyer of the version (the truth), for who changed between versions. */
  roster: Set<string>;
  measures: string[];
}

const fig = (cell: string, measure: string) => `${cell}|${measure}`;
const splitFig = (key: string) => {
  const bar = key.lastIndexOf('|');
  return { cell: key.slice(0, bar), measure: key.slice(bar + 1) };
};

function buildVersion(
  v: AuditedVersion,
  index: number,
  units: ReadonlySet<string>,
  buyerList: boolean,
  verdictIsStage: boolean,
): VersionModel {
  const label = v.label ?? `v${index + 1}`;
  const agg = v.aggregate;
  const parents = new Set(agg.byCpv.map((n) => n.parentCode).filter((p): p is string => p !== null));
  const itemCell = (code: string) => (parents.has(code) ? `item:${code}` : `cpv:${code}`);

  // The structure, from what is listed.
  const cells = new Map<string, 'money' | 'tree'>([['total', 'money']]);
  for (const n of agg.byCpv) cells.set(`cpv:${n.cpvCode}`, 'tree');
  for (const i of agg.items) cells.set(itemCell(i.cpvCode), 'tree');
  for (const c of agg.byCountry) cells.set(`country:${c.country}`, 'money');
  for (const y of agg.byDeliveryYear) cells.set(`year:${y.year}`, 'money');
  for (const t of agg.byBuyerType) cells.set(`type:${t.buyerLegalType}`, 'money');
  const natures = new Map<string, string[]>();
  for (const i of agg.items) {
    const nature = `nature:${procurementNature(i.cpvCode)}`;
    push(natures, nature, itemCell(i.cpvCode));
    cells.set(nature, 'money');
  }
  const buyers = new Map(
    (buyerList ? agg.buyers : []).map((b) => [b.orgId, { country: b.country, type: b.buyerLegalType }]),
  );
  for (const b of buyers.keys()) cells.set(`buyer:${b}`, 'money');

  // The truth, buyer by buyer.
  const truth = new Map<string, Map<string, Contributions>>();
  const byBuyer = new Map<string, ConfirmedNeed[]>();
  for (const n of v.needs) push(byBuyer, n.buyer.orgId, n);
  for (const [orgId, needs] of byBuyer) {
    for (const [cell, measures] of figuresOf(aggregateDemand(needs, v.rates), parents, buyerList ? orgId : null)) {
      if (!cells.has(cell))
        throw new Error(
          `${label}: the published structure does not list ${cell}, which has lines (the auditor cannot model a view that hides a cell's existence)`,
        );
      let byMeasure = truth.get(cell);
      if (!byMeasure) truth.set(cell, (byMeasure = new Map()));
      for (const [m, amount] of measures) {
        let c = byMeasure.get(m);
        if (!c) byMeasure.set(m, (c = new Map()));
        c.set(orgId, (c.get(orgId) ?? 0) + amount);
      }
    }
  }
  for (const cell of cells.keys())
    if (!truth.has(cell)) throw new Error(`${label}: the published structure lists ${cell}, which has no line`);

  const quantityMeasures = (u: string) => [`firm:${u}`, `total:${u}`];
  const measures = [...moneyMeasures, ...[...units].sort().flatMap(quantityMeasures)];
  const parentOf = new Map(agg.byCpv.map((n) => [n.cpvCode, n.parentCode]));
  const isAtOrBelow = (code: string, ancestor: string) => {
    for (let c: string | null | undefined = code; c; c = parentOf.get(c)) if (c === ancestor) return true;
    return false;
  };

  // What the documents print.
  const published = new Map<string, Bounds & { printed: boolean }>();
  const zero = new Set<string>();
  const stage = new Map<string, Bounds>();
  const put = (key: string, lo: number, hi: number, printed: boolean, source: string) => {
    const { cell } = splitFig(key);
    if (!cells.has(cell)) {
      if (lo <= 0 && hi >= 0) return; // an unlisted cell is empty, and the document agrees
      throw new Error(`${label}: ${source} prints ${key} = [${lo}, ${hi}] for a cell the structure does not list`);
    }
    const prev = published.get(key);
    const next = prev
      ? { lo: Math.max(prev.lo, lo), hi: Math.min(prev.hi, hi), printed: prev.printed || printed }
      : { lo, hi, printed };
    if (next.lo > next.hi + 1e-9 * Math.max(1, Math.abs(next.lo)))
      throw new Error(`${label}: ${source} prints ${key} inconsistently with another document`);
    published.set(key, next);
  };
  const exact = (key: string, value: number, source: string) => put(key, value, value, true, source);
  const cents = (key: string, value: DecimalString, source: string) =>
    put(key, num(value) - 0.005, num(value) + 0.005, true, source);
  const figures = (
    cell: string,
    f: { withheld: boolean; valueEur: DecimalString | null; lines: number | null },
    source: string,
  ) => {
    // Printed to the cent (rules/money.ts): the figure lies within half a cent of what is printed.
    if (f.valueEur !== null) cents(fig(cell, 'value'), f.valueEur, source);
    if (f.lines !== null) exact(fig(cell, 'lines'), f.lines, source);
  };
  const quantities = (
    cell: string,
    qs: readonly UnitQuantity[] | null | undefined,
    complete: boolean,
    source: string,
  ) => {
    if (!qs) return;
    for (const q of qs) {
      exact(fig(cell, `firm:${q.unit}`), num(q.firmQuantity), source);
      exact(fig(cell, `total:${q.unit}`), num(q.totalQuantity), source);
    }
    if (!complete) return;
    const shown = new Set(qs.map((q) => q.unit));
    // A unit missing from a shown cell is absent from it and from everything below it.
    const below = (c: string) => {
      const code = c.slice(c.indexOf(':') + 1);
      if (c.startsWith('item:')) return [c];
      return [...cells.keys()].filter(
        (k) => (k.startsWith('cpv:') || k.startsWith('item:')) && isAtOrBelow(k.slice(k.indexOf(':') + 1), code),
      );
    };
    for (const u of units)
      if (!shown.has(u)) for (const c of below(cell)) for (const m of quantityMeasures(u)) zero.add(fig(c, m));
  };

  figures('total', agg.totals, 'the totals');
  for (const n of agg.byCpv) {
    figures(`cpv:${n.cpvCode}`, n, `CPV node ${n.cpvCode}`);
    quantities(`cpv:${n.cpvCode}`, n.quantities, true, `CPV node ${n.cpvCode}`);
  }
  for (const i of agg.items) {
    figures(itemCell(i.cpvCode), i, `item ${i.cpvCode}`);
    quantities(itemCell(i.cpvCode), i.quantities, true, `item ${i.cpvCode}`);
  }
  for (const c of agg.byCountry) figures(`country:${c.country}`, c, `country ${c.country}`);
  for (const y of agg.byDeliveryYear) figures(`year:${y.year}`, y, `year ${y.year}`);
  for (const t of agg.byBuyerType) figures(`type:${t.buyerLegalType}`, t, `buyer type ${t.buyerLegalType}`);
  for (const i of v.printedItems ?? []) {
    const cell = itemCell(i.cpvCode);
    if (i.valueEur !== undefined && i.valueEur !== null)
      cents(fig(cell, 'value'), i.valueEur, `a printed item ${i.cpvCode}`);
    if (i.lines !== undefined && i.lines !== null) exact(fig(cell, 'lines'), i.lines, `a printed item ${i.cpvCode}`);
    quantities(cell, i.quantities, false, `a printed item ${i.cpvCode}`);
  }

  if (v.thresholds) {
    const t = v.thresholds;
    if (t.estimatedValueEur !== null) cents(fig('total', 'value'), t.estimatedValueEur, 'the threshold check');
    const hiddenNatures: { cell: string; threshold: number }[] = [];
    for (const n of t.natures) {
      const cell = `nature:${n.nature}`;
      const threshold = num(n.thresholdEur);
      if (n.estimatedValueEur !== null)
        cents(fig(cell, 'value'), n.estimatedValueEur, `the threshold check (${n.nature})`);
      if (n.differenceEur !== null && n.position !== null) {
        const d = num(n.differenceEur);
        const value = n.position === 'at-or-above' ? threshold + d : threshold - d;
        put(fig(cell, 'value'), value - 0.01, value + 0.01, true, `the threshold check's difference (${n.nature})`);
      } else if (n.position !== null) {
        if (n.position === 'at-or-above')
          put(fig(cell, 'value'), threshold - 0.005, Infinity, false, `the threshold check's position (${n.nature})`);
        else put(fig(cell, 'value'), 0, threshold + 0.005, false, `the threshold check's position (${n.nature})`);
      }
      if (n.position === null) hiddenNatures.push({ cell, threshold });
    }
    // The one-contract view (Art. 3) compares the whole value with the main subject's threshold.
    for (const r of t.mixedContract?.readings ?? []) {
      const threshold = num(r.thresholdEur);
      const value = r.position === 'at-or-above' ? threshold + num(r.differenceEur) : threshold - num(r.differenceEur);
      put(fig('total', 'value'), value - 0.01, value + 0.01, true, `the one-contract threshold check (${r.basis})`);
    }
    const shownAbove = t.natures.some((n) => n.position === 'at-or-above');
    if (t.atOrAboveAny === false)
      for (const h of hiddenNatures)
        put(fig(h.cell, 'value'), 0, h.threshold + 0.005, false, 'the threshold check (nothing at or above)');
    if (t.atOrAboveAny === true && !shownAbove && hiddenNatures.length === 1)
      put(
        fig(hiddenNatures[0]!.cell, 'value'),
        hiddenNatures[0]!.threshold - 0.005,
        Infinity,
        false,
        'the threshold check (one hidden nature at or above)',
      );
  }

  if (v.criticalMass) {
    const hidden: { key: string; required: number; slack: number }[] = [];
    for (const r of v.criticalMass.results) {
      let key: string | null = null;
      let slack = 0;
      if (r.rule === 'minTotalValueEur') {
        key = fig('total', 'value');
        slack = 0.005;
      } else if (r.rule === 'minQuantityPerCpv' && 'cpvCode' in r && 'unit' in r) {
        key = fig(`cpv:${String(r.cpvCode).slice(0, 8)}`, `firm:${String(r.unit)}`);
      }
      if (key === null) continue;
      const required = num(String(r.required));
      if (r.actual !== null)
        put(key, num(String(r.actual)) - slack, num(String(r.actual)) + slack, true, `critical mass ${r.field}`);
      else if (r.gap !== null)
        put(
          key,
          required - num(String(r.gap)) - slack,
          required - num(String(r.gap)) + slack,
          true,
          `critical mass ${r.field} (gap)`,
        );
      else if (r.met !== null)
        put(
          key,
          r.met ? required - slack : 0,
          r.met ? Infinity : required + slack,
          false,
          `critical mass ${r.field} (met)`,
        );
      else hidden.push({ key, required, slack });
    }
    const shownUnmet = v.criticalMass.results.some((r) => r.met === false);
    // The verdict is the stage the statement moves to: shown whatever is withheld.
    const verdict = (key: string, lo: number, hi: number, source: string) => {
      put(key, lo, hi, false, source);
      if (verdictIsStage)
        stage.set(key, { lo: Math.max(lo, stage.get(key)?.lo ?? lo), hi: Math.min(hi, stage.get(key)?.hi ?? hi) });
    };
    if (v.criticalMass.met)
      for (const h of hidden) verdict(h.key, h.required - h.slack, Infinity, 'the critical-mass verdict (met)');
    else if (!shownUnmet && hidden.length === 1)
      verdict(hidden[0]!.key, 0, hidden[0]!.required + hidden[0]!.slack, 'the critical-mass verdict (not met)');
  }

  // The relations, from the structure alone.
  const rows: VersionModel['rows'] = [];
  const ofPrefix = (prefix: string) => [...cells.keys()].filter((c) => c.startsWith(prefix)).sort();
  const sumRow = (parent: string, parts: string[], measure: string) => {
    const terms = new Map<string, number>([[fig(parent, measure), 1]]);
    for (const p of parts) terms.set(fig(p, measure), (terms.get(fig(p, measure)) ?? 0) - 1);
    rows.push({ terms, lo: 0, hi: 0 });
  };
  const divisions = agg.byCpv.filter((n) => n.parentCode === null).map((n) => `cpv:${n.cpvCode}`);
  const children = new Map<string, string[]>();
  for (const n of agg.byCpv) if (n.parentCode !== null) push(children, n.parentCode, `cpv:${n.cpvCode}`);
  const directOf = new Set(agg.items.map((i) => i.cpvCode));
  for (const m of moneyMeasures) {
    for (const prefix of ['country:', 'type:', 'year:', 'nature:', 'buyer:']) {
      const parts = ofPrefix(prefix);
      if (parts.length > 0) sumRow('total', parts, m);
    }
    sumRow('total', divisions, m);
    for (const [nature, parts] of natures) sumRow(nature, parts, m);
    const groupBuyers = (attr: 'country' | 'type', prefix: string) => {
      for (const c of ofPrefix(prefix)) {
        const members = [...buyers].filter(([, b]) => `${prefix}${b[attr]}` === c).map(([id]) => `buyer:${id}`);
        if (members.length > 0) sumRow(c, members, m);
      }
    };
    if (buyers.size > 0) {
      groupBuyers('country', 'country:');
      groupBuyers('type', 'type:');
    }
  }
  for (const m of measures) {
    for (const [parent, kids] of children)
      sumRow(`cpv:${parent}`, directOf.has(parent) ? [...kids, `item:${parent}`] : kids, m);
  }
  for (const u of units) {
    for (const c of cells.keys()) {
      if (cells.get(c) !== 'tree') continue;
      rows.push({
        terms: new Map([
          [fig(c, `total:${u}`), 1],
          [fig(c, `firm:${u}`), -1],
        ]),
        lo: 0,
        hi: Infinity,
      });
    }
  }
  return { label, cells, truth, published, zero, stage, rows, buyers, roster: new Set(byBuyer.keys()), measures };
}

/** Every unit any version uses or prints: the quantity measures of the audit. */
function unitsOf(versions: readonly AuditedVersion[]): Set<string> {
  const units = new Set<string>();
  for (const v of versions) {
    for (const n of v.needs) units.add(n.line.unit);
    for (const n of [...v.aggregate.byCpv, ...v.aggregate.items]) for (const q of n.quantities ?? []) units.add(q.unit);
    for (const i of v.printedItems ?? []) for (const q of i.quantities ?? []) units.add(q.unit);
    for (const r of v.criticalMass?.results ?? [])
      if (r.rule === 'minQuantityPerCpv' && 'unit' in r) units.add(String(r.unit));
  }
  return units;
}

// ---------------------------------------------------------------------------------------------
// Sensitivity: the primary rule, applied to the truth.

function sensitivity(
  contributions: ReadonlyMap<string, number>,
  consenting: ReadonlySet<string>,
): { reason: 'fewer-buyers' | 'dominance'; protectedAmount: number } | null {
  const parts = [...contributions]
    .filter(([org, v]) => !consenting.has(org) && Math.abs(v) > 1e-12)
    .map(([, v]) => Math.abs(v));
  if (parts.length === 0) return null;
  const sum = parts.reduce((a, b) => a + b, 0);
  if (parts.length < auditRules.minBuyers) return { reason: 'fewer-buyers', protectedAmount: sum };
  if (Math.max(...parts) > auditRules.dominance * sum * (1 + 1e-12))
    return { reason: 'dominance', protectedAmount: sum };
  return null;
}

// ---------------------------------------------------------------------------------------------
// HiGHS, loaded once per process.

type Loader = () => Promise<Highs>;
const exported = highsModule as unknown as { default: Loader | { default: Loader } };
const highsLoader: Loader = typeof exported.default === 'function' ? exported.default : exported.default.default;
let highsPromise: Promise<Highs> | undefined;

interface Program {
  names: string[];
  lower: number[];
  upper: number[];
  rows: { idx: number[]; coef: number[]; lo: number; hi: number }[];
  scale: number;
}

/** One side of an interval, with the point that attains it (absent when unbounded). */
interface Extreme {
  value: number;
  point?: Map<string, number>;
}

class Solver {
  programs = 0;
  runs = 0;
  millis = 0;
  constructor(private readonly highs: Highs) {}

  /** The program loaded once; then the minimum or maximum of any `Σ objective × x` over it. */
  open(p: Program) {
    const { highs } = this;
    const inf = highs.infinity;
    const starts = [0];
    const indices: number[] = [];
    const values: number[] = [];
    for (const r of p.rows) {
      indices.push(...r.idx);
      values.push(...r.coef);
      starts.push(indices.length);
    }
    const n = p.names.length;
    const model: Model = highs.createModel();
    model.options.set({ output_flag: false, log_to_console: false });
    const bound = (x: number) => (x === Infinity ? inf : x === -Infinity ? -inf : x / p.scale);
    model.passModel({
      numCols: n,
      numRows: p.rows.length,
      colCost: new Array<number>(n).fill(0),
      colLower: p.lower.map(bound),
      colUpper: p.upper.map(bound),
      rowLower: p.rows.map((r) => bound(r.lo)),
      rowUpper: p.rows.map((r) => bound(r.hi)),
      matrix: { format: 'csr', numRows: p.rows.length, numCols: n, starts, indices, values },
    });
    this.programs++;
    const status = highs.constants.modelStatus as unknown as Record<string, number>;
    let loaded = '';
    return {
      extreme: (objective: ReadonlyMap<number, number>, sense: 'min' | 'max'): Extreme => {
        const key = JSON.stringify([...objective]);
        if (key !== loaded) {
          const costs = new Array<number>(n).fill(0);
          for (const [i, c] of objective) costs[i] = c;
          model.changeColsCost({ kind: 'range', from: 0, to: n - 1 }, costs);
          loaded = key;
        }
        model.changeObjectiveSense(
          sense === 'min' ? highs.constants.objectiveSense.minimize : highs.constants.objectiveSense.maximize,
        );
        const started = performance.now();
        const { modelStatus } = model.run();
        this.millis += performance.now() - started;
        this.runs++;
        if (modelStatus === status.optimal) {
          const x = model.getSolution().colValue;
          return {
            value: model.getObjectiveValue() * p.scale,
            point: new Map(p.names.map((name, i) => [name, x[i]! * p.scale])),
          };
        }
        // The truth satisfies the program (checked before), so it is feasible: not bounded.
        if (modelStatus === status.unbounded || modelStatus === status.unboundedOrInfeasible)
          return { value: sense === 'min' ? -Infinity : Infinity };
        throw new Error(
          `HiGHS could not solve an audit program (model status ${modelStatus}) over ${p.names.join(', ')}`,
        );
      },
      close: () => model.dispose(),
    };
  }
}

// ---------------------------------------------------------------------------------------------
// The audit.

type Row = { terms: Map<string, number>; lo: number; hi: number };

/** A figure of one version: `version#cell|measure`. */
const vkey = (version: number, key: string) => `${version}#${key}`;

/** Runs the auditor; every sensitive figure of every version (and difference of versions) for every viewer. */
export async function auditDisclosure(input: AuditInput): Promise<AuditReport> {
  highsPromise ??= highsLoader();
  const solver = new Solver(await highsPromise);
  const consenting = new Set(input.consenting ?? []);
  const units = unitsOf(input.versions);
  const existence = input.attacker?.existence ?? false;
  const versions = input.versions.map((v, i) =>
    buildVersion(v, i, units, input.attacker?.buyerList ?? true, input.attacker?.verdictIsStage ?? true),
  );
  const labels = versions.map((v) => v.label);
  const noContributions: Contributions = new Map();
  const contributions = (v: number, key: string): Contributions => {
    const { cell, measure } = splitFig(key);
    return versions[v]!.truth.get(cell)?.get(measure) ?? noContributions;
  };
  const trueValue = (v: number, key: string) => {
    let t = 0;
    for (const x of contributions(v, key).values()) t += x;
    return t;
  };
  const figureKeysOf = versions.map((ver) => {
    const out: string[] = [];
    for (const [cell, kind] of ver.cells)
      for (const m of kind === 'money' ? moneyMeasures : ver.measures) out.push(fig(cell, m));
    return out;
  });
  const truth = new Map<string, number>();
  figureKeysOf.forEach((keys, v) => {
    for (const key of keys) truth.set(vkey(v, key), trueValue(v, key));
  });
  const truthOf = (k: string) => truth.get(k) ?? 0;
  /** Checks that the truth satisfies a relation the attacker is assumed to know: else the model is wrong. */
  const checkRow = (r: Row, who: string) => {
    let s = 0;
    let mag = 1;
    for (const [k, c] of r.terms) {
      const t = truthOf(k);
      s += c * t;
      mag = Math.max(mag, Math.abs(t));
    }
    if (s < r.lo - 1e-7 * mag || s > r.hi + 1e-7 * mag)
      throw new Error(
        `${who}: a relation fails on the truth: ${[...r.terms].map(([k, c]) => `${c}×${k}`).join(' ')} = ${s} ∉ [${r.lo}, ${r.hi}]`,
      );
  };
  // Each version's own relations, the same for every viewer.
  const baseRows: Row[] = [];
  versions.forEach((ver, v) => {
    for (const r of ver.rows)
      baseRows.push({ terms: new Map([...r.terms].map(([k, c]) => [vkey(v, k), c])), lo: r.lo, hi: r.hi });
  });
  for (const r of baseRows) checkRow(r, 'every viewer');
  const exists = (v: number, key: string) => versions[v]!.cells.has(splitFig(key).cell);

  // Who changed between consecutive versions, and how (new, gone or revised).
  const buyerFigures = (v: number, org: string) => {
    const out = new Map<string, number>();
    for (const [cell, byMeasure] of versions[v]!.truth)
      for (const [m, c] of byMeasure) if (c.has(org)) out.set(fig(cell, m), c.get(org)!);
    return out;
  };
  const changes: { changed: Set<string>; added: Set<string>; removed: Set<string> }[] = [];
  for (let j = 1; j < versions.length; j++) {
    const before = versions[j - 1]!;
    const after = versions[j]!;
    const orgs = new Set([...before.roster, ...after.roster]);
    const changed = new Set<string>();
    for (const org of orgs) {
      const a = buyerFigures(j - 1, org);
      const b = buyerFigures(j, org);
      if (
        a.size !== b.size ||
        [...a].some(([k, x]) => Math.abs((b.get(k) ?? NaN) - x) > 1e-9 * Math.max(1, Math.abs(x)))
      )
        changed.add(org);
    }
    changes.push({
      changed,
      added: new Set([...after.roster].filter((o) => !before.roster.has(o))),
      removed: new Set([...before.roster].filter((o) => !after.roster.has(o))),
    });
  }

  /** Programs by content, loaded once and shared by every viewer that derives the same. */
  const loaded = new Map<string, { results: Map<string, Extreme>; opened: ReturnType<Solver['open']> }>();

  /**
   * What one viewer can derive from the versions before `horizon` (all of them: everything
   * published), or knew before any figure of a version was printed (the
   * structure, its own lines, the stage): the extremes of any linear expression of figures.
   */
  type Knowledge = ReturnType<typeof knowledge>;
  const knowledge = (
    self: string | null,
    horizon: number,
    reference?: { bounds: ReadonlyMap<string, Bounds>; linkRows: ReadonlySet<string> },
  ) => {
    const name = self === null ? 'outsider' : `participant ${self}`;
    const knows = (org: string) => consenting.has(org) || org === self;
    const knownPart = (c: ReadonlyMap<string, number>) => {
      let k = 0;
      for (const [org, x] of c) if (knows(org)) k += x;
      return k;
    };

    // What the viewer knows of each figure.
    const bounds = new Map<string, Bounds>();
    versions.forEach((ver, v) => {
      for (const key of figureKeysOf[v]!) {
        const { cell, measure } = splitFig(key);
        let lo = 0;
        let hi = Infinity;
        if (existence && measure === 'lines') lo = 1; // a listed cell has at least one line
        lo = Math.max(lo, knownPart(contributions(v, key)));
        if (cell.startsWith('buyer:') && knows(cell.slice(6))) lo = hi = trueValue(v, key);
        const usePublished = v < horizon;
        const p = usePublished ? ver.published.get(key) : ver.stage.get(key);
        if (p) {
          lo = Math.max(lo, p.lo);
          hi = Math.min(hi, p.hi);
        }
        if (usePublished && ver.zero.has(key)) lo = hi = 0;
        bounds.set(vkey(v, key), { lo, hi });
      }
    });

    // Relations: each version's own, and the links between consecutive versions.
    const linkRows: Row[] = [];
    for (let j = 1; j < versions.length; j++) {
      const i = j - 1;
      const { changed, added, removed } = changes[i]!;
      const unknown = [...changed].filter((o) => !knows(o));
      const buyerOf = (org: string) => versions[j]!.buyers.get(org) ?? versions[i]!.buyers.get(org);
      for (const key of new Set([...figureKeysOf[i]!, ...figureKeysOf[j]!])) {
        const { cell } = splitFig(key);
        const could = unknown.filter((o) => {
          if (cell.startsWith('buyer:')) return cell === `buyer:${o}`;
          // Without the list of buyers, a changed buyer's country and type are unknown.
          const known = buyerOf(o);
          if (cell.startsWith('country:')) return known === undefined || cell === `country:${known.country}`;
          if (cell.startsWith('type:')) return known === undefined || cell === `type:${known.type}`;
          return true;
        });
        const delta = knownPart(contributions(j, key)) - knownPart(contributions(i, key));
        const terms = new Map<string, number>();
        if (exists(j, key)) terms.set(vkey(j, key), 1);
        if (exists(i, key)) terms.set(vkey(i, key), -1);
        if (terms.size === 0) continue;
        if (could.length === 0) linkRows.push({ terms, lo: delta, hi: delta });
        else if (could.every((o) => added.has(o))) linkRows.push({ terms, lo: delta, hi: Infinity });
        else if (could.every((o) => removed.has(o))) linkRows.push({ terms, lo: -Infinity, hi: delta });
      }
    }

    // The truth must satisfy everything the viewer is assumed to know: else the model is wrong.
    for (const [k, { lo, hi }] of bounds) {
      const t = truthOf(k);
      const tol = 1e-7 * Math.max(1, Math.abs(t));
      if (t < lo - tol || t > hi + tol)
        throw new Error(
          `${name}: ${k} is ${t} in truth but the viewer is given [${lo}, ${hi}] (a printed figure is wrong, or the auditor's model is)`,
        );
    }
    for (const r of linkRows) checkRow(r, name);
    const rows = [...baseRows, ...linkRows];
    const rowsOf = new Map<string, Row[]>();
    for (const r of rows) for (const k of r.terms.keys()) push(rowsOf, k, r);

    // Fixed figures become constants; the rest are variables, split into independent programs.
    const fixed = new Map<string, number>();
    const varBounds = new Map<string, Bounds>();
    for (const [k, b] of bounds) {
      if (b.hi - b.lo <= 1e-9 * Math.max(1, Math.abs(b.lo))) fixed.set(k, b.lo);
      else varBounds.set(k, b);
    }
    const reduced: Row[] = [];
    for (const r of rows) {
      let constant = 0;
      const terms = new Map<string, number>();
      for (const [k, c] of r.terms) {
        if (fixed.has(k)) constant += c * fixed.get(k)!;
        else terms.set(k, c);
      }
      if (terms.size > 0) reduced.push({ terms, lo: r.lo - constant, hi: r.hi - constant });
    }
    const parent = new Map<string, string>();
    const find = (k: string): string => {
      let root = k;
      while (parent.get(root) !== root) root = parent.get(root)!;
      for (let x = k; x !== root;) {
        const next = parent.get(x)!;
        parent.set(x, root);
        x = next;
      }
      return root;
    };
    for (const k of varBounds.keys()) parent.set(k, k);
    for (const r of reduced) {
      const [first, ...rest] = [...r.terms.keys()];
      for (const k of rest) parent.set(find(k), find(first!));
    }
    const members = new Map<string, string[]>();
    for (const k of varBounds.keys()) push(members, find(k), k);
    const reducedOf = new Map<string, Row[]>();
    for (const r of reduced) {
      const root = find(r.terms.keys().next().value!);
      push(reducedOf, root, r);
    }

    const programs = new Map<string, { key: string; index: Map<string, number>; program: Program }>();
    const programOf = (roots: string[]) => {
      const rootsKey = roots.join('\n');
      let built = programs.get(rootsKey);
      if (built) return built;
      const names = roots.flatMap((r) => members.get(r)!).sort();
      const index = new Map(names.map((n, i) => [n, i]));
      let scale = 1;
      for (const n of names) scale = Math.max(scale, Math.abs(truthOf(n)));
      const program: Program = {
        names,
        lower: names.map((n) => varBounds.get(n)!.lo),
        upper: names.map((n) => varBounds.get(n)!.hi),
        rows: roots
          .flatMap((r) => reducedOf.get(r) ?? [])
          .map((r) => {
            const entries = [...r.terms].map(([k, c]) => [index.get(k)!, c] as const).sort((a, b) => a[0] - b[0]);
            return { idx: entries.map((e) => e[0]), coef: entries.map((e) => e[1]), lo: r.lo, hi: r.hi };
          }),
        scale,
      };
      built = { key: JSON.stringify([names, program.lower, program.upper, program.rows]), index, program };
      programs.set(rootsKey, built);
      return built;
    };

    /** The minimum or maximum of `Σ coef × figure`, with a point attaining it (figures absent from it take their true values). */
    const extreme = (objective: ReadonlyMap<string, number>, sense: 'min' | 'max'): Extreme => {
      let constant = 0;
      const vars = new Map<string, number>();
      for (const [k, c] of objective) {
        if (fixed.has(k)) constant += c * fixed.get(k)!;
        else vars.set(k, c);
      }
      if (vars.size === 0) return { value: constant, point: new Map() };
      const { key, index, program } = programOf([...new Set([...vars.keys()].map(find))].sort());
      let entry = loaded.get(key);
      if (!entry) loaded.set(key, (entry = { results: new Map(), opened: solver.open(program) }));
      const resultKey = `${sense} ${JSON.stringify([...vars].sort())}`;
      let found = entry.results.get(resultKey);
      if (!found) {
        found = entry.opened.extreme(new Map([...vars].map(([k, c]) => [index.get(k)!, c])), sense);
        entry.results.set(resultKey, found);
      }
      return { value: found.value + constant, ...(found.point ? { point: found.point } : {}) };
    };

    // What this viewer knows beyond the reference (the outsider): bounds its own lines raise or
    // fix, and links between versions it alone can draw. A move between two points both possible
    // for the outsider can only break these.
    const rowKey = (r: Row) => `${[...r.terms].map(([k, c]) => `${c}${k}`).join('+')}∈[${r.lo},${r.hi}]`;
    const extraBounds = [...bounds].filter(
      ([k, b]) => !reference || reference.bounds.get(k)?.lo !== b.lo || reference.bounds.get(k)?.hi !== b.hi,
    );
    const extraRows = reference ? linkRows.filter((r) => !reference.linkRows.has(rowKey(r))) : rows;
    /**
     * How far towards `point` (an extreme the outsider can reach; figures absent from it at their
     * true values) this viewer can move from the truth: the largest λ in [0, 1] for which
     * truth + λ × (point − truth) satisfies all it knows. The truth is possible for every viewer,
     * and what is possible is convex, so the figure's own extreme is at least that far out.
     */
    const reach = (point: ReadonlyMap<string, number>): number => {
      let lambda = 1;
      const limit = (slack: number, step: number) => {
        // slack ≥ 0 is how far the truth is from the constraint, step how fast the move uses it up.
        if (step > 1e-12 * Math.max(1, Math.abs(slack))) lambda = Math.min(lambda, Math.max(0, slack) / step);
      };
      for (const [k, b] of extraBounds) {
        const x = point.get(k);
        if (x === undefined) continue;
        const t = truthOf(k);
        limit(t - b.lo, t - x);
        limit(b.hi - t, x - t);
      }
      for (const r of extraRows) {
        let sum = 0;
        let change = 0;
        for (const [f, c] of r.terms) {
          const tf = truthOf(f);
          sum += c * tf;
          change += c * ((point.get(f) ?? tf) - tf);
        }
        limit(sum - r.lo, -change);
        limit(r.hi - sum, change);
      }
      return lambda;
    };

    /** The figures of the programs an expression's variables belong to. */
    const componentOf = (objective: ReadonlyMap<string, number>): string[] => {
      const roots = new Set<string>();
      for (const f of objective.keys()) if (!fixed.has(f)) roots.add(find(f));
      return [...roots].sort().flatMap((r) => members.get(r)!);
    };
    /**
     * What decides whether an expression over these figures is bounded (the recession cone of
     * what the viewer knows): which figures have an upper bound, and which relations touch them
     * with which sides. Lower bounds' values do not matter: every figure has one.
     */
    const cones = new Map<string, string>();
    const coneOf = (figures: readonly string[]): string => {
      const key = figures.join('\n');
      let cone = cones.get(key);
      if (cone !== undefined) return cone;
      const parts: string[] = [];
      const seen = new Set<Row>();
      for (const f of figures) {
        const b = bounds.get(f)!;
        if (Number.isFinite(b.hi)) parts.push(`${f}≤`);
        for (const r of rowsOf.get(f) ?? []) {
          if (seen.has(r)) continue;
          seen.add(r);
          parts.push(
            `${[...r.terms]
              .map(([t, c]) => `${c}${t}`)
              .sort()
              .join('+')}${Number.isFinite(r.lo) ? '≥' : ''}${Number.isFinite(r.hi) ? '≤' : ''}`,
          );
        }
      }
      cone = parts.sort().join(';');
      cones.set(key, cone);
      return cone;
    };

    return { extreme, reach, componentOf, coneOf, bounds, linkRows: new Set(linkRows.map(rowKey)) };
  };

  // The outsider's extremes are a reference: a participant knows more, so when the outsider's
  // extreme point is also possible for it, it is the participant's extreme too, and no program
  // needs solving.
  const outsiderKnowledge = new Map<number, Knowledge>();
  const referenceOf = (horizon: number): Knowledge => {
    let k = outsiderKnowledge.get(horizon);
    if (!k) outsiderKnowledge.set(horizon, (k = knowledge(null, horizon)));
    return k;
  };
  const knowledgeOf = (self: string | null, horizon: number): Knowledge =>
    self === null ? referenceOf(horizon) : knowledge(self, horizon, referenceOf(horizon));
  /**
   * The interval of an expression for a viewer. With `want` (the interval it must keep at least),
   * a side may be settled without a program of the viewer's own: if moving from the truth towards
   * the outsider's extreme already gets past `want`, the viewer's extreme is past it too (the
   * side is then reported as that certified bound, and the interval as at least that wide).
   */
  const intervalFrom = (
    k: Knowledge,
    self: string | null,
    horizon: number,
    objective: ReadonlyMap<string, number>,
    want?: [number, number],
  ): { interval: [number, number]; exact: boolean } => {
    let exact = true;
    let truth = 0;
    for (const [f, c] of objective) truth += c * truthOf(f);
    const side = (sense: 'min' | 'max') => {
      if (self !== null && want && !input.solveEvery) {
        const ref = referenceOf(horizon).extreme(objective, sense);
        if (!ref.point) {
          // Unbounded for the outsider: for the viewer too, if what it knows has the same recession cone there.
          const component = referenceOf(horizon).componentOf(objective);
          if (component.length > 0 && k.coneOf(component) === referenceOf(horizon).coneOf(component)) return ref.value;
        }
        if (ref.point) {
          const certified = truth + k.reach(ref.point) * (ref.value - truth);
          if (sense === 'max' ? certified >= want[1] : certified <= want[0]) {
            exact = exact && certified === ref.value;
            return certified;
          }
        }
      }
      return k.extreme(objective, sense).value;
    };
    const interval: [number, number] = [side('min'), side('max')];
    return { interval, exact };
  };

  const audited: AuditedFigure[] = [];
  const leaks: Leak[] = [];
  try {
    for (const viewer of input.viewers) {
      const self = viewer === 'outsider' ? null : viewer.participant;
      const name = viewerName(viewer);
      const all = versions.length;
      const derive = knowledgeOf(self, all);
      const before = new Map<number, Knowledge>();

      /** Judges a figure of version `latest` (or a difference up to it), against what the viewer knew before that version was printed. */
      const judge = (
        version: string,
        latest: number,
        key: string,
        difference: boolean,
        objective: Map<string, number>,
        c: ReadonlyMap<string, number>,
        printed: boolean,
      ) => {
        const s = sensitivity(c, consenting);
        if (!s) return;
        const own = self !== null ? Math.abs(c.get(self) ?? 0) : 0;
        const protectedPart = s.protectedAmount - own;
        if (protectedPart <= 1e-9 * Math.max(1, s.protectedAmount)) return;
        let value = 0;
        for (const x of c.values()) value += x;
        const need = auditRules.protection * protectedPart;
        const tol = 1e-6 * Math.max(1, Math.abs(value), protectedPart);
        let required: [number, number] = [value - need, value + need];
        let { interval, exact } = intervalFrom(derive, self, all, objective, [required[0] - tol, required[1] + tol]);
        const { cell, measure } = splitFig(key);
        if (interval[1] < required[1] - tol || interval[0] > required[0] + tol) {
          // What was known before the version was printed (a buyer's own part, the stage, the
          // earlier versions, and with `existence` a line per listed cell) is no disclosure of
          // it: the protection asked for stops there. (An earlier version's leaks are its own.)
          let k = before.get(latest);
          if (!k) before.set(latest, (k = knowledgeOf(self, latest)));
          const known = intervalFrom(k, self, latest, objective).interval;
          required = [Math.max(required[0], known[0]), Math.min(required[1], known[1])];
          if (!exact) ({ interval, exact } = intervalFrom(derive, self, all, objective));
        }
        const leak = interval[1] < required[1] - tol || interval[0] > required[0] + tol;
        const figure: AuditedFigure = {
          viewer: name,
          version,
          cell,
          measure,
          difference,
          trueValue: value,
          interval,
          protectedPart,
          required,
          reason: s.reason,
          kind: printed && interval[1] - interval[0] <= 0.01 + tol ? 'published' : 'derived',
          ...(exact ? {} : { certified: true }),
        };
        audited.push(figure);
        if (leak) leaks.push(figure);
      };

      versions.forEach((ver, v) => {
        for (const key of figureKeysOf[v]!)
          judge(
            ver.label,
            v,
            key,
            false,
            new Map([[vkey(v, key), 1]]),
            contributions(v, key),
            ver.published.get(key)?.printed ?? false,
          );
      });
      for (let i = 0; i < versions.length; i++) {
        for (let j = i + 1; j < versions.length; j++) {
          for (const key of new Set([...figureKeysOf[i]!, ...figureKeysOf[j]!])) {
            const delta = new Map(contributions(j, key));
            for (const [org, x] of contributions(i, key)) delta.set(org, (delta.get(org) ?? 0) - x);
            for (const [org, x] of delta)
              if (Math.abs(x) <= 1e-9 * Math.max(1, Math.abs(contributions(j, key).get(org) ?? 0))) delta.delete(org);
            const objective = new Map<string, number>();
            if (exists(j, key)) objective.set(vkey(j, key), 1);
            if (exists(i, key)) objective.set(vkey(i, key), -1);
            const printed =
              (versions[i]!.published.get(key)?.printed ?? !exists(i, key)) &&
              (versions[j]!.published.get(key)?.printed ?? !exists(j, key));
            judge(`${labels[i]}→${labels[j]}`, j, key, true, objective, delta, printed);
          }
        }
      }
    }
  } finally {
    for (const { opened } of loaded.values()) opened.close();
  }
  return { leaks, audited, programs: solver.programs, solves: solver.runs, solverMillis: solver.millis };
}
