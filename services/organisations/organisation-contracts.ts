import { z } from 'zod';

import { buyerLegalTypeSchema, countrySchema, localeSchema } from '../../domain/organisations.js';
import { text } from '../../rules/text-policy.js';

/**
 * A buyer that is a central purchasing body, the eForms way (no buyer-legal-type code says it):
 * OPP-051 Awarding CPB Buyer Indicator and OPP-052 Acquiring CPB Buyer Indicator (Directive
 * 2014/24/EU Art. 2(1)(14)-(16), Art. 37).
 */
const centralPurchasingBodySchema = z
  .object({
    awarding: z.boolean().meta({
      description:
        'eForms OPP-051: awards contracts or concludes framework agreements intended for contracting authorities (Art. 2(1)(14)(b))',
    }),
    acquiring: z.boolean().meta({
      description:
        'eForms OPP-052: acquires supplies and services intended for contracting authorities (Art. 2(1)(14)(a))',
    }),
  })
  .meta({ id: 'CentralPurchasingBodyIndicators' });

/** Response shapes of organisations and users (registration, the signed-in user): the services build them, the API documents them. */
export const organisationViewSchema = z
  .object({
    id: z.uuid(),
    kind: z.enum(['buyer', 'supplier', 'commission', 'operator']),
    name: z.string(),
    country: z.string(),
    buyerLegalType: z.string().nullable(),
    nuts: z.string().nullable(),
    sme: z.boolean().nullable(),
    centralPurchasingBody: centralPurchasingBodySchema,
  })
  .meta({ id: 'Organisation' });
export type OrganisationView = z.infer<typeof organisationViewSchema>;

export function toOrganisationView(o: {
  id: string;
  kind: OrganisationView['kind'];
  name: string;
  country: string;
  buyer_legal_type: string | null;
  nuts: string | null;
  sme: boolean | null;
  awarding_cpb?: boolean;
  acquiring_cpb?: boolean;
}): OrganisationView {
  return {
    id: o.id,
    kind: o.kind,
    name: o.name,
    country: o.country.trim(),
    buyerLegalType: o.buyer_legal_type,
    nuts: o.nuts,
    sme: o.sme,
    centralPurchasingBody: { awarding: o.awarding_cpb ?? false, acquiring: o.acquiring_cpb ?? false },
  };
}

export const userViewSchema = z
  .object({
    id: z.uuid(),
    email: z.string(),
    name: z.string(),
    organisationId: z.uuid(),
    locale: z.string(),
    roles: z.array(z.string()),
    isAdmin: z.boolean(),
  })
  .meta({ id: 'User' });

// Request bodies of the organisation routes.
export const registerOrganisationRequestSchema = z
  .object({
    kind: z.enum(['buyer', 'supplier', 'commission']),
    name: text('name', { min: 2, max: 300 }),
    country: z
      .string()
      .trim()
      .toUpperCase()
      .regex(/^[A-Z]{2}$/, 'must be an ISO 3166-1 alpha-2 country code'),
    buyerLegalType: buyerLegalTypeSchema.optional(),
    nuts: z
      .string()
      .trim()
      .regex(/^[A-Z]{2}[A-Z0-9]{0,3}$/, 'must be a NUTS code')
      .optional(),
    sme: z.boolean().optional(),
    centralPurchasingBody: centralPurchasingBodySchema.optional(),
  })
  .superRefine((o, c) => {
    if (o.kind === 'buyer' && !countrySchema.safeParse(o.country).success) {
      c.addIssue({ code: 'custom', path: ['country'], message: 'must be an EU or EEA country for a buyer' });
    }
    // A central purchasing body is a contracting authority (Art. 2(1)(16)): a buyer.
    if (o.kind !== 'buyer' && (o.centralPurchasingBody?.awarding || o.centralPurchasingBody?.acquiring)) {
      c.addIssue({
        code: 'custom',
        path: ['centralPurchasingBody'],
        message: 'only a buyer can be a central purchasing body (Directive 2014/24/EU Art. 2(1)(16))',
      });
    }
  });

export const addUserRequestSchema = z.object({
  email: z.email({ message: 'must be an e-mail address' }).max(320),
  name: text('name', { min: 1, max: 200 }),
  locale: localeSchema.default('en'),
  roles: z.array(z.enum(['signatory'])).default([]),
  isAdmin: z.boolean().optional(),
});
