import { z } from 'zod';

import { locales } from '../rules/locales.js';

export { eeaNonEuStates, euMemberStates, participatingCountries } from '../rules/countries.js';
import { participatingCountries } from '../rules/countries.js';

export const countrySchema = z
  .string()
  .trim()
  .toUpperCase()
  .refine((c) => (participatingCountries as readonly string[]).includes(c), {
    message: 'must be the ISO 3166-1 alpha-2 code of an EU or EEA country',
  })
  .meta({ description: 'ISO 3166-1 alpha-2 code of an EU/EEA country', example: 'FI' });

/** Any ISO 3166-1 alpha-2 shape; suppliers may come from anywhere. */
export const anyCountrySchema = z
  .string()
  .trim()
  .toUpperCase()
  .regex(/^[A-Z]{2}$/, 'must be an ISO 3166-1 alpha-2 country code');

/**
 * eForms buyer-legal-type codelist (SDK 1.15.1, codelist version 20250618-0), with its English
 * labels; `grp-p-aut`, no longer in that list, stays for organisations registered with it. Each
 * code's threshold column and its source: domain/thresholds.ts authorityClassifications.
 */
export const buyerLegalTypes = {
  cga: 'Central government authority',
  ra: 'Regional authority',
  la: 'Local authority',
  'body-pl': 'Body governed by public law',
  'body-pl-cga': 'Body governed by public law, controlled by a central government authority',
  'body-pl-ra': 'Body governed by public law, controlled by a regional authority',
  'body-pl-la': 'Body governed by public law, controlled by a local authority',
  'pub-undert': 'Public undertaking',
  'pub-undert-cga': 'Public undertaking, controlled by a central government authority',
  'pub-undert-ra': 'Public undertaking, controlled by a regional authority',
  'pub-undert-la': 'Public undertaking, controlled by a local authority',
  'grp-p-aut': 'Group of public authorities',
  'def-cont': 'Defence contractor',
  'eu-ins-bod-ag': 'EU institution, body or agency',
  'int-org': 'International organisation',
  'org-sub': 'Organisation awarding a contract subsidised by a contracting authority',
  'org-sub-cga': 'Organisation awarding a contract subsidised by a central government authority',
  'org-sub-ra': 'Organisation awarding a contract subsidised by a regional authority',
  'org-sub-la': 'Organisation awarding a contract subsidised by a local authority',
  'spec-rights-entity': 'Entity with special or exclusive rights',
} as const;

export type BuyerLegalType = keyof typeof buyerLegalTypes;

export const buyerLegalTypeSchema = z
  .string()
  .refine((v): v is BuyerLegalType => v in buyerLegalTypes, {
    message: `must be an eForms buyer-legal-type code (${Object.keys(buyerLegalTypes).join(', ')})`,
  })
  .meta({ description: 'eForms buyer-legal-type code', example: 'la' });

export const organisationKinds = ['buyer', 'supplier', 'commission', 'operator'] as const;
export type OrganisationKind = (typeof organisationKinds)[number];

/** The languages are shared with the web: rules/locales.ts. */
export { type Locale, locales } from '../rules/locales.js';
export const localeSchema = z.enum(locales).meta({ description: 'Language of messages to this user' });
