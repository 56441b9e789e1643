import { z } from 'zod';

import type { Aggregate } from './aggregation.js';
import { contractNature, parseCpv } from './cpv.js';
import { DomainError, unprocessable } from './errors.js';
import type { DecimalString } from './money.js';
import { compareDecimals, roundCents, shownAmount, shownDifference, subtractDecimals, sumDecimals } from './money.js';
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

/**
 * One entry of Annex XIV: a code alone (that code only: the Annex lists sub-codes explicitly where
 * it means them, e.g. 55521000-8 to 55521200-0 but not the heading 55500000-5), or "from A to B",
 * every code between them in CPV order (the Annex's bracketed lists, e.g. after 79700000-1 to
 * 79721000-4, name exactly the codes between the ends).
 */
export interface AnnexXivEntry {
  from: string;
  to?: string;
  /** Where the data departs from the printed text, and why. */
  note?: string;
}

export interface AnnexXivRow {
  /** The Annex's right-hand column, as printed. */
  services: string;
  codes: readonly AnnexXivEntry[];
}

const one = (from: string, note?: string): AnnexXivEntry => (note ? { from, note } : { from });
const range = (from: string, to: string): AnnexXivEntry => ({ from, to });

/**
 * Directive 2014/24/EU Annex XIV, "Services referred to in Article 74" (social and other specific
 * services, the light regime of Art. 74-76, threshold Art. 4(d)), transcribed in full from the
 * Directive's text, row by row, with the check digits as printed (each checked against the CPV 2008
 * list). The Annex's qualifications ("to the extent not excluded by point (d)/(h) of Article 10";
 * the footnote on compulsory social security organised as non-economic services of general
 * interest) decide whether the Directive applies at all, which the threshold check does not judge;
 * they stay in the row's text.
 */
export const annexXiv: readonly AnnexXivRow[] = [
  {
    services: 'Health, social and related services',
    codes: [
      one('75200000-8'),
      one('75231200-6'),
      one('75231240-8'),
      one('79611000-0'),
      one('79622000-0'),
      one('79624000-4'),
      one('79625000-1'),
      range('85000000-9', '85323000-9'),
      one('98133100-5'),
      one('98133000-4'),
      one('98200000-5'),
      one('98500000-8'),
      range('98513000-2', '98514000-9'),
    ],
  },
  {
    services: 'Administrative social, educational, healthcare and cultural services',
    codes: [
      one('85321000-5'),
      one('85322000-2'),
      one('75000000-6'),
      one('75121000-0'),
      one('75122000-7'),
      one('75124000-1'),
      range('79995000-5', '79995200-7'),
      range('80000000-4', '80660000-8'),
      range('92000000-1', '92700000-8'),
      one('79950000-8'),
      one('79951000-5'),
      one('79952000-2'),
      one('79952100-3'),
      one('79953000-9'),
      one('79954000-6'),
      one('79955000-3'),
      one('79956000-0'),
    ],
  },
  { services: 'Compulsory social security services', codes: [one('75300000-9')] },
  {
    services: 'Benefit services',
    codes: ['75310000-2', '75311000-9', '75312000-6', '75313000-3', '75313100-4', '75314000-0']
      .concat(['75320000-5', '75330000-8', '75340000-1'])
      .map((c) => one(c)),
  },
  {
    services:
      'Other community, social and personal services including services furnished by trade unions, political organisations, youth associations and other membership organisation services',
    codes: [one('98000000-3'), one('98120000-0'), one('98132000-7'), one('98133110-8'), one('98130000-3')],
  },
  { services: 'Religious services', codes: [one('98131000-0')] },
  {
    services: 'Hotel and restaurant services',
    codes: [
      range('55100000-1', '55410000-7'),
      range('55521000-8', '55521200-0'),
      one('55520000-1'),
      one('55522000-5'),
      one('55523000-2'),
      one('55524000-9'),
      one('55510000-8'),
      one('55511000-5'),
      one('55512000-2'),
      one('55523100-3'),
    ],
  },
  {
    services: 'Legal services, to the extent not excluded by point (d) of Article 10',
    codes: [range('79100000-5', '79140000-7'), one('75231100-5')],
  },
  {
    services: 'Other administrative services and government services',
    codes: [range('75100000-7', '75120000-3'), one('75123000-4'), range('75125000-8', '75131000-3')],
  },
  { services: 'Provision of services to the community', codes: [range('75200000-8', '75231000-4')] },
  {
    services:
      'Prison related services, public security and rescue services, to the extent not excluded by point (h) of Article 10',
    codes: [
      range('75231210-9', '75231230-5'),
      range('75240000-0', '75252000-7'),
      one(
        '79430000-7',
        'The Annex prints 794300000-7 (nine digits), a misprint: 79430000-7, crisis management services, has that check digit.',
      ),
      one('98113100-9'),
    ],
  },
  {
    services: 'Investigation and security services',
    codes: [range('79700000-1', '79721000-4'), one('79722000-1'), one('79723000-8')],
  },
  { services: 'International services', codes: [one('98900000-2'), one('98910000-5')] },
  {
    services: 'Postal services',
    codes: ['64000000-6', '64100000-7', '64110000-0', '64111000-7', '64112000-4', '64113000-1', '64114000-8']
      .concat(['64115000-5', '64116000-2', '64122000-7'])
      .map((c) => one(c)),
  },
  { services: 'Miscellaneous services', codes: [one('50116510-9'), one('71550000-8')] },
];

const annexXivRanges = annexXiv.flatMap((row) =>
  row.codes.map((e) => ({ from: e.from.slice(0, 8), to: (e.to ?? e.from).slice(0, 8) })),
);

/** Directive 2014/24/EU Art. 74 and Annex XIV. */
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
 * Why a buyer legal type falls in its threshold column. `directive`: the Directives place it there.
 * `assumption`: they do not decide it for this type (another regime, or a fact the check cannot
 * know), and the column taken is never above the one the law would give a contracting authority
 * in the same procedure.
 */
export interface AuthorityClassification {
  category: AuthorityCategory;
  basis: 'directive' | 'assumption';
  /** Article and paragraph. */
  source: string;
  reason: string;
}

const subCentral = 'Directive 2014/24/EU Art. 2(1)(3)';
const bodyGovernedByPublicLaw: AuthorityClassification = {
  category: 'sub-central',
  basis: 'directive',
  source: `Directive 2014/24/EU Art. 2(1)(4); ${subCentral}; Annex I`,
  reason:
    'A body governed by public law is a contracting authority (Art. 2(1)(4)); whoever controls it, it is sub-central unless Annex I lists it by name among the central government authorities.',
};
const publicUndertaking: AuthorityClassification = {
  category: 'utilities',
  basis: 'assumption',
  source: 'Directive 2014/25/EU Art. 4(1)-(2) and Art. 15',
  reason:
    'A public undertaking is a contracting entity only under the utilities Directive, and only for a utilities activity (Art. 4); it is taken to buy for one. In a joint procedure with contracting authorities their lower threshold applies anyway.',
};
const subsidised: AuthorityClassification = {
  category: 'sub-central',
  basis: 'directive',
  source: 'Directive 2014/24/EU Art. 13(a)-(b); Art. 4(a) and 4(c)',
  reason:
    'A subsidised contract is covered only when a contracting authority pays more than half of it: works of Annex II or the buildings of Art. 13(a) at the works threshold, and the services connected to them at the Art. 4(c) threshold, whoever subsidises (Art. 13(b) names point (c)). Subsidised supply contracts are not covered.',
};

/**
 * The eForms buyer-legal-type codes and their threshold columns, each with its source. Central
 * government authorities are those of Annex I only (Art. 2(1)(2)); every other contracting
 * authority is sub-central (Art. 2(1)(3)).
 */
export const authorityClassifications: Readonly<Record<BuyerLegalType, AuthorityClassification>> = {
  cga: {
    category: 'central',
    basis: 'directive',
    source: 'Directive 2014/24/EU Art. 2(1)(2), Annex I; Art. 4(b)',
    reason:
      'Central government authorities are those listed in Annex I. One operating in the field of defence buys supplies outside Annex III at the Art. 4(c) threshold; the check does not separate them, so the lower, central threshold stays: the safe side.',
  },
  ra: {
    category: 'sub-central',
    basis: 'directive',
    source: `${subCentral}; Art. 4(c)`,
    reason: 'A regional authority is a contracting authority not listed in Annex I: sub-central.',
  },
  la: {
    category: 'sub-central',
    basis: 'directive',
    source: `${subCentral}; Art. 4(c)`,
    reason: 'A local authority is a contracting authority not listed in Annex I: sub-central.',
  },
  'body-pl': bodyGovernedByPublicLaw,
  'body-pl-cga': bodyGovernedByPublicLaw,
  'body-pl-ra': bodyGovernedByPublicLaw,
  'body-pl-la': bodyGovernedByPublicLaw,
  'pub-undert': publicUndertaking,
  'pub-undert-cga': publicUndertaking,
  'pub-undert-ra': publicUndertaking,
  'pub-undert-la': publicUndertaking,
  'spec-rights-entity': {
    ...publicUndertaking,
    source: 'Directive 2014/25/EU Art. 4(1)(b), 4(3) and Art. 15',
    reason:
      'An entity with special or exclusive rights is a contracting entity only under the utilities Directive, for the activity those rights cover (Art. 4(1)(b), 4(3)); it is taken to buy for it.',
  },
  'grp-p-aut': {
    category: 'sub-central',
    basis: 'directive',
    source: `Directive 2014/24/EU Art. 2(1)(1); ${subCentral}`,
    reason:
      'An association of contracting authorities is a contracting authority (Art. 2(1)(1)), sub-central unless listed in Annex I. The code is not in the eForms SDK 1.15.1 list any more; organisations registered with it keep it.',
  },
  'def-cont': {
    category: 'sub-central',
    basis: 'assumption',
    source: 'Directive 2009/81/EC Art. 8 and Art. 50-54; Directive 2014/24/EU Art. 15-17',
    reason:
      'A defence contractor awards subcontracts under Directive 2009/81/EC (its Art. 8 thresholds, the values of the utilities column), not contracts under Directive 2014/24/EU. Taken as sub-central (Art. 4(c)): lower than its own thresholds, the safe side.',
  },
  'eu-ins-bod-ag': {
    category: 'central',
    basis: 'assumption',
    source:
      'Regulation (EU, Euratom) 2024/2509 (Financial Regulation), Annex I on procurement thresholds; Directive 2014/24/EU Art. 4(b)',
    reason:
      'EU institutions, bodies and agencies procure under the Financial Regulation, not the Directive; its thresholds follow those of the Directive for central government authorities, so they take the central column.',
  },
  'int-org': {
    category: 'sub-central',
    basis: 'assumption',
    source: 'Directive 2014/24/EU Art. 9(1)-(2); Art. 4(c)',
    reason:
      'Contracts an international organisation awards under its own procurement rules are outside the Directive (Art. 9(2)). Taken as sub-central (Art. 4(c)); in a joint procedure the lowest threshold of the contracting authorities taking part applies anyway.',
  },
  'org-sub': subsidised,
  'org-sub-cga': subsidised,
  'org-sub-ra': subsidised,
  'org-sub-la': subsidised,
};

const unknownLegalType: AuthorityClassification = {
  category: 'sub-central',
  basis: 'assumption',
  source: `${subCentral}; Art. 4(c)`,
  reason:
    'The buyer legal type is not an eForms code this check knows: treated as a sub-central contracting authority.',
};

export const authorityCategoryByLegalType = Object.fromEntries(
  Object.entries(authorityClassifications).map(([type, c]) => [type, c.category]),
) as Readonly<Record<BuyerLegalType, AuthorityCategory>>;

export function authorityClassification(buyerLegalType: string): AuthorityClassification {
  return Object.hasOwn(authorityClassifications, buyerLegalType)
    ? authorityClassifications[buyerLegalType as BuyerLegalType]
    : unknownLegalType;
}

export function authorityCategory(buyerLegalType: string): AuthorityCategory {
  return authorityClassification(buyerLegalType).category;
}

export interface ThresholdSetter {
  orgId: string;
  name: string;
  buyerLegalType: string;
  authorityCategory: AuthorityCategory;
  /** Why its legal type is in that column: authorityClassifications. */
  categoryBasis: AuthorityClassification['basis'];
  categorySource: string;
}

export interface AppliedThresholdPeriod {
  validFrom: string;
  validTo: string;
  legalBasis: readonly string[];
  provisional: boolean;
  note?: string;
}

export type ThresholdPosition = 'at-or-above' | 'below';

export interface NatureThresholdCheck {
  nature: ProcurementNature;
  /**
   * EUR as shown (rules/money.ts): the lines of this nature (options, renewals, whole framework
   * term) to the cent, or exactly where the cents would read as reaching a threshold they do not.
   */
  estimatedValueEur: DecimalString;
  /**
   * The exact sum the position is decided on ("equal to or greater than", Art. 4); shown by
   * rules/money.ts. Absent from snapshots taken before it was recorded (their cents decided).
   */
  exactValueEur?: DecimalString;
  /** EUR to the cent: the lowest threshold of any participating buyer. */
  thresholdEur: DecimalString;
  /** At the threshold counts as above ("equal to or greater than", Art. 4). */
  position: ThresholdPosition;
  /** How far above or below the threshold, never negative, as shown (rules/money.ts). */
  differenceEur: DecimalString;
  period: AppliedThresholdPeriod;
  provisional: boolean;
  /** The buyer whose threshold applies; on a tie, the lowest orgId. */
  setBy: ThresholdSetter;
  /** Articles and paragraphs the verdict rests on. */
  source: string;
  /** The rule in words, without the figures (they may be withheld where the words are not). */
  explanation: string;
}

/**
 * How the main subject of a mixed contract was found (Art. 3(2)). `highest-value`: supplies and
 * services, or Annex XIV and other services, by the highest estimated value (second
 * subparagraph). Works mixed with anything are decided by what characterises the contract (first
 * subparagraph), which no figure tells: `works-main-subject` is the reading where the works do,
 * `works-incidental` the one where they do not and the other parts decide by value.
 */
export type MainSubjectBasis = 'highest-value' | 'works-main-subject' | 'works-incidental';

export interface MixedContractReading {
  mainSubject: ProcurementNature;
  basis: MainSubjectBasis;
  /** The main subject's threshold (the lowest of the buyers'), for the whole contract's value. */
  thresholdEur: DecimalString;
  position: ThresholdPosition;
  differenceEur: DecimalString;
  setBy: ThresholdSetter;
  source: string;
  explanation: string;
}

/** The procurement run as one contract combining every nature present. */
export interface MixedContractCheck {
  /** The natures it combines, in the order works, supplies, services, social services. */
  natures: ProcurementNature[];
  /** One reading, or two where works are combined with other natures. */
  readings: MixedContractReading[];
}

export interface ThresholdCheck {
  expectedProcurementStart: string;
  period: AppliedThresholdPeriod;
  /** EUR as shown (rules/money.ts): the whole joint procurement, all natures and lots together. */
  estimatedValueEur: DecimalString;
  /** The exact sum behind `estimatedValueEur`, which the one-contract view is decided on. */
  exactValueEur?: DecimalString;
  /**
   * Each nature as its own procurement, one entry per nature present, in the order works,
   * supplies, services, social services.
   */
  natures: NatureThresholdCheck[];
  /** True when any nature is at or above its threshold: an EU-wide procedure is needed for it. */
  atOrAboveAny: boolean;
  /** The procurement as one mixed contract (Art. 3); null when only one nature is present. */
  mixedContract: MixedContractCheck | null;
}

/** What the check reads from an aggregate; the SQL aggregation yields the same shape. */
export type ThresholdInput = Pick<Aggregate, 'byCpv' | 'buyers'>;

const natureWords: Record<ProcurementNature, string> = {
  works: 'works',
  supplies: 'supplies',
  services: 'services',
  'social-services': 'social and other specific services (Annex XIV)',
};

/** The paragraph of the Directive that sets a column's threshold for a nature. */
export function thresholdArticle(category: AuthorityCategory, nature: ProcurementNature): string {
  if (category === 'utilities') {
    const point = nature === 'works' ? '(b)' : nature === 'social-services' ? '(c), Annex XVII' : '(a)';
    return `Directive 2014/25/EU Art. 15${point}`;
  }
  if (nature === 'works') return 'Directive 2014/24/EU Art. 4(a)';
  if (nature === 'social-services') return 'Directive 2014/24/EU Art. 4(d), Art. 74 and Annex XIV';
  return `Directive 2014/24/EU Art. 4(${category === 'central' ? 'b' : 'c'})`;
}

const valueRule = 'Art. 5(1) (options and renewals included), lots together Art. 5(8)-(9)';

function natureSourceAndExplanation(nature: ProcurementNature, setBy: ThresholdSetter) {
  const article = thresholdArticle(setBy.authorityCategory, nature);
  return {
    source: `${article}; value ${valueRule}; buyer's column ${setBy.categorySource}`,
    explanation:
      `The ${natureWords[nature]} as a procurement of their own: the threshold of ${article}, the lowest of the buyers' ` +
      `(${setBy.name}, ${setBy.buyerLegalType}: ${setBy.authorityCategory}), against the estimated value of all their ` +
      `lines, net of VAT, options and renewals included (Art. 5(1)); a value equal to or greater than the threshold ` +
      `reaches it (Art. 4).`,
  };
}

function setterOf(buyer: { orgId: string; name: string; buyerLegalType: string }): ThresholdSetter {
  const c = authorityClassification(buyer.buyerLegalType);
  return {
    orgId: buyer.orgId,
    name: buyer.name,
    buyerLegalType: buyer.buyerLegalType,
    authorityCategory: c.category,
    categoryBasis: c.basis,
    categorySource: c.source,
  };
}

function verdict(estimated: DecimalString, threshold: DecimalString) {
  const atOrAbove = compareDecimals(estimated, threshold) >= 0;
  return {
    position: (atOrAbove ? 'at-or-above' : 'below') as ThresholdPosition,
    // As shown (rules/money.ts): a difference reads as none only when there is none.
    differenceEur: shownDifference(
      atOrAbove ? subtractDecimals(estimated, threshold) : subtractDecimals(threshold, estimated),
    ),
  };
}

/**
 * Art. 3(2): a contract combining several natures takes the rules, so the threshold, of its main
 * subject, for its whole value (Art. 5(1)). Between supplies and services, and between Annex XIV
 * and other services, the main subject is the part of highest estimated value (second
 * subparagraph). Works are the main subject when they characterise the contract (first
 * subparagraph; recital 8), which no figure tells: both readings are given. On equal highest
 * values the Directive does not decide; the lower threshold is taken, the safe side. Built from the
 * checks of each nature alone, whose thresholds are already the lowest of the buyers'.
 */
export function checkMixedContract(
  natures: readonly NatureThresholdCheck[],
  estimatedValueEur: DecimalString,
): MixedContractCheck | null {
  if (natures.length < 2) return null;
  const order = (n: NatureThresholdCheck) => procurementNatures.indexOf(n.nature);
  const reading = (main: NatureThresholdCheck, basis: MainSubjectBasis, tie: boolean): MixedContractReading => {
    const article = thresholdArticle(main.setBy.authorityCategory, main.nature);
    const why =
      basis === 'works-main-subject'
        ? 'if the works characterise the contract, they are its main subject (Art. 3(2), first subparagraph)'
        : basis === 'works-incidental'
          ? `if the works do not characterise the contract, its main subject is the other part of highest estimated value, the ${natureWords[main.nature]} (Art. 3(2))`
          : `its main subject is the part of highest estimated value, the ${natureWords[main.nature]} (Art. 3(2), second subparagraph)`;
    const tieNote = tie
      ? ' Parts of equal highest value: the Directive does not say which decides; the lower threshold is taken, the safe side.'
      : '';
    return {
      mainSubject: main.nature,
      basis,
      thresholdEur: main.thresholdEur,
      ...verdict(estimatedValueEur, main.thresholdEur),
      setBy: main.setBy,
      source: `Directive 2014/24/EU Art. 3(2); ${article}; value ${valueRule}`,
      explanation:
        `As one contract, ${why}; the whole contract takes its threshold, ${article}, the lowest of the buyers' ` +
        `(${main.setBy.name}), against the value of all parts together (Art. 5(1)); a value equal to or greater than ` +
        `the threshold reaches it (Art. 4). Splitting a procurement to keep it below is not allowed (Art. 5(3)).${tieNote}`,
    };
  };
  const byValue = (candidates: readonly NatureThresholdCheck[], basis: MainSubjectBasis): MixedContractReading => {
    const ranked = [...candidates].sort(
      (a, b) =>
        compareDecimals(b.estimatedValueEur, a.estimatedValueEur) ||
        compareDecimals(a.thresholdEur, b.thresholdEur) ||
        order(a) - order(b),
    );
    const [first, second] = ranked;
    const tie = second !== undefined && compareDecimals(first!.estimatedValueEur, second.estimatedValueEur) === 0;
    return reading(first!, basis, tie);
  };
  const works = natures.find((n) => n.nature === 'works');
  const others = natures.filter((n) => n.nature !== 'works');
  return {
    natures: natures.map((n) => n.nature),
    readings: works
      ? [reading(works, 'works-main-subject', false), byValue(others, 'works-incidental')]
      : [byValue(others, 'highest-value')],
  };
}

/**
 * Checks the aggregated demand against the EU thresholds of the period in which the procurement
 * is expected to start, in two views: each nature as a procurement of its own, and the whole as
 * one mixed contract (Art. 3). Each nature's estimated value is the sum of its lines' values
 * (those are already Art. 5 values). All buyers take part in one joint procedure, so the lowest
 * threshold of any of them applies to all of it: the conservative reading, which never lets a
 * central government buyer slip under its own threshold. A position is decided on the exact value,
 * as Art. 4 reads ("equal to or greater than"): 5,403,999.995 is below 5,404,000, though its cents
 * round up to it (rules/money.ts then shows it exactly, issue 17 point 11).
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
      const candidate = selected.period.thresholds[authorityCategory(buyer.buyerLegalType)][nature];
      // Strictly lower only: on a tie the buyer with the lowest orgId, seen first, stays.
      if (threshold === undefined || compareDecimals(candidate, threshold) < 0) {
        threshold = candidate;
        setBy = setterOf(buyer);
      }
    }
    const exactValueEur = sumDecimals(values);
    const thresholdEur = roundCents(threshold!);
    natures.push({
      nature,
      // As shown beside its threshold (rules/money.ts): the cents, or the exact value where they misread it.
      estimatedValueEur: shownAmount(exactValueEur, [thresholdEur]),
      exactValueEur,
      thresholdEur,
      ...verdict(exactValueEur, thresholdEur),
      period,
      provisional: period.provisional,
      setBy: setBy!,
      ...natureSourceAndExplanation(nature, setBy!),
    });
  }

  const exactValueEur = sumDecimals(allValues);
  const mixedContract = checkMixedContract(natures, exactValueEur);
  const limits = [...natures, ...(mixedContract?.readings ?? [])].map((n) => n.thresholdEur);
  return {
    expectedProcurementStart,
    period,
    estimatedValueEur: shownAmount(exactValueEur, limits),
    exactValueEur,
    natures,
    atOrAboveAny: natures.some((n) => n.position === 'at-or-above'),
    mixedContract,
  };
}

/** A check as stored in a snapshot before the sources and the one-contract view were recorded. */
export type StoredThresholdCheck = Omit<ThresholdCheck, 'natures' | 'mixedContract'> & {
  natures: Array<
    Omit<NatureThresholdCheck, 'source' | 'explanation' | 'setBy'> &
      Partial<Pick<NatureThresholdCheck, 'source' | 'explanation'>> & {
        setBy: Omit<ThresholdSetter, 'categoryBasis' | 'categorySource'> & Partial<ThresholdSetter>;
      }
  >;
  mixedContract?: MixedContractCheck | null;
};

/**
 * Completes a stored check with what older snapshots lack (each verdict's source, the one-contract
 * view), from the figures they hold: the same rules give the same result as a new check.
 */
export function completeThresholdCheck(stored: StoredThresholdCheck | unknown): ThresholdCheck {
  const check = stored as StoredThresholdCheck;
  const natures: NatureThresholdCheck[] = check.natures.map((n) => {
    const setBy: ThresholdSetter = {
      ...n.setBy,
      categoryBasis: n.setBy.categoryBasis ?? authorityClassification(n.setBy.buyerLegalType).basis,
      categorySource: n.setBy.categorySource ?? authorityClassification(n.setBy.buyerLegalType).source,
    };
    const words = natureSourceAndExplanation(n.nature, setBy);
    return { ...n, setBy, source: n.source ?? words.source, explanation: n.explanation ?? words.explanation };
  });
  return {
    ...check,
    natures,
    mixedContract:
      check.mixedContract === undefined ? checkMixedContract(natures, check.estimatedValueEur) : check.mixedContract,
  };
}
