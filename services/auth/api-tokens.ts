import { insertApiToken, listApiTokens, newSecret, revokeApiToken } from '../../db/credentials.js';
import type { Principal } from '../../domain/authorization.js';
import { DomainError } from '../../domain/errors.js';
import type { ServiceContext } from '../context.js';
import { iso } from '../views.js';

function requireSession(principal: Principal): void {
  // A leaked token must not be able to mint more tokens.
  if (principal.via !== 'session') throw new DomainError('forbidden', 'API tokens are managed from a signed-in session');
}

export async function createApiToken(ctx: ServiceContext, principal: Principal, input: { name: string; expiresInDays?: number | undefined }) {
  requireSession(principal);
  const secret = newSecret('jd_');
  const expiresAt = input.expiresInDays ? new Date(Date.now() + input.expiresInDays * 86_400_000) : null;
  const row = await insertApiToken(ctx.db, { userId: principal.userId, name: input.name, secret, expiresAt });
  return { id: row.id, name: input.name, token: secret, createdAt: iso(row.created_at)!, expiresAt: iso(expiresAt) };
}

export async function listOwnApiTokens(ctx: ServiceContext, principal: Principal) {
  const rows = await listApiTokens(ctx.db, principal.userId);
  return rows.map((r) => ({
    id: r.id,
    name: r.name,
    createdAt: iso(r.created_at)!,
    expiresAt: iso(r.expires_at),
    lastUsedAt: iso(r.last_used_at),
    revokedAt: iso(r.revoked_at),
  }));
}

export async function revokeOwnApiToken(ctx: ServiceContext, principal: Principal, tokenId: string): Promise<void> {
  requireSession(principal);
  if (!(await revokeApiToken(ctx.db, principal.userId, tokenId))) throw new DomainError('not_found', 'No active token with this id');
}
