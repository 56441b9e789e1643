import { Decimal as BaseDecimal } from 'decimal.js';
import { z } from 'zod';

import {
  agreementTermsLimits as limits,
  contractConclusions,
  type CostSharingMethod,
  jointEntityLawBases,
  jointEntityTypes,
  type ProcedurePhase,
  procedurePhases,
  procedureTypes,
} from '../rules/agreement.js';
import { text } from '../rules/text-policy.js';
import { cpvCodeSchema, parseCpv } from './cpv.js';
import { decimalStringSchema } from './decimal.js';
import type { FieldProblem } from './errors.js';
import { anyCountrySchema, participatingCountries } from './organisations.js';

/**
 * Terms of a joint procurement agreement (Directive 2014/24/EU Art. 38 occasional joint
 * procurement, Art. 39 procurement by authorities from different Member States). The zod schema
 * checks the shape of the terms alone; `validateAgreementTerms` checks them against the parties
 * and their confirmed needs, which the terms cannot know by themselves.
 */

/**
 * decimal.js rounds to 20 significant digits by default; a quantity may have 21 (15 + 6) and sums
 * more, and "match exactly" must mean exactly.
 */
const Decimal = BaseDecimal.clone({ precision: 60 });
type Decimal = InstanceType<typeof Decimal>;

/** The choices of the terms are shared with the web's terms form: rules/agreement.ts. */
export {
  type ContractConclusion,
  contractConclusions,
  jointEntityLawBases,
  jointEntityTypes,
  type ProcedurePhase,
  procedurePhases,
  type ProcedureType,
  procedureTypes,
} from '../rules/agreement.js';

/** Organisation ids are database UUIDs, which also keeps them apart from the literal `joint`. */
const orgIdSchema = z.uuid({ message: 'must be an organisation id (UUID)' });

/** Required text under the text policy: one line (a name, a title) or a paragraph (a reason, a clause). */
const oneLine = (max: number) => text('line', { min: 1, max });
const paragraph = (max: number) => text('paragraph', { min: 1, max });

/** Accepts a CPV code with or without its check digit and keeps the 8-digit key, as needs do. */
const cpvKeySchema = cpvCodeSchema.transform((c) => c.code);

const unitSchema = z
  .string()
  .regex(/^[A-Z0-9]{2,3}$/, 'must be a UN/CEFACT Rec 20 unit code')
  .meta({ description: 'UN/CEFACT Rec 20 unit code', example: 'C62' });

export const applicableLawSchema = z
  .discriminatedUnion('kind', [
    z.object({
      kind: z.literal('party_country'),
      // Any country shape here: whether it is a party's country is a rule of validateAgreementTerms.
      country: anyCountrySchema,
    }),
    z.object({
      kind: z.literal('joint_entity'),
      entityName: text('name', { min: 1, max: 300 }),
      entityType: z.enum(jointEntityTypes).meta({
        description:
          'egtc: a European grouping of territorial cooperation (Regulation (EC) No 1082/2006); other_union_law_entity: another entity established under Union law (Art. 39(5))',
      }),
      registeredOfficeCountry: anyCountrySchema,
      activityCountries: z
        .array(anyCountrySchema)
        .min(1, 'must name at least one Member State where the joint entity carries out its activities')
        .max(40),
      lawOf: z.enum(jointEntityLawBases).meta({
        description:
          'Which law the parties agreed on: that of the Member State of the registered office (Art. 39(5)(a)) or of one where the entity carries out its activities (Art. 39(5)(b))',
      }),
      country: anyCountrySchema.meta({ description: 'The Member State whose national procurement rules apply' }),
      decision: text('line', { min: 1, max: 300 }).meta({
        description:
          'The decision of the joint entity’s competent body by which the parties agreed on the law (Art. 39(5))',
      }),
    }),
  ])
  .meta({
    description:
      'The national law that governs the procedure: that of the Member State of one party (Art. 39(4)(a)), or, for a joint entity, that of its registered office or of where it carries out its activities (Art. 39(5))',
  });

export type ApplicableLaw = z.output<typeof applicableLawSchema>;

export const lotSchema = z.object({
  id: z
    .string()
    .trim()
    .regex(/^[A-Za-z0-9][A-Za-z0-9._-]{0,39}$/, 'must be 1-40 letters, digits, ".", "_" or "-"'),
  title: text('title', { min: 1, max: limits.lotTitle }),
  cpvCodes: z.array(cpvKeySchema).min(1, 'must name at least one CPV code').max(50, 'must name at most 50 CPV codes'),
});

export const distributionLineSchema = z.object({
  cpvCode: cpvKeySchema,
  unit: unitSchema,
  quantity: decimalStringSchema,
});

export const partyDistributionSchema = z.object({
  orgId: orgIdSchema,
  lots: z
    .array(
      z.object({
        lotId: text('line', { min: 1, max: 200, minRule: 'must name a lot' }),
        lines: z.array(distributionLineSchema).max(500),
      }),
    )
    .max(100),
  deviation: z
    .object({ reason: paragraph(2000) })
    .optional()
    .meta({ description: 'Recorded when the distribution differs from the party’s confirmed needs' }),
});

export const phaseAssignmentSchema = z.object({
  phase: z.enum(procedurePhases),
  conductedBy: z.union([z.literal('joint'), orgIdSchema]).meta({
    description:
      '"joint" when the phase is conducted jointly in the name and on behalf of all parties (joint responsibility, Art. 38(2)/39(4)), or the id of the party that conducts it alone in its own name (sole responsibility)',
  }),
});

export const costSharingSchema = z
  .discriminatedUnion('method', [
    z.object({ method: z.literal('by_share_of_value' satisfies CostSharingMethod) }),
    z.object({ method: z.literal('equal' satisfies CostSharingMethod) }),
    z.object({
      method: z.literal('fixed_percentages' satisfies CostSharingMethod),
      shares: z
        .array(z.object({ orgId: orgIdSchema, percent: decimalStringSchema }))
        .min(1)
        .max(1000),
    }),
  ])
  .meta({ description: 'How the costs of running the joint procedure are shared among the parties' });

export const agreementDurationSchema = z.discriminatedUnion('kind', [
  z.object({ kind: z.literal('months'), months: z.int().min(1).max(limits.months) }),
  z.object({ kind: z.literal('until'), date: z.iso.date({ message: 'must be a date (YYYY-MM-DD)' }) }),
]);

export const agreementTermsSchema = z
  .object({
    leadAuthorityOrgId: orgIdSchema.meta({ description: 'The contracting authority that runs the procedure' }),
    applicableLaw: applicableLawSchema,
    procedureType: z.enum(procedureTypes),
    lots: z.array(lotSchema).min(1, 'must define at least one lot').max(100),
    distributions: z.array(partyDistributionSchema).max(10_000),
    // Art. 39(4)(a): the responsibilities of the parties; every party's, checked against the parties.
    responsibilities: z
      .array(z.object({ orgId: orgIdSchema, text: paragraph(limits.responsibility) }))
      .min(1, 'must determine the responsibilities of the parties (Directive 2014/24/EU Art. 39(4)(a))')
      .max(10_000),
    // Art. 39(4)(b): the internal organisation of the procedure; every phase, checked below.
    phases: z
      .array(phaseAssignmentSchema)
      .min(1, 'must say who conducts each phase of the procedure (Directive 2014/24/EU Art. 39(4)(b))')
      .max(procedurePhases.length),
    contractConclusion: z.enum(contractConclusions),
    costSharing: costSharingSchema,
    languages: z
      .array(
        z
          .string()
          .trim()
          .toLowerCase()
          .regex(/^[a-z]{2}$/, 'must be an ISO 639-1 language code'),
      )
      .min(1, 'must name at least one language')
      .max(30),
    disputeResolution: z.object({ text: paragraph(limits.disputeText), forum: oneLine(limits.disputeForum) }),
    duration: agreementDurationSchema,
    accession: z
      .object({ allowed: z.boolean(), conditions: text('paragraph', { max: limits.accessionConditions }).default('') })
      .refine((a) => !a.allowed || a.conditions.length > 0, {
        path: ['conditions'],
        message: 'must state the conditions when new parties may accede',
      }),
  })
  .meta({ id: 'AgreementTerms' });

export type AgreementTermsInput = z.input<typeof agreementTermsSchema>;
export type AgreementTerms = z.output<typeof agreementTermsSchema>;
export type PartyDistribution = z.output<typeof partyDistributionSchema>;
export type DistributionLine = z.output<typeof distributionLineSchema>;

export interface AgreementParty {
  orgId: string;
  name: string;
  country: string;
}

export interface ConfirmedNeed {
  orgId: string;
  /** The 8-digit CPV key. */
  cpvCode: string;
  unit: string;
  quantity: string;
}

export interface AgreementContext {
  parties: readonly AgreementParty[];
  confirmedNeeds: readonly ConfirmedNeed[];
}

const euEea: ReadonlySet<string> = new Set(participatingCountries);

export type AgreementKind = 'art39_cross_border' | 'art38_occasional';

/**
 * Art. 39 applies as soon as the parties sit in two or more countries that apply the Directive;
 * the EEA states (IS, LI, NO) apply it through the EEA Agreement, so they count as Member States.
 */
export function agreementKind(parties: readonly Pick<AgreementParty, 'country'>[]): AgreementKind {
  const countries = new Set(parties.map((p) => p.country.toUpperCase()).filter((c) => euEea.has(c)));
  return countries.size >= 2 ? 'art39_cross_border' : 'art38_occasional';
}

/** The `(cpvCode, unit)` key; callers may hand in codes with a check digit. */
function needKey(cpvCode: string, unit: string): string {
  return `${parseCpv(cpvCode)?.code ?? cpvCode} ${unit}`;
}

function sumByKey(lines: Iterable<{ cpvCode: string; unit: string; quantity: string }>): Map<string, Decimal> {
  const totals = new Map<string, Decimal>();
  for (const l of lines) {
    const key = needKey(l.cpvCode, l.unit);
    totals.set(key, (totals.get(key) ?? new Decimal(0)).plus(l.quantity));
  }
  return totals;
}

/**
 * One distribution per party, everything in one lot, equal to its confirmed needs summed per
 * (cpvCode, unit): the starting point the parties then edit, and which validates by construction.
 */
export function defaultDistribution(
  parties: readonly Pick<AgreementParty, 'orgId'>[],
  confirmedNeeds: readonly ConfirmedNeed[],
  lotId: string,
): PartyDistribution[] {
  return parties.map((party) => {
    const lines: DistributionLine[] = [];
    const index = new Map<string, DistributionLine>();
    for (const need of confirmedNeeds) {
      if (need.orgId !== party.orgId) continue;
      const cpvCode = parseCpv(need.cpvCode)?.code ?? need.cpvCode;
      const key = needKey(cpvCode, need.unit);
      const existing = index.get(key);
      if (existing) {
        existing.quantity = new Decimal(existing.quantity).plus(need.quantity).toFixed();
      } else {
        const line = { cpvCode, unit: need.unit, quantity: new Decimal(need.quantity).toFixed() };
        index.set(key, line);
        lines.push(line);
      }
    }
    return { orgId: party.orgId, lots: [{ lotId, lines }] };
  });
}

/**
 * The rules that tie the terms to the parties and their confirmed needs. Every problem names the
 * field and the rule, so the API can return them as a 422 and the UI can point at the field.
 */
export function validateAgreementTerms(terms: AgreementTerms, ctx: AgreementContext): FieldProblem[] {
  const problems: FieldProblem[] = [];
  const parties = new Map(ctx.parties.map((p) => [p.orgId, p]));
  const nameOf = (orgId: string) => parties.get(orgId)?.name ?? orgId;

  if (!parties.has(terms.leadAuthorityOrgId)) {
    problems.push({
      field: 'leadAuthorityOrgId',
      rule: 'the lead contracting authority must be one of the parties (Directive 2014/24/EU Art. 39(4)(b))',
    });
  }

  problems.push(...applicableLawProblems(terms.applicableLaw, ctx.parties));

  const lotIds = new Set<string>();
  terms.lots.forEach((lot, i) => {
    if (lotIds.has(lot.id))
      problems.push({ field: `lots[${i}].id`, rule: `lot ids must be unique; "${lot.id}" is repeated` });
    lotIds.add(lot.id);
  });

  const distributed = new Set<string>();
  terms.distributions.forEach((d, i) => {
    if (!parties.has(d.orgId)) {
      problems.push({
        field: `distributions[${i}].orgId`,
        rule: 'a distribution must be for one of the parties (Directive 2014/24/EU Art. 39(4)(b))',
      });
      return;
    }
    if (distributed.has(d.orgId)) {
      problems.push({
        field: `distributions[${i}].orgId`,
        rule: `each party has exactly one distribution; ${nameOf(d.orgId)} has more (Directive 2014/24/EU Art. 39(4)(b))`,
      });
      return;
    }
    distributed.add(d.orgId);

    d.lots.forEach((lot, j) => {
      if (!lotIds.has(lot.lotId)) {
        problems.push({
          field: `distributions[${i}].lots[${j}].lotId`,
          rule: `a distribution must reference a lot of the agreement; "${lot.lotId}" is not one (Directive 2014/24/EU Art. 39(4)(b))`,
        });
      }
    });

    const mismatches = quantityMismatches(
      d.lots.flatMap((l) => l.lines),
      ctx.confirmedNeeds.filter((n) => n.orgId === d.orgId),
    );
    if (mismatches.length === 0) return;
    if (!d.deviation) {
      problems.push({
        field: `distributions[${i}].deviation`,
        rule: `the distribution to ${nameOf(d.orgId)} must match its confirmed needs or record a deviation with a reason (${mismatches.join('; ')}) (Directive 2014/24/EU Art. 39(4)(b))`,
      });
    } else if (d.deviation.reason.trim() === '') {
      problems.push({
        field: `distributions[${i}].deviation.reason`,
        rule: `a deviation from the confirmed needs must give a reason (${mismatches.join('; ')}) (Directive 2014/24/EU Art. 39(4)(b))`,
      });
    }
  });
  for (const party of ctx.parties) {
    if (!distributed.has(party.orgId)) {
      problems.push({
        field: 'distributions',
        rule: `every party must have a distribution; ${party.name} has none (Directive 2014/24/EU Art. 39(4)(b))`,
      });
    }
  }

  terms.responsibilities.forEach((r, i) => {
    if (!parties.has(r.orgId)) {
      problems.push({
        field: `responsibilities[${i}].orgId`,
        rule: 'responsibilities must be assigned to one of the parties (Directive 2014/24/EU Art. 39(4)(a))',
      });
    }
  });
  // Art. 39(4)(a): "the responsibilities of the parties": each party's, not only the lead's.
  const responsible = new Set(terms.responsibilities.map((r) => r.orgId));
  for (const party of ctx.parties) {
    if (!responsible.has(party.orgId)) {
      problems.push({
        field: 'responsibilities',
        rule: `the agreement must determine the responsibilities of every party; ${party.name} has none (Directive 2014/24/EU Art. 39(4)(a))`,
      });
    }
  }

  const seenPhases = new Set<ProcedurePhase>();
  terms.phases.forEach((p, i) => {
    if (seenPhases.has(p.phase)) {
      problems.push({ field: `phases[${i}].phase`, rule: `each phase is assigned once; "${p.phase}" is repeated` });
    }
    seenPhases.add(p.phase);
    if (p.conductedBy !== 'joint' && !parties.has(p.conductedBy)) {
      problems.push({
        field: `phases[${i}].conductedBy`,
        rule: 'a phase conducted by one party in its own name must name one of the parties (Directive 2014/24/EU Art. 38(2), 39(4)(b))',
      });
    }
  });

  // Art. 39(4)(b) (the internal organisation and management of the procedure) with Art. 38(2)
  // (joint or sole responsibility follows who conducts a part): every phase has its conductor.
  for (const phase of procedurePhases) {
    if (!seenPhases.has(phase)) {
      problems.push({
        field: 'phases',
        rule: `the internal organisation of the procedure must say who conducts each phase; "${phase}" is not assigned (Directive 2014/24/EU Art. 39(4)(b), Art. 38(2))`,
      });
    }
  }

  // Cost sharing is not among the Art. 39(4) terms: these are the product's rules for a usable agreement.
  if (terms.costSharing.method === 'fixed_percentages') {
    const shares = terms.costSharing.shares;
    const sharing = new Set<string>();
    shares.forEach((s, i) => {
      if (!parties.has(s.orgId)) {
        problems.push({ field: `costSharing.shares[${i}].orgId`, rule: 'a cost share must be for one of the parties' });
      } else if (sharing.has(s.orgId)) {
        problems.push({
          field: `costSharing.shares[${i}].orgId`,
          rule: `each party has at most one cost share; ${nameOf(s.orgId)} has more`,
        });
      }
      sharing.add(s.orgId);
    });
    const total = shares.reduce((sum, s) => sum.plus(s.percent), new Decimal(0));
    if (!total.equals(100)) {
      problems.push({
        field: 'costSharing.shares',
        rule: `fixed cost-sharing percentages must sum to exactly 100; they sum to ${total.toFixed()}`,
      });
    }
  }

  return problems;
}

/**
 * The national provisions that apply. Art. 39(4)(a) lets the parties choose those of any of their
 * Member States. Art. 39(5): when authorities from different Member States have set up a joint
 * entity (an EGTC or another entity under Union law), they agree, by a decision of its competent
 * body, on the rules of the Member State of its registered office (a) or of one where it carries
 * out its activities (b); the terms record which, and the country must be that one.
 */
export function applicableLawProblems(
  law: ApplicableLaw,
  parties: readonly Pick<AgreementParty, 'country'>[],
): FieldProblem[] {
  const country = law.country.toUpperCase();
  const partyCountries = [...new Set(parties.map((p) => p.country.toUpperCase()))].sort();
  if (law.kind === 'party_country') {
    return partyCountries.includes(country)
      ? []
      : [
          {
            field: 'applicableLaw.country',
            rule: `the applicable law must be that of the country of one of the parties (${partyCountries.join(', ')}) or of a joint entity (Directive 2014/24/EU Art. 39(4)(a), 39(5))`,
          },
        ];
  }
  const problems: FieldProblem[] = [];
  const outside = 'must be in an EU or EEA country: the Directive applies there (Directive 2014/24/EU Art. 39(5))';
  const office = law.registeredOfficeCountry.toUpperCase();
  const active = law.activityCountries.map((c) => c.toUpperCase());
  if (!euEea.has(office))
    problems.push({
      field: 'applicableLaw.registeredOfficeCountry',
      rule: `the registered office of the joint entity ${outside}`,
    });
  active.forEach((c, i) => {
    if (!euEea.has(c))
      problems.push({
        field: `applicableLaw.activityCountries[${i}]`,
        rule: `a place of activity of the joint entity ${outside}`,
      });
  });
  if (problems.length > 0) return problems;
  if (law.lawOf === 'registered_office' && country !== office) {
    problems.push({
      field: 'applicableLaw.country',
      rule: `the parties chose the law of the joint entity’s registered office (${office}); ${country} is not that Member State (Directive 2014/24/EU Art. 39(5)(a))`,
    });
  } else if (law.lawOf === 'activities' && !active.includes(country)) {
    problems.push({
      field: 'applicableLaw.country',
      rule: `the parties chose the law of a Member State where the joint entity carries out its activities (${[...new Set(active)].sort().join(', ')}); ${country} is not one (Directive 2014/24/EU Art. 39(5)(b))`,
    });
  }
  const memberStates = partyCountries.filter((c) => euEea.has(c));
  if (memberStates.length < 2) {
    problems.push({
      field: 'applicableLaw.kind',
      rule: `a joint entity’s law applies to contracting authorities from different Member States; all parties are in ${memberStates.join(', ') || 'no Member State'}: the law is that of their Member State (Directive 2014/24/EU Art. 39(5), Art. 38)`,
    });
  }
  return problems;
}

/** Differences per (cpvCode, unit), compared as decimals so "10.50" equals "10.5". */
function quantityMismatches(
  distributedLines: readonly { cpvCode: string; unit: string; quantity: string }[],
  needs: readonly ConfirmedNeed[],
): string[] {
  const got = sumByKey(distributedLines);
  const want = sumByKey(needs);
  const out: string[] = [];
  for (const key of [...new Set([...want.keys(), ...got.keys()])].sort()) {
    const g = got.get(key) ?? new Decimal(0);
    const w = want.get(key) ?? new Decimal(0);
    if (!g.equals(w)) out.push(`${key}: distributed ${g.toFixed()}, confirmed ${w.toFixed()}`);
  }
  return out;
}
