import {
  type Aggregate,
  aggregateDemand,
  type ConfirmedNeed,
  type ConfirmedNeedBuyer,
} from '../../domain/aggregation.js';
import { checkCriticalMass } from '../../domain/critical-mass.js';
import {
  discloseAggregate,
  discloseCriticalMass,
  discloseThresholds,
  type DisclosurePattern,
} from '../../domain/disclosure/protected-views.js';
import { buildTables, microdataFromNeeds, type StatTables } from '../../domain/disclosure/statistical-tables.js';
import { patternOf, protectTables, type PublishedLayer } from '../../domain/disclosure/suppression.js';
import type { DecimalString, ExchangeRateTable } from '../../domain/money.js';
import type { CriticalMassRules } from '../../domain/statement.js';
import { checkEuThresholds } from '../../domain/thresholds.js';
import { loadLpSolver } from '../../platform/lp-solver.js';
import type { AuditedVersion, AuditViewer } from './disclosure-auditor.js';

/**
 * Statements for the disclosure tests: buyers and need lines written briefly, and the product's
 * disclosure pipeline (tables → protectTables across versions → the protected views) run on
 * them, giving the published versions the auditor reads.
 */

export const rates: ExchangeRateTable = {
  date: '2026-11-02',
  source: 'ECB euro reference rates (test)',
  rates: { DKK: '7.4604', NOK: '11.6325', SEK: '11.1270' },
};

export function buyer(orgId: string, country: string, buyerLegalType = 'la'): ConfirmedNeedBuyer {
  return { orgId, name: orgId, country, buyerLegalType };
}

export interface LineOptions {
  unit?: string;
  currency?: string;
  year?: number;
  optional?: DecimalString;
  renewals?: { count: number; quantityEach: DecimalString };
}

export function line(
  b: ConfirmedNeedBuyer,
  cpvCode: string,
  quantity: DecimalString,
  unitPrice: DecimalString,
  o: LineOptions = {},
): ConfirmedNeed {
  return {
    buyer: b,
    versionId: `needs-${b.orgId}`,
    line: {
      cpvCode,
      quantity,
      unit: o.unit ?? 'C62',
      unitPrice,
      currency: o.currency ?? 'EUR',
      delivery: { fromYear: o.year ?? 2027, toYear: o.year ?? 2027 },
      optionalQuantity: o.optional ?? '0',
      renewals: o.renewals ?? { count: 0, quantityEach: '0' },
      frameworkMonths: null,
    },
  };
}

export interface PublishOptions {
  consenting?: readonly string[];
  criticalMass?: CriticalMassRules;
  expectedProcurementStart?: string;
}

export interface PublishedStatement {
  /** What viewers other than the lead read, version by version, with the truth behind it. */
  versions: AuditedVersion[];
  aggregates: Aggregate[];
  patterns: DisclosurePattern[];
  tables: StatTables[];
  /** Sensitive figures the core reported it could not protect, per version. */
  unprotectable: string[][];
  /** Milliseconds protectTables took, per version. */
  millis: number[];
}

/** Runs the product's pipeline on each version in turn, each protected against the ones before. */
export async function publish(
  versionNeeds: readonly (readonly ConfirmedNeed[])[],
  options: PublishOptions = {},
): Promise<PublishedStatement> {
  const solver = await loadLpSolver();
  const consenting = new Set(options.consenting ?? []);
  const layers: PublishedLayer[] = [];
  const out: PublishedStatement = {
    versions: [],
    aggregates: [],
    patterns: [],
    tables: [],
    unprotectable: [],
    millis: [],
  };
  for (const [i, needs] of versionNeeds.entries()) {
    const tables = buildTables(microdataFromNeeds(needs, rates, consenting));
    const started = performance.now();
    const protection = protectTables(tables, { solver, previous: [...layers].reverse() });
    out.millis.push(performance.now() - started);
    const pattern = patternOf(protection);
    layers.push({ tables, withheld: new Set(Object.keys(pattern.withheld)) });
    const aggregate = aggregateDemand(needs, rates);
    out.versions.push(viewOf(`v${i + 1}`, needs, aggregate, pattern, options));
    out.aggregates.push(aggregate);
    out.patterns.push(pattern);
    out.tables.push(tables);
    out.unprotectable.push(protection.unprotectable);
  }
  return out;
}

/** What viewers read of one version under a pattern: the aggregate, the threshold check and the critical-mass results. */
export function viewOf(
  label: string,
  needs: readonly ConfirmedNeed[],
  aggregate: Aggregate,
  pattern: DisclosurePattern | null,
  options: PublishOptions = {},
): AuditedVersion {
  return {
    label,
    needs,
    rates,
    aggregate: discloseAggregate(aggregate, pattern),
    thresholds: discloseThresholds(
      checkEuThresholds(aggregate, options.expectedProcurementStart ?? '2027-03-01'),
      pattern,
    ),
    ...(options.criticalMass
      ? { criticalMass: discloseCriticalMass(checkCriticalMass(options.criticalMass, aggregate), pattern) }
      : {}),
  };
}

/** The outsider and every buyer of any version. */
export function everyViewer(versionNeeds: readonly (readonly ConfirmedNeed[])[]): AuditViewer[] {
  const orgs = [...new Set(versionNeeds.flat().map((n) => n.buyer.orgId))].sort();
  return ['outsider', ...orgs.map((participant) => ({ participant }))];
}

/**
 * A statement of `n` cities drawn from a fixed seed: countries, legal types, one to three lines
 * each from a pool of construction-machinery codes, quantities, prices, units and years. The same
 * seed gives the same statement.
 */
export function cityStatement(n: number, seed: number): ConfirmedNeed[] {
  let state = seed >>> 0;
  const next = () => {
    state = (Math.imul(state, 1664525) + 1013904223) >>> 0;
    return state / 2 ** 32;
  };
  const pick = <T>(xs: readonly T[]): T => xs[Math.floor(next() * xs.length)]!;
  const codes = [
    '43262100',
    '43261100',
    '43260000',
    '43262000',
    '43211000',
    '43250000',
    '34144710',
    '34144700',
    '34144900',
    '34144910',
    '34144000',
    '31158100',
    '45520000',
    '71631100',
    '85111100',
  ];
  const out: ConfirmedNeed[] = [];
  for (let i = 0; i < n; i++) {
    const b = buyer(
      `city${String(i).padStart(2, '0')}`,
      pick(['FI', 'NO', 'DK', 'ES', 'SE', 'DE']),
      pick(['la', 'la', 'ra', 'body-pl']),
    );
    const lines = 1 + Math.floor(next() * 3);
    for (let j = 0; j < lines; j++) {
      out.push(
        line(b, pick(codes), String(1 + Math.floor(next() * 30)), pick(['900', '12000', '95000', '310000', '420000']), {
          year: 2027 + Math.floor(next() * 3),
          unit: pick(['C62', 'H87']),
        }),
      );
    }
  }
  return out;
}
