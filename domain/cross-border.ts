import { eeaNonEuStates, euMemberStates } from './organisations.js';

/**
 * Which kind of joint procurement the buyers make. Buyers from two or more Member States make a
 * joint procurement by contracting authorities from different Member States (Directive 2014/24/EU
 * Art. 39), which needs an agreement fixing each party's responsibilities and the national law
 * that applies (Art. 39(4)). Buyers of one Member State make an occasional joint procurement
 * (Art. 38). Norway, Iceland and Liechtenstein count as Member States here: the Directive applies
 * to them through the EEA Agreement (Annex XVI).
 */

export type JointProcurementKind = 'single-buyer' | 'occasional' | 'cross-border';

export interface JointProcurementClassification {
  kind: JointProcurementKind;
  /** The article that governs it, or null when a single buyer makes no joint procurement at all. */
  legalBasis: 'Directive 2014/24/EU Art. 38' | 'Directive 2014/24/EU Art. 39' | null;
  /** Art. 39(4): the parties must conclude an agreement before the procedure. */
  needsAgreement: boolean;
  /** EU and EEA countries of the buyers, sorted. */
  countries: string[];
  /** Those of `countries` that take part through the EEA Agreement (IS, LI, NO). */
  eeaCountries: string[];
  /** Buyers' countries outside the EU and EEA, sorted: the Directive does not bind those buyers. */
  otherCountries: string[];
}

const eu: ReadonlySet<string> = new Set(euMemberStates);
const eea: ReadonlySet<string> = new Set(eeaNonEuStates);

/**
 * Classifies by the distinct buyers (by orgId) and their countries. Art. 38 and 39 both speak of
 * two or more contracting authorities, so one buyer alone is `single-buyer`, whatever its country.
 */
export function classifyJointProcurement(
  buyers: ReadonlyArray<{ orgId: string; country: string }>,
): JointProcurementClassification {
  const buyerCount = new Set(buyers.map((b) => b.orgId)).size;
  const all = [...new Set(buyers.map((b) => b.country))].sort();
  const countries = all.filter((c) => eu.has(c) || eea.has(c));
  const eeaCountries = countries.filter((c) => eea.has(c));
  const otherCountries = all.filter((c) => !eu.has(c) && !eea.has(c));

  if (buyerCount < 2)
    return { kind: 'single-buyer', legalBasis: null, needsAgreement: false, countries, eeaCountries, otherCountries };
  if (countries.length >= 2) {
    return {
      kind: 'cross-border',
      legalBasis: 'Directive 2014/24/EU Art. 39',
      needsAgreement: true,
      countries,
      eeaCountries,
      otherCountries,
    };
  }
  return {
    kind: 'occasional',
    legalBasis: 'Directive 2014/24/EU Art. 38',
    needsAgreement: false,
    countries,
    eeaCountries,
    otherCountries,
  };
}
