import { createHash, randomBytes } from 'node:crypto';
import { sql } from 'kysely';
import type { DbOrTx } from './database.js';
import type { Organisation, User } from './schema.js';

/** 256 bits from the CSPRNG; only the SHA-256 of a secret is ever stored. */
export function newSecret(prefix = ''): string {
  return prefix + randomBytes(32).toString('base64url');
}

export function secretHash(secret: string): string {
  return createHash('sha256').update(secret).digest('hex');
}

export async function insertSignInToken(db: DbOrTx, userId: string, token: string, expiresAt: Date): Promise<void> {
  await db.insertInto('sign_in_tokens').values({ token_hash: secretHash(token), user_id: userId, expires_at: expiresAt }).execute();
}

/** Single use: the update only succeeds for an unused, unexpired token, atomically. */
export async function consumeSignInToken(db: DbOrTx, token: string): Promise<string | undefined> {
  const row = await db
    .updateTable('sign_in_tokens')
    .set({ used_at: sql<Date>`now()` })
    .where('token_hash', '=', secretHash(token))
    .where('used_at', 'is', null)
    .where('expires_at', '>', sql<Date>`now()`)
    .returning('user_id')
    .executeTakeFirst();
  return row?.user_id;
}

export async function insertSession(db: DbOrTx, userId: string, sessionId: string, expiresAt: Date): Promise<void> {
  await db.insertInto('sessions').values({ id_hash: secretHash(sessionId), user_id: userId, expires_at: expiresAt }).execute();
}

export async function revokeSession(db: DbOrTx, sessionId: string): Promise<void> {
  await db
    .updateTable('sessions')
    .set({ revoked_at: sql<Date>`now()` })
    .where('id_hash', '=', secretHash(sessionId))
    .where('revoked_at', 'is', null)
    .execute();
}

export interface AuthenticatedUser {
  user: User;
  organisation: Organisation;
}

async function userWithOrganisation(db: DbOrTx, userId: string): Promise<AuthenticatedUser | undefined> {
  const row = await db
    .selectFrom('users')
    .innerJoin('organisations', 'organisations.id', 'users.organisation_id')
    .selectAll('users')
    .select([
      'organisations.kind as org_kind',
      'organisations.name as org_name',
      'organisations.country as org_country',
      'organisations.buyer_legal_type as org_buyer_legal_type',
      'organisations.nuts as org_nuts',
      'organisations.sme as org_sme',
      'organisations.created_at as org_created_at',
    ])
    .where('users.id', '=', userId)
    .executeTakeFirst();
  if (!row) return undefined;
  const { org_kind, org_name, org_country, org_buyer_legal_type, org_nuts, org_sme, org_created_at, ...user } = row;
  return {
    user,
    organisation: {
      id: user.organisation_id,
      kind: org_kind,
      name: org_name,
      country: org_country,
      buyer_legal_type: org_buyer_legal_type,
      nuts: org_nuts,
      sme: org_sme,
      created_at: org_created_at,
    },
  };
}

export async function userForSession(db: DbOrTx, sessionId: string): Promise<AuthenticatedUser | undefined> {
  const session = await db
    .selectFrom('sessions')
    .select('user_id')
    .where('id_hash', '=', secretHash(sessionId))
    .where('revoked_at', 'is', null)
    .where('expires_at', '>', sql<Date>`now()`)
    .executeTakeFirst();
  return session ? userWithOrganisation(db, session.user_id) : undefined;
}

export async function insertApiToken(
  db: DbOrTx,
  token: { userId: string; name: string; secret: string; expiresAt: Date | null },
): Promise<{ id: string; created_at: Date }> {
  return db
    .insertInto('api_tokens')
    .values({ user_id: token.userId, name: token.name, token_hash: secretHash(token.secret), expires_at: token.expiresAt })
    .returning(['id', 'created_at'])
    .executeTakeFirstOrThrow();
}

export async function userForApiToken(db: DbOrTx, secret: string): Promise<AuthenticatedUser | undefined> {
  const token = await db
    .updateTable('api_tokens')
    .set({ last_used_at: sql<Date>`now()` })
    .where('token_hash', '=', secretHash(secret))
    .where('revoked_at', 'is', null)
    .where((eb) => eb.or([eb('expires_at', 'is', null), eb('expires_at', '>', sql<Date>`now()`)]))
    .returning('user_id')
    .executeTakeFirst();
  return token ? userWithOrganisation(db, token.user_id) : undefined;
}

export async function listApiTokens(db: DbOrTx, userId: string) {
  return db
    .selectFrom('api_tokens')
    .select(['id', 'name', 'created_at', 'expires_at', 'last_used_at', 'revoked_at'])
    .where('user_id', '=', userId)
    .orderBy('created_at', 'desc')
    .execute();
}

export async function revokeApiToken(db: DbOrTx, userId: string, tokenId: string): Promise<boolean> {
  const result = await db
    .updateTable('api_tokens')
    .set({ revoked_at: sql<Date>`now()` })
    .where('id', '=', tokenId)
    .where('user_id', '=', userId)
    .where('revoked_at', 'is', null)
    .executeTakeFirst();
  return Number(result.numUpdatedRows) > 0;
}
