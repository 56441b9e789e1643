import type { RequestHandler } from 'express';
import { recordSecurityEvent } from '../db/audit.js';
import { userForApiToken, userForSession, type AuthenticatedUser } from '../db/credentials.js';
import type { Db } from '../db/database.js';
import type { Principal } from '../domain/authorization.js';
import { DomainError } from '../domain/errors.js';

export const SESSION_COOKIE = 'jd_session';

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

/**
 * Resolves the caller from the session cookie or a bearer API token. A credential that is
 * present but wrong is a 401 (and logged), not silently anonymous: clients learn at once.
 */
export function authenticate(db: Db): RequestHandler {
  return async (req, _res, next) => {
    const header = req.get('authorization');
    const cookie = (req.cookies as Record<string, string> | undefined)?.[SESSION_COOKIE];
    if (header) {
      const match = /^Bearer\s+(\S+)$/i.exec(header);
      const auth = match ? await userForApiToken(db, match[1]!) : undefined;
      if (!auth) {
        await recordSecurityEvent(db, { kind: 'invalid_api_token', ip: req.ip, method: req.method, path: req.path });
        throw new DomainError('unauthenticated', 'The bearer token is not valid, has expired or was revoked');
      }
      req.principal = principalOf(auth, 'api_token');
    } else if (cookie) {
      const auth = await userForSession(db, cookie);
      // An expired cookie on a public page should not break the page: treat it as signed out.
      if (auth) req.principal = principalOf(auth, 'session');
    }
    next();
  };
}
