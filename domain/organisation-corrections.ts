import { z } from 'zod';

import { text } from '../rules/text-policy.js';
import type { FieldProblem } from './errors.js';
import { buyerLegalTypeSchema, countrySchema, localeSchema, type OrganisationKind } from './organisations.js';

/**
 * Correcting an organisation after registration. What an organisation is decides figures that
 * the law attaches to it: its buyer legal type decides whether it is a central government
 * authority (Directive 2014/24/EU Art. 2(1)(2), Annex I) or a sub-central one (Art. 2(1)(3)),
 * and so the threshold that applies to a procurement it takes part in (Art. 4: 140,000 or 216,000
 * EUR for supplies and services in 2026-27); its country decides how many Member States a joint
 * statement spans and whether buyers from several of them need an Art. 39(4) agreement. A wrong
 * value recorded at registration would otherwise stay in every check for good, so an
 * administrator may correct it, with a reason that goes on the audit chain.
 */

/** The fields a correction may change, as the API names them. */
export const correctableFields = ['name', 'country', 'buyerLegalType', 'nuts', 'sme'] as const;
export type CorrectableField = (typeof correctableFields)[number];

/**
 * Fields that change a statement's figures once aggregated: the buyer legal type (the authority
 * category and so the threshold, Art. 4 with Art. 2(1)(2)-(3)) and the country (the countries
 * counted, the critical mass's minimum countries, and the cross-border verdict of Art. 39).
 * A name is shown, not counted: correcting it re-runs nothing.
 */
export const figureFields: readonly CorrectableField[] = ['country', 'buyerLegalType'];

/**
 * Stages whose latest aggregate snapshot is the statement's live figures: computed, not yet
 * published. Before aggregation the figures do not exist yet (the aggregation will read the
 * corrected organisation); a published statement's figures are what was published.
 */
export const stagesWithLiveFigures = ['shortfall', 'market_engagement', 'approval'] as const;

export const maxCorrectionReasonLength = 2000;

/** Why an administrator corrects an organisation or a user: required, a paragraph, kept on the audit record. */
const correctionReason = (corrected: 'organisation' | 'user') =>
  text('paragraph', {
    min: 1,
    max: maxCorrectionReasonLength,
    minRule: `must say why the ${corrected} is corrected (it goes on the audit record)`,
  });

/** The request: any of the correctable fields, and always a reason. */
export const organisationCorrectionSchema = z
  .object({
    name: text('name', { min: 2, max: 300 }).optional(),
    country: z
      .string()
      .trim()
      .toUpperCase()
      .regex(/^[A-Z]{2}$/, 'must be an ISO 3166-1 alpha-2 country code')
      .optional(),
    buyerLegalType: buyerLegalTypeSchema.optional(),
    nuts: z
      .string()
      .trim()
      .toUpperCase()
      .regex(/^[A-Z]{2}[A-Z0-9]{0,3}$/, 'must be a NUTS code')
      .nullable()
      .optional(),
    sme: z.boolean({ error: 'must be true or false' }).optional(),
    reason: correctionReason('organisation'),
  })
  .meta({ id: 'OrganisationCorrection' });

export type OrganisationCorrection = z.infer<typeof organisationCorrectionSchema>;

/** The organisation as a correction reads and writes it. */
export interface CorrectableOrganisation {
  kind: OrganisationKind;
  name: string;
  country: string;
  buyerLegalType: string | null;
  nuts: string | null;
  sme: boolean | null;
}

export interface FieldChange {
  field: CorrectableField;
  from: string | boolean | null;
  to: string | boolean | null;
}

/** The fields the correction really changes, in the order of `correctableFields`; given values equal to the current ones are not changes. */
export function correctionChanges(current: CorrectableOrganisation, input: OrganisationCorrection): FieldChange[] {
  const changes: FieldChange[] = [];
  for (const field of correctableFields) {
    const to = input[field];
    if (to === undefined) continue;
    const from = current[field];
    if (to !== from) changes.push({ field, from, to });
  }
  return changes;
}

/** The organisation after the changes. */
export function applyChanges(
  current: CorrectableOrganisation,
  changes: readonly FieldChange[],
): CorrectableOrganisation {
  const next: Record<string, unknown> = { ...current };
  for (const c of changes) next[c.field] = c.to;
  return next as unknown as CorrectableOrganisation;
}

/**
 * What the corrected organisation must still be, each broken rule naming its field: a buyer is a
 * contracting authority of an EU or EEA country (Art. 2(1)(1); the EEA Agreement extends the
 * Directive) with a buyer legal type; only a buyer has one; a supplier says whether it is an SME
 * (Commission Recommendation 2003/361/EC), which only suppliers are asked. Nothing changed is a
 * request without effect.
 */
export function correctionProblems(current: CorrectableOrganisation, changes: readonly FieldChange[]): FieldProblem[] {
  if (changes.length === 0)
    return [
      {
        field: 'body',
        rule: `must change at least one of ${correctableFields.join(', ')} (the values given are the current ones)`,
      },
    ];
  const next = applyChanges(current, changes);
  const changed = new Set(changes.map((c) => c.field));
  const problems: FieldProblem[] = [];
  if (next.kind === 'buyer' && changed.has('country') && !countrySchema.safeParse(next.country).success)
    problems.push({
      field: 'country',
      rule: 'must be an EU or EEA country for a buyer (Directive 2014/24/EU Art. 2(1)(1))',
    });
  if (changed.has('buyerLegalType') && next.kind !== 'buyer')
    problems.push({ field: 'buyerLegalType', rule: `must not be given: a ${next.kind} organisation is not a buyer` });
  if (changed.has('sme') && next.kind !== 'supplier')
    problems.push({ field: 'sme', rule: `must not be given: only suppliers say whether they are an SME` });
  return problems;
}

/** Whether a statement that counted the organisation has figures to re-compute. */
export function affectsFigures(changes: readonly FieldChange[]): boolean {
  return changes.some((c) => figureFields.includes(c.field));
}

/**
 * Correcting one of an organisation's users: its name as mail addresses it, the language it is
 * written to in, and whether it may sign for its organisation (the `signatory` role, which binding
 * acts require: domain/authorization.ts `mayActBindingly`). Administrator rights and e-mail
 * addresses are not corrected here: the one is granted at registration, the other is the sign-in.
 */
export const userCorrectionSchema = z
  .object({
    name: text('name', { min: 1, max: 200 }).optional(),
    locale: localeSchema.optional(),
    roles: z.array(z.enum(['signatory'])).optional(),
    reason: correctionReason('user'),
  })
  .meta({ id: 'UserCorrection' });

export type UserCorrection = z.infer<typeof userCorrectionSchema>;

export interface UserChange {
  field: 'name' | 'locale' | 'roles';
  from: string | string[];
  to: string | string[];
}

/** The fields that really change; roles compare as sets. Empty: the request changes nothing. */
export function userCorrectionChanges(
  current: { name: string; locale: string; roles: readonly string[] },
  input: UserCorrection,
): UserChange[] {
  const changes: UserChange[] = [];
  if (input.name !== undefined && input.name !== current.name)
    changes.push({ field: 'name', from: current.name, to: input.name });
  if (input.locale !== undefined && input.locale !== current.locale)
    changes.push({ field: 'locale', from: current.locale, to: input.locale });
  if (input.roles !== undefined) {
    const to = [...new Set(input.roles)].sort();
    const from = [...current.roles].sort();
    if (to.join(',') !== from.join(',')) changes.push({ field: 'roles', from, to });
  }
  return changes;
}
