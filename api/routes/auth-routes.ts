import type { Response } from 'express';
import { z } from 'zod';
import { setUserLocale } from '../../db/organisations.js';
import { localeSchema } from '../../domain/organisations.js';
import { createApiToken, listOwnApiTokens, revokeOwnApiToken } from '../../services/auth/api-tokens.js';
import { requestSignIn } from '../../services/auth/request-sign-in.js';
import { signInWithLink } from '../../services/auth/sign-in-with-link.js';
import { signOut } from '../../services/auth/sign-out.js';
import type { ServiceContext } from '../../services/context.js';
import { getMe, meSchema } from '../../services/auth/get-me.js';
import { SESSION_COOKIE } from '../authentication.js';
import type { ApiRoutes } from '../route.js';
import { requestMeta } from './statement-routes.js';
import { mailSendingLimit } from '../rate-limit.js';

const tags = ['Identity'];

export function authRoutes(api: ApiRoutes, ctx: ServiceContext, options: { secureCookies: boolean; signInRateLimit: number }): void {
  const setSessionCookie = (res: Response, sessionId: string, expiresAt: Date) =>
    res.cookie(SESSION_COOKIE, sessionId, {
      httpOnly: true,
      sameSite: 'lax',
      secure: options.secureCookies,
      path: '/',
      expires: expiresAt,
    });

  // Sign-in links cost an e-mail each; limit how fast one address can ask for them.
  api.router.use('/api/auth/sign-in', mailSendingLimit(options.signInRateLimit, 'Too many sign-in requests; try again in a few minutes'));

  api.add({
    method: 'post',
    path: '/api/auth/sign-in',
    summary: 'E-mail a one-time sign-in link',
    description: 'Always answers 202, whether or not the address belongs to a user.',
    tags,
    access: 'public',
    body: z.object({ email: z.email({ message: 'must be an e-mail address' }).max(320) }),
    responses: { 202: { description: 'If the address is known, a link is on its way' } },
    handler: async ({ body, req }) => {
      await requestSignIn(ctx, body.email, requestMeta(req));
      return { status: 202 };
    },
  });

  api.add({
    method: 'post',
    path: '/api/auth/verify',
    summary: 'Exchange a sign-in token for a session cookie',
    description: 'Accepts JSON or a form post; a form post is redirected to the application.',
    tags,
    access: 'public',
    body: z.object({ token: z.string().min(20, 'must be the token from the sign-in link').max(200) }),
    responses: { 200: { description: 'Signed in; the session cookie is set', schema: meSchema } },
    handler: async ({ body, req, res }) => {
      const session = await signInWithLink(ctx, body.token, requestMeta(req));
      setSessionCookie(res, session.sessionId, session.expiresAt);
      if (req.is('application/x-www-form-urlencoded')) {
        res.redirect(303, '/');
        return;
      }
      return { status: 200, body: await getMe(ctx, session.userId) };
    },
  });

  api.add({
    method: 'post',
    path: '/api/auth/sign-out',
    summary: 'End the current session',
    tags,
    access: 'public',
    responses: { 204: { description: 'Signed out' } },
    handler: async ({ req, res }) => {
      await signOut(ctx, (req.cookies as Record<string, string> | undefined)?.[SESSION_COOKIE]);
      res.clearCookie(SESSION_COOKIE, { path: '/' });
      return { status: 204 };
    },
  });

  api.add({
    method: 'get',
    path: '/api/me',
    summary: 'Who is signed in, and for which organisation',
    tags,
    access: 'user',
    responses: { 200: { description: 'The current user', schema: meSchema } },
    handler: async ({ principal }) => ({ status: 200, body: await getMe(ctx, principal.userId) }),
  });

  api.add({
    method: 'put',
    path: '/api/me/locale',
    summary: 'Choose the language of the interface and of e-mails',
    tags,
    access: 'user',
    body: z.object({ locale: localeSchema }),
    responses: { 200: { description: 'The current user', schema: meSchema } },
    handler: async ({ principal, body }) => {
      await setUserLocale(ctx.db, principal.userId, body.locale);
      return { status: 200, body: await getMe(ctx, principal.userId) };
    },
  });

  const tokenSchema = z.object({
    id: z.uuid(),
    name: z.string(),
    createdAt: z.string(),
    expiresAt: z.string().nullable(),
    lastUsedAt: z.string().nullable(),
    revokedAt: z.string().nullable(),
  });

  api.add({
    method: 'post',
    path: '/api/tokens',
    summary: 'Create a bearer API token for machine clients (shown once)',
    tags,
    access: 'user',
    body: z.object({
      name: z.string().trim().min(1, 'must not be empty').max(100),
      expiresInDays: z.int().min(1).max(366).optional(),
    }),
    responses: {
      201: {
        description: 'The token; store it now, it cannot be shown again',
        schema: z.object({ id: z.uuid(), name: z.string(), token: z.string(), createdAt: z.string(), expiresAt: z.string().nullable() }),
      },
    },
    handler: async ({ principal, body }) => ({ status: 201, body: await createApiToken(ctx, principal, body) }),
  });

  api.add({
    method: 'get',
    path: '/api/tokens',
    summary: 'List the caller’s API tokens',
    tags,
    access: 'user',
    responses: { 200: { description: 'Tokens (without their secrets)', schema: z.array(tokenSchema) } },
    handler: async ({ principal }) => ({ status: 200, body: await listOwnApiTokens(ctx, principal) }),
  });

  api.add({
    method: 'delete',
    path: '/api/tokens/:tokenId',
    summary: 'Revoke one of the caller’s API tokens',
    tags,
    access: 'user',
    params: z.object({ tokenId: z.uuid() }),
    responses: { 204: { description: 'Revoked' } },
    handler: async ({ principal, params }) => {
      await revokeOwnApiToken(ctx, principal, params.tokenId);
      return { status: 204 };
    },
  });
}
