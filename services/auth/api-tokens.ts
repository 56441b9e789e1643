import {
  type ApiTokenScope,
  apiTokenScopes,
  insertApiToken,
  listApiTokens,
  newSecret,
  revokeApiToken,
} from '../../db/credentials.js';
import type { Principal } from '../../domain/authorization.js';
import { DomainError, unprocessable } from '../../domain/errors.js';
import { maxApiTokenDays } from '../../rules/api-tokens.js';
import type { ServiceContext } from '../context.js';
import { iso } from '../iso.js';

/** The longest an API token may live (rules/api-tokens.ts, shared with the web). */
export const MAX_API_TOKEN_DAYS = maxApiTokenDays;
export { type ApiTokenScope, apiTokenScopes };

function requireSession(principal: Principal): void {
  // A leaked token must not be able to mint more tokens.
  if (principal.via !== 'session')
    throw new DomainError('forbidden', 'API tokens are managed from a signed-in session');
}

/**
 * A bearer token, shown once (only its SHA-256 is stored), that always expires (at most 365 days)
 * and carries scopes: `read` (safe methods), `write` (every other method), `admin` (the owner's
 * administrator rights; only an administrator may ask for it).
 */
export async function createApiToken(
  ctx: ServiceContext,
  principal: Principal,
  input: { name: string; expiresInDays: number; scopes: readonly ApiTokenScope[] },
) {
  requireSession(principal);
  if (input.scopes.includes('admin') && !principal.isAdmin)
    throw unprocessable([{ field: 'scopes', rule: 'admin is for administrators only' }]);
  const scopes = apiTokenScopes.filter((s) => input.scopes.includes(s));
  const secret = newSecret('jd_');
  const expiresAt = new Date(Date.now() + input.expiresInDays * 86_400_000);
  const row = await insertApiToken(ctx.db, { userId: principal.userId, name: input.name, secret, expiresAt, scopes });
  return {
    id: row.id,
    name: input.name,
    token: secret,
    scopes,
    createdAt: iso(row.created_at)!,
    expiresAt: iso(expiresAt)!,
  };
}

export async function listOwnApiTokens(ctx: ServiceContext, principal: Principal) {
  const rows = await listApiTokens(ctx.db, principal.userId);
  return rows.map((r) => ({
    id: r.id,
    name: r.name,
    scopes: r.scopes,
    createdAt: iso(r.created_at)!,
    expiresAt: iso(r.expires_at),
    lastUsedAt: iso(r.last_used_at),
    revokedAt: iso(r.revoked_at),
  }));
}

export async function revokeOwnApiToken(ctx: ServiceContext, principal: Principal, tokenId: string): Promise<void> {
  requireSession(principal);
  if (!(await revokeApiToken(ctx.db, principal.userId, tokenId)))
    throw new DomainError('not_found', 'No active token with this id');
}
