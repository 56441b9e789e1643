import { createHash, createHmac, randomBytes } from 'node:crypto';

import { type ColumnType, type Kysely, type Selection, sql } from 'kysely';

import { type ApiTokenScope, apiTokenScopes } from '../rules/api-tokens.js';
import type { DbOrTx } from './database.js';
import type { Database, Organisation, User } from './schema.js';

type Timestamp = ColumnType<Date, Date | string, Date | string>;

/** Columns and tables of migration 2026_12_03_1510_sessions_tokens, seen by the auth repositories only. */
export type AuthTables = {
  users: { disabled_at: Timestamp | null; removed_at: Timestamp | null };
  sign_in_tokens: { browser_hash: string | null; confirm_hash: string | null; revoked_at: Timestamp | null };
  sessions: {
    id: ColumnType<string, string | undefined, never>;
    last_seen_at: ColumnType<Date, Date | string | undefined, Date | string>;
    ip: string | null;
    user_agent: string | null;
  };
  api_tokens: { scopes: ColumnType<string[], string[] | undefined, string[]> };
  supplier_registrations: {
    token_hash: string;
    email: string;
    payload: ColumnType<unknown, string, string>;
    browser_hash: string | null;
    confirm_hash: string | null;
    created_at: ColumnType<Date, Date | string | undefined, never>;
    expires_at: Timestamp;
    used_at: Timestamp | null;
    revoked_at: Timestamp | null;
  };
};

export type AuthDb = Kysely<Database & AuthTables>;

/** The same connection or transaction, typed with the auth columns. */
export function authDb(db: DbOrTx): AuthDb {
  return (db as Kysely<Database>).withTables<AuthTables>() as unknown as AuthDb;
}

/** 256 bits from the CSPRNG; only the SHA-256 of a secret is ever stored. */
export function newSecret(prefix = ''): string {
  return prefix + randomBytes(32).toString('base64url');
}

export function secretHash(secret: string): string {
  return createHash('sha256').update(secret).digest('hex');
}

// ---------------------------------------------------------------------------------------------
// Sign-in links

/**
 * Stores a new sign-in link for the user and revokes every older live one: one live link per
 * address, so a link left in a mailbox stops working as soon as a newer one is asked for.
 */
export async function insertSignInToken(
  db: DbOrTx,
  userId: string,
  token: string,
  expiresAt: Date,
  browserNonce: string | null = null,
): Promise<void> {
  const a = authDb(db);
  await a
    .updateTable('sign_in_tokens')
    .set({ revoked_at: sql<Date>`now()` })
    .where('user_id', '=', userId)
    .where('used_at', 'is', null)
    .where('revoked_at', 'is', null)
    .execute();
  await a
    .insertInto('sign_in_tokens')
    .values({
      token_hash: secretHash(token),
      user_id: userId,
      expires_at: expiresAt,
      browser_hash: browserNonce ? secretHash(browserNonce) : null,
    })
    .execute();
}

export interface LiveSignInToken {
  userId: string;
  email: string;
  browserHash: string | null;
  confirmHash: string | null;
}

/** A live (unused, unrevoked, unexpired) link, locked for the caller's transaction. */
export async function findLiveSignInToken(db: DbOrTx, token: string): Promise<LiveSignInToken | undefined> {
  const row = await authDb(db)
    .selectFrom('sign_in_tokens')
    .innerJoin('users', 'users.id', 'sign_in_tokens.user_id')
    .select(['sign_in_tokens.user_id', 'users.email', 'sign_in_tokens.browser_hash', 'sign_in_tokens.confirm_hash'])
    .where('sign_in_tokens.token_hash', '=', secretHash(token))
    .where('sign_in_tokens.used_at', 'is', null)
    .where('sign_in_tokens.revoked_at', 'is', null)
    .where('sign_in_tokens.expires_at', '>', sql<Date>`now()`)
    .where('users.disabled_at', 'is', null)
    .where('users.removed_at', 'is', null)
    .forUpdate('sign_in_tokens')
    .executeTakeFirst();
  return row
    ? { userId: row.user_id, email: row.email, browserHash: row.browser_hash, confirmHash: row.confirm_hash }
    : undefined;
}

/** Binds a link opened in another browser to that browser, for its explicit confirmation. */
export async function setSignInConfirmation(db: DbOrTx, token: string, confirmNonce: string): Promise<void> {
  await authDb(db)
    .updateTable('sign_in_tokens')
    .set({ confirm_hash: secretHash(confirmNonce) })
    .where('token_hash', '=', secretHash(token))
    .execute();
}

/** Single use: the update only succeeds for a live token, atomically. */
export async function consumeSignInToken(db: DbOrTx, token: string): Promise<string | undefined> {
  const row = await authDb(db)
    .updateTable('sign_in_tokens')
    .set({ used_at: sql<Date>`now()` })
    .where('token_hash', '=', secretHash(token))
    .where('used_at', 'is', null)
    .where('revoked_at', 'is', null)
    .where('expires_at', '>', sql<Date>`now()`)
    .returning('user_id')
    .executeTakeFirst();
  return row?.user_id;
}

// ---------------------------------------------------------------------------------------------
// Pending supplier registrations

export async function insertSupplierRegistration(
  db: DbOrTx,
  r: { email: string; payload: unknown; token: string; expiresAt: Date; browserNonce: string | null },
): Promise<void> {
  const a = authDb(db);
  // Registrations hold what a person typed: none is kept a day past its link's end.
  await a
    .deleteFrom('supplier_registrations')
    .where('expires_at', '<', sql<Date>`now() - interval '1 day'`)
    .execute();
  // One live link per address here too: a newer registration replaces the older.
  await a
    .updateTable('supplier_registrations')
    .set({ revoked_at: sql<Date>`now()` })
    .where(sql`lower(email)`, '=', r.email.trim().toLowerCase())
    .where('used_at', 'is', null)
    .where('revoked_at', 'is', null)
    .execute();
  await a
    .insertInto('supplier_registrations')
    .values({
      token_hash: secretHash(r.token),
      email: r.email.trim(),
      payload: JSON.stringify(r.payload),
      expires_at: r.expiresAt,
      browser_hash: r.browserNonce ? secretHash(r.browserNonce) : null,
    })
    .execute();
}

export interface LiveRegistration {
  email: string;
  payload: unknown;
  browserHash: string | null;
  confirmHash: string | null;
}

export async function findLiveSupplierRegistration(db: DbOrTx, token: string): Promise<LiveRegistration | undefined> {
  const row = await authDb(db)
    .selectFrom('supplier_registrations')
    .select(['email', 'payload', 'browser_hash', 'confirm_hash'])
    .where('token_hash', '=', secretHash(token))
    .where('used_at', 'is', null)
    .where('revoked_at', 'is', null)
    .where('expires_at', '>', sql<Date>`now()`)
    .forUpdate()
    .executeTakeFirst();
  return row
    ? { email: row.email, payload: row.payload, browserHash: row.browser_hash, confirmHash: row.confirm_hash }
    : undefined;
}

export async function setRegistrationConfirmation(db: DbOrTx, token: string, confirmNonce: string): Promise<void> {
  await authDb(db)
    .updateTable('supplier_registrations')
    .set({ confirm_hash: secretHash(confirmNonce) })
    .where('token_hash', '=', secretHash(token))
    .execute();
}

export async function consumeSupplierRegistration(db: DbOrTx, token: string): Promise<boolean> {
  const result = await authDb(db)
    .updateTable('supplier_registrations')
    .set({ used_at: sql<Date>`now()` })
    .where('token_hash', '=', secretHash(token))
    .where('used_at', 'is', null)
    .where('revoked_at', 'is', null)
    .executeTakeFirst();
  return Number(result.numUpdatedRows) > 0;
}

// ---------------------------------------------------------------------------------------------
// Who a credential belongs to

export interface AuthenticatedUser {
  user: User;
  organisation: Organisation;
}

/**
 * What is read of a credential's user and organisation. A credential's look-up joins them in its
 * own statement (`userForApiToken`, `userForSession`): every authenticated request is one round
 * trip fewer, which a crowd of buyers in a deadline rush waits for on a loaded machine.
 */
export const userAndOrganisationColumns = [
  'users.id',
  'users.organisation_id',
  'users.email',
  'users.name',
  'users.locale',
  'users.roles',
  'users.is_admin',
  'users.email_verified_at',
  'users.created_at',
  'organisations.kind as org_kind',
  'organisations.name as org_name',
  'organisations.country as org_country',
  'organisations.buyer_legal_type as org_buyer_legal_type',
  'organisations.nuts as org_nuts',
  'organisations.sme as org_sme',
  'organisations.awarding_cpb as org_awarding_cpb',
  'organisations.acquiring_cpb as org_acquiring_cpb',
  'organisations.created_at as org_created_at',
] as const;

type UserAndOrganisationRow = Selection<
  Database & AuthTables,
  'users' | 'organisations',
  (typeof userAndOrganisationColumns)[number]
>;

/** A row read with `userAndOrganisationColumns`, as the user and its organisation. */
export function authenticatedUserOf(row: UserAndOrganisationRow): AuthenticatedUser {
  const {
    org_kind,
    org_name,
    org_country,
    org_buyer_legal_type,
    org_nuts,
    org_sme,
    org_awarding_cpb,
    org_acquiring_cpb,
    org_created_at,
    ...user
  } = row;
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
      awarding_cpb: org_awarding_cpb,
      acquiring_cpb: org_acquiring_cpb,
      created_at: org_created_at,
    },
  };
}

/** The user and organisation, unless the user is disabled or removed from its organisation. */
export async function activeUserWithOrganisation(db: DbOrTx, userId: string): Promise<AuthenticatedUser | undefined> {
  const row = await authDb(db)
    .selectFrom('users')
    .innerJoin('organisations', 'organisations.id', 'users.organisation_id')
    .select(userAndOrganisationColumns)
    .where('users.id', '=', userId)
    .where('users.disabled_at', 'is', null)
    .where('users.removed_at', 'is', null)
    .executeTakeFirst();
  return row ? authenticatedUserOf(row) : undefined;
}

// ---------------------------------------------------------------------------------------------
// API tokens

/** The scopes are shared with the web's account page: rules/api-tokens.ts. */
export { type ApiTokenScope, apiTokenScopes } from '../rules/api-tokens.js';

export async function insertApiToken(
  db: DbOrTx,
  token: { userId: string; name: string; secret: string; expiresAt: Date | null; scopes?: readonly ApiTokenScope[] },
): Promise<{ id: string; created_at: Date }> {
  return authDb(db)
    .insertInto('api_tokens')
    .values({
      user_id: token.userId,
      name: token.name,
      token_hash: secretHash(token.secret),
      expires_at: token.expiresAt,
      ...(token.scopes ? { scopes: [...token.scopes] } : {}),
    })
    .returning(['id', 'created_at'])
    .executeTakeFirstOrThrow();
}

/** How stale a token's `last_used_at` may get: its use is recorded once a minute, not on every request. */
const tokenUseGranularity = sql<Date>`now() - interval '1 minute'`;

/**
 * The user a live API token stands for, with its organisation, recording the token's use (to the
 * minute), all in one statement. The use is written only when the recorded one is a minute old: a
 * write on every request cost a commit with its WAL flush each, and a token's concurrent requests
 * (the lead's readers in the deadline rush, one token for 50) queued on its row lock.
 */
export async function userForApiToken(
  db: DbOrTx,
  secret: string,
): Promise<(AuthenticatedUser & { scopes: ApiTokenScope[] }) | undefined> {
  const row = await authDb(db)
    .with('live', (q) =>
      q
        .selectFrom('api_tokens')
        .select(['id', 'user_id', 'scopes'])
        .where('token_hash', '=', secretHash(secret))
        .where('revoked_at', 'is', null)
        // Tokens made through the API always expire; a null is a row written by hand (tests, scripts).
        .where((eb) => eb.or([eb('expires_at', 'is', null), eb('expires_at', '>', sql<Date>`now()`)])),
    )
    .with('used', (q) =>
      q
        .updateTable('api_tokens')
        .set({ last_used_at: sql<Date>`now()` })
        .where('id', '=', (eb) => eb.selectFrom('live').select('id'))
        .where((eb) => eb.or([eb('last_used_at', 'is', null), eb('last_used_at', '<', tokenUseGranularity)])),
    )
    .selectFrom('live')
    .innerJoin('users', 'users.id', 'live.user_id')
    .innerJoin('organisations', 'organisations.id', 'users.organisation_id')
    .select([...userAndOrganisationColumns, 'live.scopes'])
    .where('users.disabled_at', 'is', null)
    .where('users.removed_at', 'is', null)
    .executeTakeFirst();
  if (!row) return undefined;
  const { scopes, ...user } = row;
  return {
    ...authenticatedUserOf(user),
    scopes: scopes.filter((s): s is ApiTokenScope => (apiTokenScopes as readonly string[]).includes(s)),
  };
}

export async function listApiTokens(db: DbOrTx, userId: string) {
  return authDb(db)
    .selectFrom('api_tokens')
    .select(['id', 'name', 'created_at', 'expires_at', 'last_used_at', 'revoked_at', 'scopes'])
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

/** Revokes every live API token of the user; returns how many. */
export async function revokeAllApiTokens(db: DbOrTx, userId: string): Promise<number> {
  const result = await db
    .updateTable('api_tokens')
    .set({ revoked_at: sql<Date>`now()` })
    .where('user_id', '=', userId)
    .where('revoked_at', 'is', null)
    .executeTakeFirst();
  return Number(result.numUpdatedRows);
}

// ---------------------------------------------------------------------------------------------
// Users, as administrators manage them

export interface UserAccessRow {
  id: string;
  organisation_id: string;
  email: string;
  name: string;
  roles: string[];
  is_admin: boolean;
  disabled_at: Date | null;
  removed_at: Date | null;
}

export async function findUserAccess(db: DbOrTx, userId: string, lock = false): Promise<UserAccessRow | undefined> {
  let q = authDb(db)
    .selectFrom('users')
    .select(['id', 'organisation_id', 'email', 'name', 'roles', 'is_admin', 'disabled_at', 'removed_at'])
    .where('id', '=', userId);
  if (lock) q = q.forUpdate();
  return q.executeTakeFirst();
}

export async function listUserAccess(db: DbOrTx, organisationId: string): Promise<UserAccessRow[]> {
  return authDb(db)
    .selectFrom('users')
    .select(['id', 'organisation_id', 'email', 'name', 'roles', 'is_admin', 'disabled_at', 'removed_at'])
    .where('organisation_id', '=', organisationId)
    .orderBy('email')
    .execute();
}

export async function setUserDisabled(db: DbOrTx, userId: string, disabled: boolean): Promise<void> {
  await authDb(db)
    .updateTable('users')
    .set({ disabled_at: disabled ? sql<Date>`coalesce(disabled_at, now())` : null })
    .where('id', '=', userId)
    .execute();
}

/** Removes the user from its organisation: it keeps its history (audit actors), loses every role and all access. */
export async function markUserRemoved(db: DbOrTx, userId: string): Promise<void> {
  await authDb(db)
    .updateTable('users')
    .set({ removed_at: sql<Date>`coalesce(removed_at, now())`, roles: [], is_admin: false })
    .where('id', '=', userId)
    .execute();
}

/** Revokes every live sign-in link of the user. */
export async function revokeSignInTokens(db: DbOrTx, userId: string): Promise<void> {
  await authDb(db)
    .updateTable('sign_in_tokens')
    .set({ revoked_at: sql<Date>`now()` })
    .where('user_id', '=', userId)
    .where('used_at', 'is', null)
    .where('revoked_at', 'is', null)
    .execute();
}

// ---------------------------------------------------------------------------------------------
// Keyed hashes for the security log

const securityLogKeyName = 'security-log-key';

/**
 * A keyed hash (HMAC-SHA256) of an e-mail address someone typed: the security log can tell
 * repeated attempts on one address apart without storing addresses of people with no account.
 */
export async function keyedAddressHash(db: DbOrTx, email: string): Promise<string> {
  await db
    .insertInto('app_secrets')
    .values({ name: securityLogKeyName, secret: randomBytes(32).toString('base64url') })
    .onConflict((oc) => oc.column('name').doNothing())
    .execute();
  const row = await db
    .selectFrom('app_secrets')
    .select('secret')
    .where('name', '=', securityLogKeyName)
    .executeTakeFirstOrThrow();
  return createHmac('sha256', Buffer.from(row.secret, 'base64url')).update(email.trim().toLowerCase()).digest('hex');
}
