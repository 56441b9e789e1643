import { z } from 'zod';

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
}): OrganisationView {
  return { id: o.id, kind: o.kind, name: o.name, country: o.country.trim(), buyerLegalType: o.buyer_legal_type, nuts: o.nuts, sme: o.sme };
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
