import type { Request, RequestHandler, Response } from 'express';

import { hostPolicy, isAllowedHost, isLoopbackHostname, sendHttpProblem } from './host-allow-list.js';
import { problem, sendProblem } from './problem.js';

/**
 * Cross-site request forgery, in layers (OWASP CSRF Prevention Cheat Sheet):
 *
 * 1. `jsonOnlyBodies`: the API takes JSON bodies only. A page on another site can make a browser
 *    send a form (`application/x-www-form-urlencoded`, `multipart/form-data`) or `text/plain`
 *    without asking, but JSON needs a CORS preflight that this server never grants. Anything else
 *    is 415, except the two endpoints that must take forms: the sign-in page's button
 *    (`/api/auth/verify`) and one-click unsubscribe (RFC 8058, `/api/unsubscribe`).
 * 2. `sameOriginUnsafeRequests`: every unsafe method (POST, PUT, PATCH, DELETE) from a browser
 *    must come from our own origin, read from `Sec-Fetch-Site` (every current browser sends it)
 *    or, failing that, `Origin`. Another origin, `same-site` siblings included, or `Origin: null`
 *    is 403. Requests with neither header are not from a browser (curl, scripts) and pass; so do
 *    requests with an `Authorization` header (API tokens), which no other site can make a browser
 *    send. This also closes login CSRF: a forged post of the attacker's own sign-in token is
 *    refused before it can set a session cookie.
 * 3. The session cookie's `SameSite` attribute (set where the session is created).
 */

const SAFE_METHODS = new Set(['GET', 'HEAD', 'OPTIONS']);

const mediaType = (req: Request): string | undefined =>
  req.headers['content-type']?.split(';')[0]?.trim().toLowerCase() || undefined;

const isJson = (type: string) =>
  type === 'application/json' || (type.startsWith('application/') && type.endsWith('+json'));

const hasBody = (req: Request) =>
  req.headers['transfer-encoding'] !== undefined || Number(req.headers['content-length'] ?? 0) > 0;

/**
 * The upload endpoints, with the file types each accepts besides JSON. A spreadsheet's media type
 * is not one a form can send, so another site's page cannot send it without a CORS preflight,
 * which this server never grants: the same protection JSON has.
 */
export const UPLOAD_ENDPOINTS: readonly { method: string; path: RegExp; types: readonly string[] }[] = [
  {
    method: 'POST',
    path: /^\/api\/statements\/[^/]+\/needs\/draft\/sheet$/,
    types: ['application/vnd.openxmlformats-officedocument.spreadsheetml.sheet'],
  },
];

/** The form-taking endpoints, with the media types each accepts besides JSON. */
export const FORM_ENDPOINTS: Readonly<Record<string, readonly string[]>> = {
  'POST /api/auth/verify': ['application/x-www-form-urlencoded'],
  'POST /api/unsubscribe': ['application/x-www-form-urlencoded', 'multipart/form-data'],
};

export function jsonOnlyBodies(
  options: { prefix?: string; forms?: Readonly<Record<string, readonly string[]>> } = {},
): RequestHandler {
  const prefix = options.prefix ?? '/api/';
  const forms = options.forms ?? FORM_ENDPOINTS;
  return (req, res, next) => {
    if (SAFE_METHODS.has(req.method) || !req.path.startsWith(prefix)) return next();
    const type = mediaType(req);
    // No type and no body: an action without input (accept, open, cancel); the origin check covers it.
    if (!type && !hasBody(req)) return next();
    if (type && (isJson(type) || forms[`${req.method} ${req.path}`]?.includes(type))) return next();
    if (
      type &&
      UPLOAD_ENDPOINTS.some((u) => u.method === req.method && u.path.test(req.path) && u.types.includes(type))
    )
      return next();
    sendHttpProblem(
      res,
      415,
      'unsupported_media_type',
      'Unsupported media type',
      'Send the request body as application/json',
    );
  };
}

export interface OriginPolicyOptions {
  publicUrl: string;
  nodeEnv: string;
  /** Paths whose credential is in the request itself, not ambient (one-click unsubscribe links). */
  exempt?: readonly string[];
}

/** Whether an `Origin` value is this application (or, outside production, a loopback origin such as the vite dev server). */
export function isOwnOrigin(origin: string, options: Pick<OriginPolicyOptions, 'publicUrl' | 'nodeEnv'>): boolean {
  if (origin === 'null') return false;
  let url: URL;
  try {
    url = new URL(origin);
  } catch {
    return false;
  }
  const own = new URL(options.publicUrl);
  if (url.origin === own.origin) return true;
  const policy = hostPolicy(options.publicUrl, options.nodeEnv);
  if (policy.loopback && isLoopbackHostname(url.hostname) && (url.protocol === 'http:' || url.protocol === 'https:'))
    return true;
  return url.protocol === own.protocol && isAllowedHost(policy, url.host);
}

export function sameOriginUnsafeRequests(options: OriginPolicyOptions): RequestHandler {
  const exempt = new Set(options.exempt ?? ['/api/unsubscribe']);
  const refuse = (res: Response) =>
    sendProblem(
      res,
      problem(
        'forbidden',
        'A request from another site cannot change anything here; use the application, or an API token',
      ),
    );
  return (req, res, next) => {
    if (SAFE_METHODS.has(req.method) || exempt.has(req.path)) return next();
    // A bearer token is sent deliberately by its holder; no page on another site can add it.
    if (req.headers.authorization !== undefined) return next();
    const site = req.get('sec-fetch-site')?.toLowerCase();
    if (site !== undefined) {
      // `none`: the user's own action (typed address, bookmark), never another page's.
      if (site === 'same-origin' || site === 'none') return next();
      return refuse(res);
    }
    const origin = req.get('origin');
    if (origin !== undefined) {
      if (isOwnOrigin(origin, options)) return next();
      return refuse(res);
    }
    // Neither header: not a browser (or one too old to send them: SameSite still applies).
    next();
  };
}
