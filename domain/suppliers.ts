import { z } from 'zod';

import { text } from '../rules/text-policy.js';
import type { Aggregate } from './aggregation.js';
import { isKnownDivision } from './cpv.js';
import { anyCountrySchema, localeSchema } from './organisations.js';

/**
 * Suppliers subscribe to demand by CPV prefix and country. A prefix is 2 to 8 digits; a full code
 * with trailing zeros is the node above it (`45000000` is division 45), so both forms match the
 * same codes. Countries are the buyers' countries of interest; none means every country.
 */
export function normaliseCpvPrefix(input: string): string | undefined {
  const m = /^(\d{2,8})(?:-\d)?$/.exec(input.trim());
  if (!m) return undefined;
  let digits = m[1]!;
  if (!isKnownDivision(digits.slice(0, 2))) return undefined;
  if (digits.length === 8) digits = digits.replace(/0+$/, '');
  return digits.length < 2 ? digits.padEnd(2, '0') : digits;
}

export const cpvPrefixSchema = z
  .string()
  .transform((value, ctx) => {
    const prefix = normaliseCpvPrefix(value);
    if (!prefix) {
      ctx.addIssue({
        code: 'custom',
        message: 'must be a CPV prefix: 2 to 8 digits starting with a known division (e.g. 45, 4326 or 43260000-3)',
      });
      return z.NEVER;
    }
    return prefix;
  })
  .meta({ description: 'CPV prefix: a division (2 digits) down to a full code', example: '4326' });

export const subscriptionSchema = z
  .object({
    cpvPrefixes: z
      .array(cpvPrefixSchema)
      .min(1, 'must name at least one CPV prefix')
      .max(200, 'must name at most 200 CPV prefixes')
      .transform((l) => [...new Set(l)].sort()),
    countries: z
      .array(anyCountrySchema)
      .max(60, 'must name at most 60 countries')
      .default([])
      .transform((l) => [...new Set(l)].sort())
      .meta({ description: 'Buyers’ countries of interest; empty means every country' }),
  })
  .meta({ id: 'SupplierSubscription' });

export type Subscription = z.output<typeof subscriptionSchema>;

export const supplierRegistrationSchema = z
  .object({
    organisation: z.object({
      name: text('name', { min: 2 }),
      country: anyCountrySchema,
      sme: z
        .boolean({ error: 'must be true or false' })
        .meta({ description: 'Small or medium-sized enterprise (Commission Recommendation 2003/361/EC)' }),
    }),
    user: z.object({
      email: z.email({ message: 'must be an e-mail address' }).max(320),
      name: text('name', { min: 1 }),
      locale: localeSchema.default('en'),
    }),
    subscription: subscriptionSchema.optional(),
  })
  .meta({ id: 'SupplierRegistration' });

export type SupplierRegistration = z.output<typeof supplierRegistrationSchema>;

/** What a notice is about: the statement's CPV codes (8 digits) and its buyers' countries. */
export interface DemandSignal {
  cpvCodes: readonly string[];
  countries: readonly string[];
}

/** The one matching rule; the SQL in db/suppliers.ts does the same for thousands at once. */
export function subscriptionMatches(
  sub: { cpvPrefixes: readonly string[]; countries: readonly string[] },
  demand: DemandSignal,
): boolean {
  const cpv = sub.cpvPrefixes.some((p) => demand.cpvCodes.some((c) => c.startsWith(p)));
  const country = sub.countries.length === 0 || sub.countries.some((c) => demand.countries.includes(c));
  return cpv && country;
}

/**
 * What an open consultation is matched on: the statement's own CPV codes, every code a buyer's
 * line is coded at directly, and the buyers' countries (from the latest aggregate, when there is
 * one). The notices of consultations and the supplier's start page both use it.
 */
export function consultationDemand(
  statementCpvCodes: readonly string[],
  aggregate: Pick<Aggregate, 'byCpv' | 'buyers'> | undefined,
): DemandSignal {
  const direct = aggregate?.byCpv.filter((n) => n.direct.lines > 0).map((n) => n.cpvCode) ?? [];
  return {
    cpvCodes: [...new Set([...statementCpvCodes, ...direct])],
    countries: [...new Set(aggregate?.buyers.map((b) => b.country.trim()) ?? [])],
  };
}
