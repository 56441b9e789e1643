import { z } from 'zod';

import type { Aggregate } from './aggregation.js';
import { contractNature, parseCpv } from './cpv.js';
import { DomainError, unprocessable } from './errors.js';
import type { DecimalString } from './money.js';
import { compareDecimals, roundCents, subtractDecimals, sumDecimals } from './money.js';
import type { BuyerLegalType } from './organisations.js';

/**
 * The EU procurement thresholds check: is the joint procurement's estimated value at or above
 * the threshold that makes an EU-wide procedure compulsory? Thresholds are data with validity
 * periods, revised every two years by Commission Delegated Regulations; the values live here and
 * nowhere else.
 */

/** Works, supplies, services (by CPV division), and the light regime of Annex XIV. */
export type ProcurementNature = 'works' | 'supplies' | 'services' | 'social-services';

export const procurementNatures: readonly ProcurementNature[] = ['works', 'supplies', 'services', 'social-services'];

/**
 * Which threshold column a buyer falls in: central government authorities (Directive 2014/24/EU
 * Art. 4(b), Annex I), sub-central contracting authorities (Art. 4(c)), or contracting entities
 * under the utilities Directive 2014/25/EU (Art. 15).
 */
export type AuthorityCategory = 'central' | 'sub-central' | 'utilities';

export interface ThresholdPeriod {
  /** First day of validity, inclusive, YYYY-MM-DD. */
  validFrom: string;
  /** Last day of validity, inclusive, YYYY-MM-DD. */
  validTo: string;
  legalBasis: readonly string[];
  /** EUR net of VAT, whole euros as decimal strings. */
  thresholds: Readonly<Record<AuthorityCategory, Readonly<Record<ProcurementNature, DecimalString>>>>;
}

// Annex XIV (social and other specific services) and the utilities' Annex XVII threshold are
// fixed in the Directives themselves and are not revised by the delegated regulations.
const fixedLegalBasis = [
  'Directive 2014/24/EU Art. 4(d): EUR 750 000 for social and other specific services (Annex XIV)',
  'Directive 2014/25/EU Art. 15(c): EUR 1 000 000 for social and other specific services (Annex XVII)',
];

/** Sorted by validFrom, without overlaps. */
export const euThresholdPeriods: readonly ThresholdPeriod[] = [
  {
    validFrom: '2024-01-01',
    validTo: '2025-12-31',
    legalBasis: [
      'Commission Delegated Regulations (EU) 2023/2495, 2023/2496, 2023/2497 and 2023/2510',
      ...fixedLegalBasis,
    ],
    thresholds: {
      central: { works: '5538000', supplies: '143000', services: '143000', 'social-services': '750000' },
      'sub-central': { works: '5538000', supplies: '221000', services: '221000', 'social-services': '750000' },
      utilities: { works: '5538000', supplies: '443000', services: '443000', 'social-services': '1000000' },
    },
  },
  {
    validFrom: '2026-01-01',
    validTo: '2027-12-31',
    legalBasis: [
      'Commission Delegated Regulations (EU) 2025/2150, 2025/2151, 2025/2152 and 2025/2487',
      ...fixedLegalBasis,
    ],
    thresholds: {
      central: { works: '5404000', supplies: '140000', services: '140000', 'social-services': '750000' },
      'sub-central': { works: '5404000', supplies: '216000', services: '216000', 'social-services': '750000' },
      utilities: { works: '5404000', supplies: '432000', services: '432000', 'social-services': '1000000' },
    },
  },
];

export interface SelectedThresholdPeriod {
  period: ThresholdPeriod;
  /** True when no period contains the date and the nearest known one stands in for it. */
  provisional: boolean;
  note?: string;
}

const isoDate = z.iso.date();

/**
 * The period containing `date` (the expected start of the procurement). A date after every known
 * period, or in a gap between periods, uses the latest period that began before it: those are the
 * values in force until the Commission publishes new ones. A date before the first period uses the
 * first: it is the nearest known, and the values move by a few per cent between revisions, so the
 * nearest period is the best estimate either way. Both are marked provisional with a note.
 */
export function selectThresholdPeriod(
  date: string,
  periods: readonly ThresholdPeriod[] = euThresholdPeriods,
): SelectedThresholdPeriod {
  if (!isoDate.safeParse(date).success) {
    throw new DomainError('invalid_input', 'The expected procurement start is not a date', [
      { field: 'expectedProcurementStart', rule: 'must be a date (YYYY-MM-DD)' },
    ]);
  }
  if (periods.length === 0) throw new DomainError('unprocessable', 'No EU threshold period is known');
  // ISO dates compare correctly as strings.
  const containing = periods.find((p) => p.validFrom <= date && date <= p.validTo);
  if (containing) return { period: containing, provisional: false };
  const earlier = periods.filter((p) => p.validFrom <= date);
  const period = earlier.at(-1) ?? periods[0]!;
  const relation = earlier.length > 0 ? 'the latest known' : 'the earliest known';
  return {
    period,
    provisional: true,
    note: `No EU thresholds are known for ${date}; ${relation} values (${period.validFrom} to ${period.validTo}) are used provisionally.`,
  };
}

/** A code (8 digits) alone, or an inclusive range of codes in CPV order, as Annex XIV lists them. */
interface AnnexXivEntry {
  from: string;
  to?: string;
}

/**
 * CPV codes of Directive 2014/24/EU Annex XIV (social and other specific services), with check
 * digits as in the Annex. This is a SUBSET transcribed for the pilots' subjects, not the legal text:
 * a code missing here is treated as an ordinary service (the lower threshold, so the safe side),
 * and the Annex's qualifications ("to the extent not excluded by Art. 10") are not modelled.
 * A single code covers that code only, as the Annex lists sub-codes explicitly where it means them;
 * "from A to B" covers every code between them in CPV order.
 */
export const annexXivSubset: readonly AnnexXivEntry[] = [
  // Health, social and related services
  { from: '75200000-8' },
  { from: '75231200-6' },
  { from: '75231240-8' },
  { from: '79611000-0' },
  { from: '79622000-0' },
  { from: '79624000-4' },
  { from: '79625000-1' },
  { from: '85000000-9', to: '85323000-9' },
  { from: '98133000-4' },
  { from: '98133100-5' },
  { from: '98200000-5' },
  { from: '98500000-8' },
  { from: '98513000-2', to: '98514000-9' },
  // Administrative social, educational, healthcare and cultural services
  { from: '75000000-6' },
  { from: '75121000-0' },
  { from: '75122000-7' },
  { from: '75124000-1' },
  { from: '79995000-5', to: '79995200-7' },
  { from: '80000000-4', to: '80660000-8' },
  { from: '92000000-1', to: '92700000-8' },
  { from: '79950000-8', to: '79956000-0' },
  // Compulsory social security and benefit services
  { from: '75300000-9' },
  { from: '75310000-2', to: '75314000-0' },
  { from: '75320000-5' },
  { from: '75330000-8' },
  { from: '75340000-1' },
  // Other community, social and personal services; religious services
  { from: '98000000-3' },
  { from: '98120000-0' },
  { from: '98130000-3' },
  { from: '98131000-0' },
  { from: '98132000-7' },
  { from: '98133110-8' },
  // Hotel and restaurant services (canteens, catering, meals on wheels)
  { from: '55100000-1', to: '55410000-7' },
  { from: '55500000-5', to: '55524000-9' },
  // Provision of services to the community
  { from: '75200000-8', to: '75231000-4' },
  // International services
  { from: '98900000-2' },
  { from: '98910000-5' },
];

const annexXivRanges = annexXivSubset.map((e) => ({ from: e.from.slice(0, 8), to: (e.to ?? e.from).slice(0, 8) }));

export function isAnnexXivService(cpvCode: string): boolean {
  const code = cpvCode.slice(0, 8);
  return contractNature(code) === 'services' && annexXivRanges.some((r) => r.from <= code && code <= r.to);
}

/** Contract nature from the CPV division, with Annex XIV services apart because their threshold differs. */
export function procurementNature(cpvCode: string): ProcurementNature {
  const parsed = parseCpv(cpvCode);
  if (!parsed) {
    throw new DomainError('invalid_input', `Not a CPV code: ${cpvCode}`, [
      { field: 'cpvCode', rule: 'must be a CPV code of 8 digits' },
    ]);
  }
  return isAnnexXivService(parsed.code) ? 'social-services' : contractNature(parsed.code);
}

/**
 * Only the authorities listed in Annex I of Directive 2014/24/EU are central government
 * authorities, and only `cga` says a buyer is one; a body governed by public law controlled by
 * central government (`body-pl-cga`) is not listed as such, so it is sub-central. EU institutions
 * (`eu-ins-bod-ag`) are treated as central: the Financial Regulation aligns their thresholds with
 * the central-government ones, and the lower threshold is the safe side if in doubt.
 * Public undertakings and entities with special or exclusive rights are contracting entities only
 * under the utilities Directive 2014/25/EU (Art. 4), and only for a utilities activity; they are
 * assumed to buy for one and take its thresholds (in a mixed group a lower threshold wins anyway).
 * Anything else, including an unknown code, is sub-central.
 */
export const authorityCategoryByLegalType: Readonly<Record<BuyerLegalType, AuthorityCategory>> = {
  cga: 'central',
  'eu-ins-bod-ag': 'central',
  ra: 'sub-central',
  la: 'sub-central',
  'body-pl': 'sub-central',
  'body-pl-cga': 'sub-central',
  'body-pl-ra': 'sub-central',
  'body-pl-la': 'sub-central',
  'grp-p-aut': 'sub-central',
  'def-cont': 'sub-central',
  'int-org': 'sub-central',
  'org-sub': 'sub-central',
  'pub-undert': 'utilities',
  'pub-undert-cga': 'utilities',
  'pub-undert-ra': 'utilities',
  'pub-undert-la': 'utilities',
  'spec-rights-entity': 'utilities',
};

export function authorityCategory(buyerLegalType: string): AuthorityCategory {
  return Object.hasOwn(authorityCategoryByLegalType, buyerLegalType)
    ? authorityCategoryByLegalType[buyerLegalType as BuyerLegalType]
    : 'sub-central';
}

export interface ThresholdSetter {
  orgId: string;
  name: string;
  buyerLegalType: string;
  authorityCategory: AuthorityCategory;
}

export interface AppliedThresholdPeriod {
  validFrom: string;
  validTo: string;
  legalBasis: readonly string[];
  provisional: boolean;
  note?: string;
}

export interface NatureThresholdCheck {
  nature: ProcurementNature;
  /** EUR to the cent: the lines of this nature (options, renewals, whole framework term). */
  estimatedValueEur: DecimalString;
  /** EUR to the cent: the lowest threshold of any participating buyer. */
  thresholdEur: DecimalString;
  /** At the threshold counts as above ("equal to or greater than", Art. 4). */
  position: 'at-or-above' | 'below';
  /** How far above or below the threshold, EUR to the cent, never negative. */
  differenceEur: DecimalString;
  period: AppliedThresholdPeriod;
  provisional: boolean;
  /** The buyer whose threshold applies; on a tie, the lowest orgId. */
  setBy: ThresholdSetter;
}

export interface ThresholdCheck {
  expectedProcurementStart: string;
  period: AppliedThresholdPeriod;
  /** EUR to the cent: the whole joint procurement, all natures and lots together. */
  estimatedValueEur: DecimalString;
  /** One entry per nature present, in the order works, supplies, services, social services. */
  natures: NatureThresholdCheck[];
  /** True when any nature is at or above its threshold: an EU-wide procedure is needed for it. */
  atOrAboveAny: boolean;
}

/** What the check reads from an aggregate; the SQL aggregation yields the same shape. */
export type ThresholdInput = Pick<Aggregate, 'byCpv' | 'buyers'>;

/**
 * Checks the aggregated demand against the EU thresholds of the period in which the procurement
 * is expected to start. Each nature's estimated value is the sum of its lines' values (those are
 * already Art. 5 values). All buyers take part in one joint procedure, so the lowest threshold of
 * any of them applies to all of it: the conservative reading, which never lets a central
 * government buyer slip under its own threshold. Comparisons are to the cent.
 */
export function checkEuThresholds(
  aggregate: ThresholdInput,
  expectedProcurementStart: string,
  periods: readonly ThresholdPeriod[] = euThresholdPeriods,
): ThresholdCheck {
  const selected = selectThresholdPeriod(expectedProcurementStart, periods);
  const period: AppliedThresholdPeriod = {
    validFrom: selected.period.validFrom,
    validTo: selected.period.validTo,
    legalBasis: selected.period.legalBasis,
    provisional: selected.provisional,
    ...(selected.note !== undefined ? { note: selected.note } : {}),
  };

  // The direct values of all nodes partition the lines, so each line is counted once, by its own code.
  const valuesByNature = new Map<ProcurementNature, DecimalString[]>();
  for (const node of aggregate.byCpv) {
    if (node.direct.lines === 0) continue;
    const nature = procurementNature(node.cpvCode);
    valuesByNature.set(nature, [...(valuesByNature.get(nature) ?? []), node.direct.valueEur]);
  }
  const allValues = [...valuesByNature.values()].flat();

  if (allValues.length > 0 && aggregate.buyers.length === 0) {
    throw unprocessable(
      [{ field: 'buyers', rule: 'must list the buyers whose needs were aggregated' }],
      'The aggregate names no buyer',
    );
  }
  const buyers = [...aggregate.buyers].sort((a, b) => (a.orgId < b.orgId ? -1 : a.orgId > b.orgId ? 1 : 0));

  const natures: NatureThresholdCheck[] = [];
  for (const nature of procurementNatures) {
    const values = valuesByNature.get(nature);
    if (!values) continue;
    let setBy: ThresholdSetter | undefined;
    let threshold: DecimalString | undefined;
    for (const buyer of buyers) {
      const category = authorityCategory(buyer.buyerLegalType);
      const candidate = selected.period.thresholds[category][nature];
      // Strictly lower only: on a tie the buyer with the lowest orgId, seen first, stays.
      if (threshold === undefined || compareDecimals(candidate, threshold) < 0) {
        threshold = candidate;
        setBy = {
          orgId: buyer.orgId,
          name: buyer.name,
          buyerLegalType: buyer.buyerLegalType,
          authorityCategory: category,
        };
      }
    }
    const estimated = roundCents(sumDecimals(values));
    const thresholdEur = roundCents(threshold!);
    const atOrAbove = compareDecimals(estimated, thresholdEur) >= 0;
    natures.push({
      nature,
      estimatedValueEur: estimated,
      thresholdEur,
      position: atOrAbove ? 'at-or-above' : 'below',
      differenceEur: roundCents(
        atOrAbove ? subtractDecimals(estimated, thresholdEur) : subtractDecimals(thresholdEur, estimated),
      ),
      period,
      provisional: period.provisional,
      setBy: setBy!,
    });
  }

  return {
    expectedProcurementStart,
    period,
    estimatedValueEur: roundCents(sumDecimals(allValues)),
    natures,
    atOrAboveAny: natures.some((n) => n.position === 'at-or-above'),
  };
}
