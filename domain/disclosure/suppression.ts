import { intervalOf, type LinearProgram, type LpSolver } from './linear-program.js';
import {
  consentedPart,
  disclosureRules,
  sensitivityOf,
  sensitivityOfStats,
  type SensitivityReason,
  total,
} from './sensitivity.js';
import type { FigureStats } from './statistical-tables.js';
import {
  type CellKey,
  cellKeys,
  type Measure,
  measuresOf,
  moneyMeasures,
  relationHolds,
  type StatCell,
  type StatRelation,
  type StatTables,
  unpublishedKinds,
} from './statistical-tables.js';

/**
 * Secondary (complementary) suppression across every table published together, and across the
 * versions a viewer has already seen. Each sensitive figure is audited exactly: with linear
 * programming over the published figures and the relations between them, the interval an
 * attacker can narrow it to is computed, and while that interval is narrower than ±15 % of the
 * protected part, one more cell is withheld: among the cells that share a relation with what is
 * hidden, the one of least value that closes the gap (or, if none does, the one that narrows it
 * most). Withholding a cell only ever widens every interval, so one pass over the sensitive
 * figures leaves all of them protected.
 *
 * Attackers: an outsider, who knows the published figures, which cells are zero and every
 * consented contribution; and each participant that is the largest contributor to a hidden cell
 * around the figure, who also knows its own contributions (to the figure too: what it must not
 * learn is the others' part).
 *
 * Each buyer's own total is a sensitive figure too (the buyer list relates it to its country and
 * type). Buyers of one country and type share every relation, so the attacker's interval for the
 * group's total decides each member's: the group's upper bound, less the others' known parts, is
 * a member's upper bound, and a member's lower bound is only its own known part unless it is the
 * group's one unknown member. So each group is audited once, with the margins its largest
 * unknown member needs, whatever the number of buyers.
 */

export type WithheldReason = SensitivityReason | 'complementary';

/** A version of the tables that the same viewers have seen already, with what it withheld. */
export interface PublishedLayer {
  tables: StatTables;
  withheld: ReadonlySet<CellKey>;
}

export interface Protection {
  withheld: Map<CellKey, WithheldReason>;
  /** Sensitive figures no suppression in this version could protect (a former version gave them away). */
  unprotectable: string[];
}

interface Layer {
  tables: StatTables;
  hidden: Set<CellKey>;
  byCell: Map<CellKey, StatRelation[]>;
}

/**
 * A sensitive figure of one version (`layer`), the difference of a cell between two (`base` −
 * `layer`), or the totals of one group of buyers (`buyers:` cells) in one version.
 */
type Target =
  | { kind: 'cell' | 'buyers'; layer: number; cell: CellKey; measure: Measure; value: number; protectedAmount: number }
  | {
      kind: 'difference';
      base: number;
      layer: number;
      cell: CellKey;
      measure: Measure;
      value: number;
      protectedAmount: number;
    };

/** Participants audited per figure: those with a part in the hidden cells around it, the largest first, at most this many. */
const maxInsidersAudited = 40;

/** Complementary cells tried per step, cheapest first. */
const maxCandidatesTried = 12;

/** The cells of a previous layer that the current one lacks, as empty cells of it, so relations count them. */
export function withSkeletonOf(current: StatTables, previous: readonly PublishedLayer[]): StatTables {
  const empty = (key: CellKey, kind: StatCell['kind']): StatCell => ({
    key,
    kind,
    stats: new Map(),
    contributions: new Map(),
  });
  return {
    ...current,
    cells: new Map([
      ...previous.flatMap((p) => [...p.tables.cells].map(([k, c]) => [k, empty(k, c.kind)] as const)),
      ...current.cells,
    ]),
  };
}

export function protectTables(
  tables: StatTables,
  options: { solver: LpSolver; previous?: readonly PublishedLayer[] },
): Protection {
  const previous = options.previous ?? [];
  const index = (t: StatTables, hidden: Set<CellKey>): Layer => {
    const byCell = new Map<CellKey, StatRelation[]>();
    for (const r of t.relations) for (const k of [r.parent, ...r.parts]) byCell.set(k, [...(byCell.get(k) ?? []), r]);
    return { tables: t, hidden, byCell };
  };
  // Buyers' own totals, alone or by group, are never published: hidden in every version.
  const isPublished = (c: StatCell | undefined) => c !== undefined && !unpublishedKinds.has(c.kind);
  const buyerCells = (t: StatTables) => [...t.cells.values()].filter((c) => !isPublished(c)).map((c) => c.key);
  const layers: Layer[] = [
    index(tables, new Set(buyerCells(tables))),
    ...previous.map((p) => index(p.tables, new Set([...p.withheld, ...buyerCells(p.tables)]))),
  ];
  const current = layers[0]!;
  const withheld = new Map<CellKey, WithheldReason>();
  const measures = [...new Set(layers.flatMap((l) => measuresOf(l.tables)))];

  const statsOf = (layer: number, cell: CellKey, m: Measure) => layers[layer]!.tables.cells.get(cell)?.stats.get(m);
  const valueOf = (layer: number, cell: CellKey, m: Measure) => statsOf(layer, cell, m)?.total ?? 0;
  const ownOf = (layer: number, org: string, cell: CellKey, m: Measure) =>
    layers[layer]!.tables.ownContribution(org, cell, m);
  // Two versions differ by the buyers whose records differ (joined, left, or submitted anew).
  const changed = new Map<string, string[]>();
  const changedOrgs = (a: number, b: number) => {
    const key = `${a},${b}`;
    let orgs = changed.get(key);
    if (!orgs) {
      const fa = layers[a]!.tables.fingerprints;
      const fb = layers[b]!.tables.fingerprints;
      changed.set(
        key,
        (orgs = [...new Set([...fa.keys(), ...fb.keys()])].filter((org) => fa.get(org) !== fb.get(org)).sort()),
      );
    }
    return orgs;
  };
  /** Per changed buyer, its part of the cell in version `a` minus in version `b`. */
  const changesOf = (a: number, b: number, cell: CellKey, m: Measure) => {
    const delta = new Map<string, number>();
    for (const org of changedOrgs(a, b)) {
      const d = ownOf(a, org, cell, m) - ownOf(b, org, cell, m);
      if (d !== 0) delta.set(org, d);
    }
    return delta;
  };

  const targets: Target[] = [];
  for (const [cell, c] of current.tables.cells) {
    if (!isPublished(c)) continue;
    for (const [m, f] of c.stats) {
      const s = sensitivityOfStats(f);
      if (!s) continue;
      if (withheld.get(cell) !== 'fewer-buyers') withheld.set(cell, s.reason);
      targets.push({ kind: 'cell', layer: 0, cell, measure: m, value: f.total, protectedAmount: s.protectedAmount });
    }
  }
  // Cells that are the same figure (a node with one child, the total and a nature all buyers share…) are withheld together.
  const sameFigure = new Map<CellKey, CellKey[]>();
  const bySignature = new Map<string, CellKey[]>();
  for (const [key, c] of current.tables.cells) {
    // Per measure, the total and the number of contributors: equal for cells that are one figure.
    const signature = [...c.stats]
      .map(([m, f]) => `${m}=${f.total.toPrecision(15)}/${f.contributors}/${f.consented.toPrecision(15)}`)
      .sort()
      .join(';');
    const group = bySignature.get(signature) ?? [];
    group.push(key);
    bySignature.set(signature, group);
    sameFigure.set(key, group);
  }
  const hide = (cell: CellKey, reason: WithheldReason) => {
    for (const c of sameFigure.get(cell) ?? [cell]) {
      current.hidden.add(c);
      if (!withheld.has(c) && isPublished(current.tables.cells.get(c))) withheld.set(c, reason);
    }
  };
  for (const [k, reason] of [...withheld]) hide(k, reason);
  for (let p = 1; p < layers.length; p++) {
    for (const [cell, c] of layers[p]!.tables.cells) {
      if (!layers[p]!.hidden.has(cell) || !isPublished(c)) continue;
      for (const [m, f] of c.stats) {
        const s = sensitivityOfStats(f);
        if (s)
          targets.push({
            kind: 'cell',
            layer: p,
            cell,
            measure: m,
            value: f.total,
            protectedAmount: s.protectedAmount,
          });
      }
    }
  }
  // Every group of buyers, in every version, whose largest member another could narrow down.
  for (let layer = 0; layer < layers.length; layer++) {
    for (const [cell, c] of layers[layer]!.tables.cells) {
      if (c.kind !== 'buyers') continue;
      for (const m of moneyMeasures) {
        const f = c.stats.get(m);
        // The second largest, knowing its own part, needs the least to narrow the largest down.
        if (
          f &&
          f.contributors > 0 &&
          (1 + disclosureRules.protectionShare) * f.largest + f.second > f.protectedSum * (1 + 1e-12)
        )
          targets.push({ kind: 'buyers', layer, cell, measure: m, value: f.total, protectedAmount: f.protectedSum });
      }
    }
  }
  // Every pair of versions: what one adds to another must not give a buyer away, earlier pairs
  // included (this version may reveal a cell an earlier difference relied on).
  for (let a = 0; a < layers.length; a++) {
    for (let b = a + 1; b < layers.length; b++) {
      // Only the figures a changed buyer contributes to (in either version) can differ.
      const touched = new Map<string, [CellKey, Measure]>();
      for (const org of changedOrgs(a, b)) {
        for (const layer of [a, b]) {
          for (const [cell, byMeasure] of layers[layer]!.tables.contributionsOfOrg(org)) {
            if (!cell.startsWith('buyer:'))
              for (const m of byMeasure.keys()) touched.set(`${cell}\u0000${m}`, [cell, m]);
          }
        }
      }
      for (const [cell, m] of touched.values()) {
        const delta = changesOf(a, b, cell, m);
        const s = sensitivityOf(delta, current.tables.consenting);
        if (s)
          targets.push({
            kind: 'difference',
            base: a,
            layer: b,
            cell,
            measure: m,
            value: total(delta),
            protectedAmount: s.protectedAmount,
          });
      }
    }
  }
  targets.sort((a, b) => b.protectedAmount - a.protectedAmount || (a.cell < b.cell ? -1 : a.cell > b.cell ? 1 : 0));

  const scale = new Map<Measure, number>();
  for (const m of measures) {
    let max = 1;
    for (let l = 0; l < layers.length; l++)
      for (const cell of layers[l]!.tables.cells.keys()) max = Math.max(max, Math.abs(valueOf(l, cell, m)));
    scale.set(m, max);
  }

  /** One attacker: an outsider (null) or one participant, who knows its own contributions. */
  type Attacker = string | null;
  const own = (contributions: ReadonlyMap<string, number>, attacker: Attacker) =>
    attacker === null ? 0 : (contributions.get(attacker) ?? 0);

  /** Builds an attacker's program around a target: the connected relations, links and hidden cells. */
  function program(t: Target, attacker: Attacker) {
    const m = t.measure;
    const k = scale.get(m)!;
    const variables: Record<string, { lower: number; upper?: number }> = {};
    const constraints: { terms: Record<string, number>; equals: number }[] = [];
    const nearCells = new Set<CellKey>();
    const componentCells = new Set<CellKey>();
    const seenRelations = new Set<StatRelation>();
    const seenLinks = new Set<string>();
    const queue: string[] = [];

    const isVariable = (layer: number, cell: CellKey) => {
      const l = layers[layer]!;
      const c = l.tables.cells.get(cell);
      return c !== undefined && l.hidden.has(cell) && (c.stats.has(m) || c.stats.size === 0);
    };
    const insiderWeight = new Map<string, number>();
    const noteInsiders = (contributions: ReadonlyMap<string, number>) => {
      for (const [org, v] of contributions)
        if (!current.tables.consenting.has(org))
          insiderWeight.set(org, (insiderWeight.get(org) ?? 0) + Math.abs(v) / k);
    };
    const ownIn = (layer: number, cell: CellKey) => (attacker === null ? 0 : ownOf(layer, attacker, cell, m));
    const declareCell = (layer: number, cell: CellKey) => {
      const name = `${layer}|${cell}`;
      if (name in variables) return name;
      const f = statsOf(layer, cell, m);
      if (f && f.contributors > 0)
        noteInsiders(layers[layer]!.tables.cells.get(cell)!.contributions.get(m) ?? new Map());
      // A priori, a hidden figure is only known to be at least its known parts (τ-ARGUS's bounds).
      const lower = ((f?.consented ?? 0) + ownIn(layer, cell)) / k;
      // A cell of consenting buyers only is known to all; one the attacker alone (besides them) makes up, to the attacker.
      const known =
        f !== undefined &&
        (f.contributors === 0 || (attacker !== null && f.contributors === 1 && f.largestOrg === attacker));
      variables[name] = known ? { lower, upper: lower } : { lower };
      queue.push(name);
      return name;
    };
    const declareDifference = (a: number, b: number, cell: CellKey, delta: Map<string, number>) => {
      const name = `d${a},${b}|${cell}`;
      if (name in variables) return name;
      noteInsiders(delta);
      const values = [...delta.values()];
      const known = consentedPart(delta, current.tables.consenting) + own(delta, attacker);
      const others = [...delta.keys()].filter((org) => org !== attacker && !current.tables.consenting.has(org));
      if (others.length === 0) variables[name] = { lower: known / k, upper: known / k };
      else if (values.every((v) => v > 0)) variables[name] = { lower: known / k };
      else if (values.every((v) => v < 0)) variables[name] = { lower: -Infinity, upper: known / k };
      else variables[name] = { lower: -Infinity };
      return name;
    };

    const addRelation = (layer: number, r: StatRelation) => {
      if (seenRelations.has(r)) return;
      seenRelations.add(r);
      const terms: Record<string, number> = {};
      let equals = 0;
      const members: [CellKey, number][] = [[r.parent, 1], ...r.parts.map((p) => [p, -1] as [CellKey, number])];
      for (const [cell, coef] of members) {
        if (layer === 0) componentCells.add(cell);
        if (isVariable(layer, cell)) {
          const name = declareCell(layer, cell);
          terms[name] = (terms[name] ?? 0) + coef;
        } else equals -= (coef * valueOf(layer, cell, m)) / k;
      }
      constraints.push({ terms, equals });
    };
    /** Version `a`'s cell minus version `b`'s is what the changed buyers changed in it. */
    const addLink = (a: number, b: number, cell: CellKey) => {
      const key = `${a},${b}|${cell}`;
      if (seenLinks.has(key)) return;
      seenLinks.add(key);
      componentCells.add(cell);
      const terms: Record<string, number> = {};
      let equals = 0;
      for (const [layer, coef] of [
        [a, 1],
        [b, -1],
      ] as const) {
        if (isVariable(layer, cell)) terms[declareCell(layer, cell)] = coef;
        else equals -= (coef * valueOf(layer, cell, m)) / k;
      }
      const delta = changesOf(a, b, cell, m);
      if (delta.size > 0) terms[declareDifference(a, b, cell, delta)] = -1;
      if (Object.keys(terms).length > 0) constraints.push({ terms, equals });
    };

    // The target itself, then everything connected to it through hidden cells.
    let objective: string | null = null;
    let attackerShare: number;
    if (t.kind !== 'difference') {
      attackerShare = Math.abs(ownIn(t.layer, t.cell));
      if (isVariable(t.layer, t.cell)) objective = declareCell(t.layer, t.cell);
      if (t.layer === 0)
        for (const r of current.byCell.get(t.cell) ?? [])
          if (relationHolds(r, m)) for (const c of [r.parent, ...r.parts]) nearCells.add(c);
    } else {
      const delta = changesOf(t.base, t.layer, t.cell, m);
      attackerShare = Math.abs(own(delta, attacker));
      objective = declareDifference(t.base, t.layer, t.cell, delta);
      addLink(t.base, t.layer, t.cell);
      for (const r of current.byCell.get(t.cell) ?? [])
        if (relationHolds(r, m)) for (const c of [r.parent, ...r.parts]) nearCells.add(c);
    }
    nearCells.add(t.cell);
    while (queue.length > 0) {
      const name = queue.pop()!;
      const bar = name.indexOf('|');
      const layer = Number(name.slice(0, bar));
      const cell = name.slice(bar + 1);
      for (const r of layers[layer]!.byCell.get(cell) ?? []) if (relationHolds(r, m)) addRelation(layer, r);
      for (let other = 0; other < layers.length; other++)
        if (other !== layer) addLink(Math.min(layer, other), Math.max(layer, other), cell);
    }
    const insiders = [...insiderWeight].sort((x, y) => y[1] - x[1] || (x[0] < y[0] ? -1 : 1)).map(([org]) => org);
    return { objective, variables, constraints, k, nearCells, componentCells, insiders, attackerShare };
  }

  /** How far the target's interval falls short of ±15 % for this attacker, in the measure's units (0 when protected). */
  function shortfall(t: Target, built: ReturnType<typeof program>, attacker: Attacker): number {
    const margins = needOf(t, attacker, built.attackerShare);
    const v = t.value / built.k;
    const up = margins.up / built.k;
    const down = margins.down / built.k;
    if (up <= 0 && down <= 0) return 0;
    const tolerance = 1e-7 + Math.max(up, down) * 1e-6;
    if (built.objective === null) return Math.max(up, down) * built.k;
    const lp: Omit<LinearProgram, 'sense'> = {
      objective: { [built.objective]: 1 },
      variables: built.variables,
      constraints: built.constraints,
    };
    const interval = intervalOf(options.solver, lp);
    if (!interval) return Math.max(up, down) * built.k;
    const gap = Math.max(v + up - interval.upper, interval.lower - (v - down), 0);
    return gap <= tolerance ? 0 : gap * built.k;
  }

  /** The margins above and below a target's value that this attacker's interval must reach. */
  function needOf(t: Target, attacker: Attacker, attackerShare: number): { up: number; down: number } {
    if (t.kind === 'buyers') {
      const f = statsOf(t.layer, t.cell, t.measure)!;
      return buyersNeed(f, attacker, attackerShare);
    }
    const protectedPart = t.protectedAmount - attackerShare;
    const need = protectedPart > 0 ? disclosureRules.protectionShare * protectedPart : 0;
    return { up: need, down: need };
  }

  /** The worst shortfall over the outsider and the most informed insiders, with who falls short. */
  function audit(t: Target): { gap: number; attacker: Attacker; built: ReturnType<typeof program> } {
    const outsider = program(t, null);
    const gap = shortfall(t, outsider, null);
    if (gap > 0) return { gap, attacker: null, built: outsider };
    // A group's two largest members first: each is the one attacker that knows a part of the group.
    const members =
      t.kind === 'buyers' ? largestTwo(layers[t.layer]!.tables.cells.get(t.cell)!.contributions.get(t.measure)) : [];
    const insiders = [...new Set([...members, ...outsider.insiders])].filter(
      (org) => !current.tables.consenting.has(org),
    );
    for (const insider of insiders.slice(0, maxInsidersAudited)) {
      const g = shortfall(t, program(t, insider), insider);
      if (g > 0) return { gap: g, attacker: insider, built: outsider };
    }
    return { gap: 0, attacker: null, built: outsider };
  }

  const unprotectable: string[] = [];
  const costOf = (cell: CellKey) =>
    Math.max(...sameFigure.get(cell)!.map((c) => (c === cellKeys.total ? 1e6 : 1) * Math.abs(valueOf(0, c, 'value'))));
  const open = (cells: Iterable<CellKey>) => [
    ...new Set(
      [...cells]
        .filter((c) => current.tables.cells.has(c) && !current.hidden.has(c))
        .map((c) => sameFigure.get(c)![0]!),
    ),
  ];
  /** The gap left for one attacker if `cell` were withheld too. */
  const gapWith = (t: Target, attacker: Attacker, cell: CellKey) => {
    const members = sameFigure.get(cell)!.filter((c) => !current.hidden.has(c));
    for (const c of members) current.hidden.add(c);
    try {
      return shortfall(t, program(t, attacker), attacker);
    } finally {
      for (const c of members) current.hidden.delete(c);
    }
  };
  for (const t of targets) {
    for (;;) {
      const { gap, attacker, built } = audit(t);
      if (gap === 0) break;
      // The target's own cell first (a difference or an earlier version's figure); then the
      // cheapest cells around it, tried in order of value until one closes the gap.
      const ownCell =
        (t.kind === 'difference' || t.layer !== 0) &&
        current.tables.cells.has(t.cell) &&
        !current.hidden.has(t.cell) &&
        !t.cell.startsWith('buyer:')
          ? t.cell
          : undefined;
      let choice = ownCell;
      if (choice === undefined) {
        const candidates = open([...built.nearCells, ...built.componentCells]).sort(
          (a, b) => costOf(a) - costOf(b) || (a < b ? -1 : 1),
        );
        let best: { cell: CellKey; gap: number } | undefined;
        for (const cell of candidates.slice(0, maxCandidatesTried)) {
          const left = gapWith(t, attacker, cell);
          if (left === 0) {
            best = { cell, gap: 0 };
            break;
          }
          if (left < gap && (!best || left < best.gap)) best = { cell, gap: left };
        }
        // None closes or narrows the gap alone: take the cheapest that adds any uncertainty (a cell
        // of consenting buyers only adds none), so that with the next ones it can.
        choice =
          best?.cell ?? candidates.find((c) => (statsOf(0, c, t.measure)?.contributors ?? 0) > 0) ?? candidates[0];
      }
      if (choice === undefined) {
        unprotectable.push(`${t.kind}:${t.kind === 'difference' ? `${t.base}-` : ''}${t.layer}:${t.cell}:${t.measure}`);
        break;
      }
      hide(choice, 'complementary');
    }
  }
  return { withheld, unprotectable };
}

/**
 * The margins a group of buyers' total must keep, above and below, for an attacker (null: an
 * outsider; else a buyer, with its own total in the group, if any). With the group's total known
 * to within [lo, hi], an unknown member's total is at most hi less the group's known parts and at
 * least only its own known part, unless it is the one unknown member: the largest unknown member
 * `v`, with `others` the rest of the unknown part, stays ±15 % uncertain when hi reaches
 * 1.15·v − others above the group's total, and, alone, when lo reaches 0.15·v below it.
 */
function buyersNeed(f: FigureStats, attacker: string | null, attackerShare: number): { up: number; down: number } {
  let unknown = f.protectedSum;
  let largest = f.largest;
  let members = f.contributors;
  if (attacker !== null && attackerShare !== 0) {
    unknown -= Math.abs(attackerShare);
    members -= 1;
    largest = attacker === f.largestOrg ? f.second : f.largest;
  }
  if (members <= 0 || largest <= 0) return { up: 0, down: 0 };
  const share = disclosureRules.protectionShare;
  return { up: Math.max(0, (1 + share) * largest - unknown), down: members === 1 ? share * largest : 0 };
}

function largestTwo(contributions: ReadonlyMap<string, number> | undefined): string[] {
  return [...(contributions ?? [])]
    .sort((a, b) => Math.abs(b[1]) - Math.abs(a[1]) || (a[0] < b[0] ? -1 : 1))
    .slice(0, 2)
    .map(([org]) => org);
}

/** The pattern views apply, from a protection. */
export function patternOf(protection: Protection): { withheld: Record<CellKey, WithheldReason> } {
  return { withheld: Object.fromEntries([...protection.withheld].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))) };
}
