import type { CookieOptions, Request, RequestHandler } from 'express';

import { recordSecurityEvent } from '../db/audit.js';
import { type ApiTokenScope, type AuthenticatedUser, newSecret, userForApiToken } from '../db/credentials.js';
import { userForSession } from '../db/sessions.js';
import type { Principal } from '../domain/authorization.js';
import { DomainError } from '../domain/errors.js';
import { authSettings } from '../services/auth/settings.js';
import type { ServiceContext } from '../services/context.js';
import { countFailedAuth, sendRateLimited } from './rate-limit.js';

/** The session cookie's name on plain http (development, tests). */
export const SESSION_COOKIE = 'jd_session';
/** On https the `__Host-` prefix: Secure, path `/`, no Domain, so no subdomain can set or shadow it. */
export const SECURE_SESSION_COOKIE = '__Host-jd_session';
/** The browser's nonce: sign-in links are bound to the browser that asked for them. */
export const BROWSER_COOKIE = 'jd_browser';
export const SECURE_BROWSER_COOKIE = '__Host-jd_browser';

export const sessionCookieName = (secure: boolean) => (secure ? SECURE_SESSION_COOKIE : SESSION_COOKIE);
export const browserCookieName = (secure: boolean) => (secure ? SECURE_BROWSER_COOKIE : BROWSER_COOKIE);

/** HttpOnly, SameSite=Strict (no other site's request carries it), Secure and `__Host-` on https. */
export function strictCookieOptions(secure: boolean, expires?: Date): CookieOptions {
  return { httpOnly: true, sameSite: 'strict', secure, path: '/', ...(expires ? { expires } : {}) };
}

const cookies = (req: Request) => (req.cookies as Record<string, string> | undefined) ?? {};

export function sessionCookieOf(req: Request, secure: boolean): string | undefined {
  return cookies(req)[sessionCookieName(secure)];
}

/** The browser's nonce cookie, if it holds a well-formed one. */
export function browserNonceOf(req: Request, secure: boolean): string | undefined {
  const value = cookies(req)[browserCookieName(secure)];
  return value && /^[A-Za-z0-9_-]{43}$/.test(value) ? value : undefined;
}

/** The browser's nonce, made (and set as a cookie for a year) if it has none. */
export function ensureBrowserNonce(req: Request, res: import('express').Response, secure: boolean): string {
  const known = browserNonceOf(req, secure);
  if (known) return known;
  const nonce = newSecret();
  res.cookie(browserCookieName(secure), nonce, { ...strictCookieOptions(secure), maxAge: 365 * 86_400_000 });
  return nonce;
}

export function principalOf(auth: AuthenticatedUser, via: Principal['via']): Principal {
  return {
    userId: auth.user.id,
    orgId: auth.organisation.id,
    orgKind: auth.organisation.kind,
    isAdmin: auth.user.is_admin,
    roles: auth.user.roles,
    via,
  };
}

const safeMethods = new Set(['GET', 'HEAD', 'OPTIONS']);

/** The scope a request needs from an API token: `read` for safe methods, `write` for the rest. */
export const scopeFor = (method: string): ApiTokenScope => (safeMethods.has(method.toUpperCase()) ? 'read' : 'write');

/**
 * Resolves the caller from the session cookie or a bearer API token. A credential that is
 * present but wrong is a 401 (and logged), not silently anonymous: clients learn at once. Bad
 * bearer tokens count against the client's failed attempts: past the limit the answer is 429 and
 * nothing more is logged. A token acts within its scopes on every route: `read` for safe methods,
 * `write` for the others, and its owner's administrator rights only with `admin`. A session ends
 * after SESSION_IDLE_MINUTES unused and SESSION_TTL_HOURS in all; a disabled or removed user's
 * credentials all stop working.
 */
export function authenticate(ctx: ServiceContext, options: { secureCookies: boolean }): RequestHandler {
  return async (req, res, next) => {
    const header = req.get('authorization');
    const cookie = sessionCookieOf(req, options.secureCookies);
    if (header) {
      const match = /^Bearer\s+(\S{1,200})$/i.exec(header);
      const auth = match ? await userForApiToken(ctx.db, match[1]!) : undefined;
      if (!auth) {
        const counted = await countFailedAuth(ctx, req);
        if (!counted.withinLimit)
          return sendRateLimited(res, 'Too many failed authentication attempts; try again later', counted.msBeforeNext);
        await recordSecurityEvent(ctx.db, {
          kind: 'invalid_api_token',
          ip: req.ip,
          method: req.method,
          path: req.path,
        });
        throw new DomainError('unauthenticated', 'The bearer token is not valid, has expired or was revoked');
      }
      const needed = scopeFor(req.method);
      if (!auth.scopes.includes(needed)) {
        throw new DomainError('forbidden', `This API token lacks the "${needed}" scope this request needs`);
      }
      req.principal = {
        ...principalOf(auth, 'api_token'),
        isAdmin: auth.user.is_admin && auth.scopes.includes('admin'),
      };
    } else if (cookie) {
      const auth = await userForSession(ctx.db, cookie, authSettings(ctx).SESSION_IDLE_MINUTES);
      // An expired cookie on a public page should not break the page: treat it as signed out.
      if (auth) {
        req.principal = principalOf(auth, 'session');
        req.sessionPublicId = auth.sessionPublicId;
      }
    }
    next();
  };
}

declare module 'express-serve-static-core' {
  interface Request {
    /** The public id of the session the request came with (listing marks it as the current one). */
    sessionPublicId?: string;
  }
}
