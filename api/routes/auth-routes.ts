import type { Response } from 'express';
import { z } from 'zod';

import { setUserLocale } from '../../db/organisations.js';
import { DomainError } from '../../domain/errors.js';
import {
  createApiToken,
  listOwnApiTokens,
  MAX_API_TOKEN_DAYS,
  revokeOwnApiToken,
} from '../../services/auth/api-tokens.js';
import {
  apiTokenViewSchema,
  createApiTokenRequestSchema,
  createdApiTokenSchema,
  meSchema,
  requestSignInRequestSchema,
  sessionViewSchema,
  setLocaleRequestSchema,
  signedOutEverywhereSchema,
  signInConfirmationSchema,
  signInWithLinkRequestSchema,
  signOutEverywhereRequestSchema,
} from '../../services/auth/auth-contracts.js';
import { getMe } from '../../services/auth/get-me.js';
import { endOwnSession, listOwnSessions, signOutEverywhere } from '../../services/auth/own-sessions.js';
import { requestSignIn } from '../../services/auth/request-sign-in.js';
import { signInWithLink } from '../../services/auth/sign-in-with-link.js';
import { signOut } from '../../services/auth/sign-out.js';
import type { ServiceContext } from '../../services/context.js';
import { ensureBrowserNonce, sessionCookieName, sessionCookieOf, strictCookieOptions } from '../authentication.js';
import { pageLocale } from '../html-page.js';
import { authLimits, countFailedAuth, failedAuthBlocked, mailSendingLimit, sendRateLimited } from '../rate-limit.js';
import type { ApiRoutes } from '../route.js';
import { confirmationPage } from './sign-in-page.js';
import { requestMeta } from './statement-routes.js';

const tags = ['Identity'];

export function authRoutes(
  api: ApiRoutes,
  ctx: ServiceContext,
  options: { secureCookies: boolean; signInRateLimit?: number },
): void {
  const secure = options.secureCookies;
  // Made now, so every later use (bearer checks included) shares the same limits.
  authLimits(ctx, { mailPerIp: options.signInRateLimit });
  const setSessionCookie = (res: Response, sessionId: string, expiresAt: Date) =>
    res.cookie(sessionCookieName(secure), sessionId, strictCookieOptions(secure, expiresAt));
  const clearSessionCookie = (res: Response) => res.clearCookie(sessionCookieName(secure), strictCookieOptions(secure));

  // Sign-in links cost an e-mail each: limited per client address and per e-mail address.
  api.router.post(
    '/api/auth/sign-in',
    mailSendingLimit(
      ctx,
      'sign-in',
      'Too many sign-in requests; try again in a few minutes',
      (body) => (body as { email?: unknown } | undefined)?.email,
      { mailPerIp: options.signInRateLimit },
    ),
  );

  api.add({
    method: 'post',
    path: '/api/auth/sign-in',
    summary: 'E-mail a one-time sign-in link',
    description:
      'Always answers 202 at once, whether or not the address belongs to a user: the link is made and sent afterwards. ' +
      'The link lives 10 minutes, replaces any older link to the address, and is bound to this browser (the `jd_browser` cookie set here); ' +
      'opened in another browser it asks to confirm there.',
    tags,
    access: 'public',
    body: requestSignInRequestSchema,
    responses: { 202: { description: 'If the address is known, a link is on its way' } },
    handler: async ({ body, req, res }) => {
      requestSignIn(ctx, body.email, ensureBrowserNonce(req, res, secure), requestMeta(req));
      return { status: 202 };
    },
  });

  api.add({
    method: 'post',
    path: '/api/auth/verify',
    summary: 'Exchange a sign-in token for a session cookie',
    description:
      'In the browser that asked for the link, signs in. In another browser, nothing is spent: the answer is 202 with the account to confirm, ' +
      'and the same request with `confirm: true` from this browser signs in. Accepts JSON or the sign-in page’s form post (redirected to the application, ' +
      'or shown the confirmation page). Failed attempts are limited per client address (429).',
    tags,
    access: 'public',
    body: signInWithLinkRequestSchema,
    responses: {
      200: { description: 'Signed in; the session cookie is set', schema: meSchema },
      202: {
        description:
          'The link was asked for in another browser: confirm, from this browser, signing in as this account',
        schema: signInConfirmationSchema,
      },
      429: { description: 'Too many failed attempts from this client address' },
    },
    handler: async ({ body, req, res }) => {
      const blocked = await failedAuthBlocked(ctx, req);
      if (blocked.blocked)
        return sendRateLimited(res, 'Too many failed sign-in attempts; try again later', blocked.msBeforeNext);
      const form = Boolean(req.is('application/x-www-form-urlencoded'));
      let outcome;
      try {
        outcome = await signInWithLink(
          ctx,
          {
            token: body.token,
            browserNonce: ensureBrowserNonce(req, res, secure),
            confirm: body.confirm,
            userAgent: req.get('user-agent'),
          },
          requestMeta(req),
        );
      } catch (error) {
        if (error instanceof DomainError && error.code === 'unauthenticated') {
          const counted = await countFailedAuth(ctx, req);
          if (!counted.withinLimit)
            return sendRateLimited(res, 'Too many failed sign-in attempts; try again later', counted.msBeforeNext);
        }
        throw error;
      }
      if (outcome.kind === 'confirm') {
        if (form) {
          res
            .status(200)
            .type('html')
            .send(confirmationPage(pageLocale(req), body.token, outcome.email));
          return;
        }
        return { status: 202, body: { confirmationRequired: true as const, email: outcome.email } };
      }
      setSessionCookie(res, outcome.sessionId, outcome.expiresAt);
      if (form) {
        res.redirect(303, '/');
        return;
      }
      return { status: 200, body: await getMe(ctx, outcome.userId) };
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
      await signOut(ctx, sessionCookieOf(req, secure));
      clearSessionCookie(res);
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
    body: setLocaleRequestSchema,
    responses: { 200: { description: 'The current user', schema: meSchema } },
    handler: async ({ principal, body }) => {
      await setUserLocale(ctx.db, principal.userId, body.locale);
      return { status: 200, body: await getMe(ctx, principal.userId) };
    },
  });

  api.add({
    method: 'get',
    path: '/api/me/sessions',
    summary: 'The caller’s live sessions (signed-in browsers)',
    description: 'From a signed-in session only (403 with an API token).',
    tags,
    access: 'user',
    responses: {
      200: { description: 'Live sessions, the most recently used first', schema: z.array(sessionViewSchema) },
    },
    handler: async ({ principal, req }) => ({
      status: 200,
      body: await listOwnSessions(ctx, principal, req.sessionPublicId),
    }),
  });

  api.add({
    method: 'delete',
    path: '/api/me/sessions/:sessionId',
    summary: 'End one of the caller’s sessions',
    tags,
    access: 'user',
    params: z.object({ sessionId: z.uuid() }),
    responses: { 204: { description: 'Ended' } },
    handler: async ({ principal, params, req, res }) => {
      await endOwnSession(ctx, principal, params.sessionId);
      if (params.sessionId === req.sessionPublicId) clearSessionCookie(res);
      return { status: 204 };
    },
  });

  api.add({
    method: 'post',
    path: '/api/me/sessions/sign-out-everywhere',
    summary: 'End every session of the caller (this one too), and optionally revoke every API token',
    tags,
    access: 'user',
    body: signOutEverywhereRequestSchema,
    responses: {
      200: { description: 'Signed out everywhere', schema: signedOutEverywhereSchema },
    },
    handler: async ({ principal, body, req, res }) => {
      const result = await signOutEverywhere(ctx, principal, { includeTokens: body.revokeTokens }, requestMeta(req));
      clearSessionCookie(res);
      return { status: 200, body: result };
    },
  });

  api.add({
    method: 'post',
    path: '/api/tokens',
    summary: 'Create a bearer API token for machine clients (shown once)',
    description: `Every token expires (1 to ${MAX_API_TOKEN_DAYS} days) and carries scopes: \`read\` (GET), \`write\` (every other method), \`admin\` (the owner's administrator rights; administrators only). Only its SHA-256 is stored.`,
    tags,
    access: 'user',
    body: createApiTokenRequestSchema,
    responses: {
      201: {
        description: 'The token; store it now, it cannot be shown again',
        schema: createdApiTokenSchema,
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
    responses: { 200: { description: 'Tokens (without their secrets)', schema: z.array(apiTokenViewSchema) } },
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
