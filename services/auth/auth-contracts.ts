import { z } from 'zod';

import { localeSchema } from '../../domain/organisations.js';
import { defaultApiTokenScopes, maxApiTokenNameLength } from '../../rules/api-tokens.js';
import { text } from '../../rules/text-policy.js';
import { organisationViewSchema, userViewSchema } from '../organisations/organisation-contracts.js';
import { apiTokenScopes, MAX_API_TOKEN_DAYS } from './api-tokens.js';

/** Shapes of sign-in, sessions and API tokens: the services build the answers, the API documents and validates with these same schemas. */
export const sessionViewSchema = z
  .object({
    id: z.uuid(),
    createdAt: z.string(),
    lastSeenAt: z.string(),
    expiresAt: z.string().meta({ description: 'The absolute end; an unused session ends sooner (idle timeout)' }),
    ip: z.string().nullable(),
    userAgent: z.string().nullable(),
    current: z.boolean().meta({ description: 'The session this request came with' }),
  })
  .meta({ id: 'SessionView' });

export const apiTokenViewSchema = z
  .object({
    id: z.uuid(),
    name: z.string(),
    scopes: z.array(z.string()),
    createdAt: z.string(),
    expiresAt: z.string().nullable(),
    lastUsedAt: z.string().nullable(),
    revokedAt: z.string().nullable(),
  })
  .meta({ id: 'ApiTokenView' });

/** A form's `confirm=1` or JSON's `confirm: true`. */
const confirmSchema = z
  .union([z.boolean(), z.enum(['1', 'true', 'yes'])])
  .optional()
  .transform((v) => v === true || v === '1' || v === 'true' || v === 'yes');

// Request bodies and answers of the identity routes.
export const requestSignInRequestSchema = z.object({
  email: z.email({ message: 'must be an e-mail address' }).max(320),
});

export const signInWithLinkRequestSchema = z.object({
  token: text('line', { min: 20, max: 200, minRule: 'must be the token from the sign-in link' }),
  confirm: confirmSchema,
});

export const setLocaleRequestSchema = z.object({ locale: localeSchema });

export const signOutEverywhereRequestSchema = z.object({ revokeTokens: z.boolean().default(false) });

export const createApiTokenRequestSchema = z.object({
  name: text('name', { min: 1, max: maxApiTokenNameLength }),
  expiresInDays: z
    .int({ error: 'is required: a whole number of days' })
    .min(1, 'must be at least 1')
    .max(MAX_API_TOKEN_DAYS, `must be at most ${MAX_API_TOKEN_DAYS}`),
  scopes: z
    .array(z.enum(apiTokenScopes))
    .min(1, 'must name at least one scope')
    .default([...defaultApiTokenScopes]),
});

export const signInConfirmationSchema = z
  .object({ confirmationRequired: z.literal(true), email: z.string() })
  .meta({ id: 'SignInConfirmation' });

export const createdApiTokenSchema = z.object({
  id: z.uuid(),
  name: z.string(),
  token: z.string(),
  scopes: z.array(z.string()),
  createdAt: z.string(),
  expiresAt: z.string(),
});

export const signedOutEverywhereSchema = z
  .object({ sessionsEnded: z.int(), tokensRevoked: z.int() })
  .meta({ id: 'SignedOutEverywhere' });

/** The signed-in user and their organisation (`GET /api/me`, and the answer to signing in). */
export const meSchema = z.object({ user: userViewSchema, organisation: organisationViewSchema }).meta({ id: 'Me' });
export type MeView = z.infer<typeof meSchema>;
