import { z } from 'zod';

import type { Stage } from '../rules/stages.js';
import type { Decision, Principal } from './authorization.js';
import { contractNature } from './cpv.js';
import type { FieldProblem } from './errors.js';
import { eeaNonEuStates, euMemberStates } from './organisations.js';

/**
 * Which kind of joint procurement the buyers make. Buyers from two or more Member States make a
 * joint procurement by contracting authorities from different Member States (Directive 2014/24/EU
 * Art. 39), which needs an agreement fixing each party's responsibilities and the national law
 * that applies (Art. 39(4)). Buyers of one Member State make an occasional joint procurement
 * (Art. 38). Norway, Iceland and Liechtenstein count as Member States here: the Directive applies
 * to them through the EEA Agreement (Annex XVI). When a central purchasing body runs the
 * procurement instead (Art. 37; one in another Member State, Art. 39(2)-(3)), the national
 * provisions of its Member State apply and no Art. 39(4) agreement is concluded.
 */

export type JointProcurementKind = 'single-buyer' | 'occasional' | 'cross-border';

/**
 * How the demand is procured. `joint`: the buyers run it themselves (Art. 38 in one Member State,
 * Art. 39(4) across several, with an agreement). `central_purchasing_body`: a central purchasing
 * body runs it for them (Art. 37; from another Member State, Art. 39(2)-(3)); its Member State's
 * national provisions apply and no Art. 39(4) agreement is needed.
 */
export const procurementRouteKinds = ['joint', 'central_purchasing_body'] as const;
export type ProcurementRouteKind = (typeof procurementRouteKinds)[number];

export const procurementRouteSchema = z
  .discriminatedUnion('kind', [
    z.object({ kind: z.literal('joint') }),
    z.object({
      kind: z.literal('central_purchasing_body'),
      centralPurchasingBodyOrgId: z.uuid({ message: 'must be an organisation id (UUID)' }).meta({
        description:
          'The buyer organisation, recorded as a central purchasing body (eForms OPP-051/OPP-052), that runs the procurement',
      }),
    }),
  ])
  .meta({
    id: 'ProcurementRoute',
    description:
      'joint: the buyers procure together (Directive 2014/24/EU Art. 38, or Art. 39(4) with an agreement); central_purchasing_body: a central purchasing body runs it (Art. 37, Art. 39(2)-(3)), and no Art. 39(4) agreement is needed',
  });
export type ProcurementRoute = z.output<typeof procurementRouteSchema>;

/**
 * A buyer that is a central purchasing body, said the eForms way: OPP-051 "Awarding CPB Buyer
 * Indicator" (it awards contracts or concludes framework agreements intended for contracting
 * authorities, Art. 2(1)(14)(b)) and OPP-052 "Acquiring CPB Buyer Indicator" (it acquires
 * supplies and services intended for them, Art. 2(1)(14)(a)). eForms has no buyer-legal-type
 * code for it.
 */
export interface CentralPurchasingBody {
  orgId: string;
  name: string;
  country: string;
  kind: string;
  awardingCpb: boolean;
  acquiringCpb: boolean;
}

/** The route as the classification reports it: the CPB's name and country, whose law applies. */
export interface RouteFacts {
  route: ProcurementRouteKind;
  centralPurchasingBody: { orgId: string; name: string; country: string } | null;
}

export const jointRoute: RouteFacts = { route: 'joint', centralPurchasingBody: null };

/**
 * The lead chooses the route until the demand is aggregated: the aggregate's verdict on the
 * agreement (Art. 39(4)) and the statement text drafted from it are written for one route.
 */
export const procurementRouteStages: readonly Stage[] = ['draft', 'needs_assessment', 'confirmation'];

export function procurementRouteStageRefusal(stage: Stage): string | null {
  return procurementRouteStages.includes(stage)
    ? null
    : `The procurement route is chosen before the demand is aggregated (in ${procurementRouteStages.join(', ')}); this statement is in ${stage}`;
}

/**
 * Whether `cpb` may run the statement's procurement. It must be a buyer recorded as a CPB
 * (Art. 2(1)(16): a contracting authority providing centralised purchasing activities) in a
 * Member State (Art. 39(2): one in another Member State may be used). A CPB that only acquires
 * supplies and services for others (Art. 2(1)(14)(a)) cannot procure works: Art. 37(1) lets
 * authorities buy supplies and services from it, and works only through contracts, systems or
 * framework agreements that an awarding CPB (Art. 2(1)(14)(b)) concluded.
 */
export function procurementRouteProblems(
  route: ProcurementRoute,
  cpb: CentralPurchasingBody | undefined,
  statementCpvCodes: readonly string[],
): FieldProblem[] {
  if (route.kind === 'joint') return [];
  const field = 'centralPurchasingBodyOrgId';
  if (!cpb || cpb.kind !== 'buyer' || (!cpb.awardingCpb && !cpb.acquiringCpb)) {
    return [
      {
        field,
        rule: 'must be a buyer organisation recorded as a central purchasing body (eForms OPP-051 or OPP-052; Directive 2014/24/EU Art. 2(1)(16), Art. 37)',
      },
    ];
  }
  if (!memberStates.has(cpb.country.trim().toUpperCase())) {
    return [
      {
        field,
        rule: `the central purchasing body must be located in an EU or EEA Member State; ${cpb.name} is in ${cpb.country.trim()} (Directive 2014/24/EU Art. 39(2))`,
      },
    ];
  }
  const works = statementCpvCodes.filter((c) => contractNature(c) === 'works');
  if (!cpb.awardingCpb && works.length > 0) {
    return [
      {
        field,
        rule: `${cpb.name} only acquires supplies and services for other authorities (eForms OPP-052, Art. 2(1)(14)(a)); the statement includes works (${works.join(', ')}), which need a central purchasing body that awards contracts (OPP-051, Art. 2(1)(14)(b); Directive 2014/24/EU Art. 37(1))`,
      },
    ];
  }
  return [];
}

export interface JointProcurementClassification {
  kind: JointProcurementKind;
  /** The articles that govern it, or null when a single buyer procures on its own. */
  legalBasis: string | null;
  /**
   * Art. 39(4): buyers from different Member States procuring jointly must conclude an agreement;
   * not when a central purchasing body runs the procurement (Art. 39(2)-(3)).
   */
  needsAgreement: boolean;
  /** `joint`, or `central_purchasing_body` with the CPB that runs the procurement. */
  route: ProcurementRouteKind;
  centralPurchasingBody: { orgId: string; name: string; country: string } | null;
  /**
   * On the CPB route, the Member State whose national provisions apply (the CPB's, Art. 39(3));
   * on the joint route null: the Art. 39(4) agreement determines it (or, in one Member State, its own law).
   */
  applicableLaw: string | null;
  /** EU and EEA countries of the buyers, sorted. */
  countries: string[];
  /** Those of `countries` that take part through the EEA Agreement (IS, LI, NO). */
  eeaCountries: string[];
  /** Buyers' countries outside the EU and EEA, sorted: the Directive does not bind those buyers. */
  otherCountries: string[];
}

const eu: ReadonlySet<string> = new Set(euMemberStates);
const eea: ReadonlySet<string> = new Set(eeaNonEuStates);
const memberStates: ReadonlySet<string> = new Set([...euMemberStates, ...eeaNonEuStates]);

/**
 * Classifies by the distinct buyers (by orgId) and their countries. Art. 38 and 39 both speak of
 * two or more contracting authorities, so one buyer alone is `single-buyer`, whatever its country.
 */
export function classifyJointProcurement(
  buyers: ReadonlyArray<{ orgId: string; country: string }>,
  routeFacts: RouteFacts = jointRoute,
): JointProcurementClassification {
  const buyerCount = new Set(buyers.map((b) => b.orgId)).size;
  const all = [...new Set(buyers.map((b) => b.country))].sort();
  const countries = all.filter((c) => eu.has(c) || eea.has(c));
  const eeaCountries = countries.filter((c) => eea.has(c));
  const otherCountries = all.filter((c) => !eu.has(c) && !eea.has(c));
  const kind: JointProcurementKind =
    buyerCount < 2 ? 'single-buyer' : countries.length >= 2 ? 'cross-border' : 'occasional';
  const geography = { kind, countries, eeaCountries, otherCountries };

  const cpb = routeFacts.route === 'central_purchasing_body' ? routeFacts.centralPurchasingBody : null;
  if (cpb) {
    const cpbCountry = cpb.country.trim().toUpperCase();
    // Buyers of the CPB's own Member State use it under Art. 37; those of another under Art. 39(2)-(3).
    const fromAnotherState = countries.some((c) => c !== cpbCountry);
    return {
      ...geography,
      legalBasis: fromAnotherState ? 'Directive 2014/24/EU Art. 37 and Art. 39(2)-(3)' : 'Directive 2014/24/EU Art. 37',
      needsAgreement: false,
      route: 'central_purchasing_body',
      centralPurchasingBody: { ...cpb, country: cpbCountry },
      applicableLaw: cpbCountry,
    };
  }
  const joint = { route: 'joint' as const, centralPurchasingBody: null, applicableLaw: null };
  if (kind === 'single-buyer') return { ...geography, legalBasis: null, needsAgreement: false, ...joint };
  if (kind === 'cross-border')
    return { ...geography, legalBasis: 'Directive 2014/24/EU Art. 39', needsAgreement: true, ...joint };
  return { ...geography, legalBasis: 'Directive 2014/24/EU Art. 38', needsAgreement: false, ...joint };
}

/**
 * A snapshot's classification as stored; those stored before routes existed were all joint.
 */
export function storedClassification(stored: unknown): JointProcurementClassification {
  return {
    route: 'joint',
    centralPurchasingBody: null,
    applicableLaw: null,
    ...(stored as object),
  } as JointProcurementClassification;
}

/**
 * Who may read the list of central purchasing bodies: the buyers that could choose one, Commission
 * staff and administrators. A CPB's being one is public in its notices (eForms OPP-051/OPP-052).
 */
export function mayListCentralPurchasingBodies(p: Principal): Decision {
  return p.orgKind === 'buyer' || p.orgKind === 'commission' || p.isAdmin
    ? { allowed: true }
    : { allowed: false, code: 'forbidden', reason: 'the central purchasing bodies are listed for buyers' };
}
