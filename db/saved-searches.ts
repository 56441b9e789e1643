import { createHmac, type KeyObject, timingSafeEqual } from 'node:crypto';

import { sql } from 'kysely';

import type { SavedSearchKind } from '../domain/saved-search.js';
import { activeUserWithOrganisation, type AuthenticatedUser, newSecret, secretHash } from './credentials.js';
import type { DbOrTx } from './database.js';
import { isLatestPublication } from './publication.js';

/**
 * Saved searches (issue 19): a supplier user's own. The feed's secret is stored as its SHA-256
 * only (as the calendar feed's and API tokens'): it is shown when made and never again.
 */
export interface SavedSearchRecord {
  id: string;
  userId: string;
  organisationId: string;
  name: string;
  words: string;
  cpvPrefixes: string[];
  countries: string[];
  kinds: SavedSearchKind[];
  email: boolean;
  feedRotatedAt: Date;
  feedLastUsedAt: Date | null;
  createdAt: Date;
  updatedAt: Date;
}

export interface SavedSearchFields {
  name: string;
  words: string;
  cpvPrefixes: string[];
  countries: string[];
  kinds: SavedSearchKind[];
  email: boolean;
}

const columns = [
  'id',
  'user_id',
  'organisation_id',
  'name',
  'words',
  'cpv_prefixes',
  'countries',
  'kinds',
  'email',
  'feed_rotated_at',
  'feed_last_used_at',
  'created_at',
  'updated_at',
] as const;

type Row = {
  id: string;
  user_id: string;
  organisation_id: string;
  name: string;
  words: string;
  cpv_prefixes: string[];
  countries: string[];
  kinds: string[];
  email: boolean;
  feed_rotated_at: Date;
  feed_last_used_at: Date | null;
  created_at: Date;
  updated_at: Date;
};

const record = (r: Row): SavedSearchRecord => ({
  id: r.id,
  userId: r.user_id,
  organisationId: r.organisation_id,
  name: r.name,
  words: r.words,
  cpvPrefixes: r.cpv_prefixes,
  countries: r.countries,
  kinds: r.kinds as SavedSearchKind[],
  email: r.email,
  feedRotatedAt: r.feed_rotated_at,
  feedLastUsedAt: r.feed_last_used_at,
  createdAt: r.created_at,
  updatedAt: r.updated_at,
});

/** A new feed secret: the address carries it, the table its hash. */
export const newFeedToken = (): string => newSecret('ssf_');

/** Counts the user's searches under a lock, so two creations at once cannot pass the limit together. */
export async function countSavedSearchesForUpdate(db: DbOrTx, userId: string): Promise<number> {
  await sql`select pg_advisory_xact_lock(hashtextextended(${`saved-searches:${userId}`}, 0))`.execute(db);
  const row = await db
    .selectFrom('saved_searches')
    .select(sql<string>`count(*)`.as('n'))
    .where('user_id', '=', userId)
    .executeTakeFirstOrThrow();
  return Number(row.n);
}

export async function insertSavedSearch(
  db: DbOrTx,
  s: SavedSearchFields & { userId: string; organisationId: string; feedToken: string },
): Promise<SavedSearchRecord> {
  const row = await db
    .insertInto('saved_searches')
    .values({
      user_id: s.userId,
      organisation_id: s.organisationId,
      name: s.name,
      words: s.words,
      cpv_prefixes: s.cpvPrefixes,
      countries: s.countries,
      kinds: s.kinds,
      email: s.email,
      feed_token_hash: secretHash(s.feedToken),
    })
    .returning(columns)
    .executeTakeFirstOrThrow();
  return record(row);
}

export async function listSavedSearchesOf(db: DbOrTx, userId: string): Promise<SavedSearchRecord[]> {
  const rows = await db
    .selectFrom('saved_searches')
    .select(columns)
    .where('user_id', '=', userId)
    .orderBy('created_at')
    .orderBy('id')
    .execute();
  return rows.map(record);
}

export async function findSavedSearch(db: DbOrTx, id: string): Promise<SavedSearchRecord | undefined> {
  const row = await db.selectFrom('saved_searches').select(columns).where('id', '=', id).executeTakeFirst();
  return row && record(row);
}

export async function updateSavedSearch(
  db: DbOrTx,
  id: string,
  s: SavedSearchFields,
): Promise<SavedSearchRecord | undefined> {
  const row = await db
    .updateTable('saved_searches')
    .set({
      name: s.name,
      words: s.words,
      cpv_prefixes: s.cpvPrefixes,
      countries: s.countries,
      kinds: s.kinds,
      email: s.email,
      updated_at: sql<Date>`now()`,
    })
    .where('id', '=', id)
    .returning(columns)
    .executeTakeFirst();
  return row && record(row);
}

/** Turns the search's e-mail off; true if it was on. */
export async function stopSavedSearchEmail(db: DbOrTx, id: string): Promise<boolean> {
  const result = await db
    .updateTable('saved_searches')
    .set({ email: false, updated_at: sql<Date>`now()` })
    .where('id', '=', id)
    .where('email', '=', true)
    .executeTakeFirst();
  return Number(result.numUpdatedRows) > 0;
}

/** Deleting a search revokes its feed address with it. */
export async function deleteSavedSearch(db: DbOrTx, id: string): Promise<boolean> {
  const result = await db.deleteFrom('saved_searches').where('id', '=', id).executeTakeFirst();
  return Number(result.numDeletedRows) > 0;
}

/** A new feed secret in place of the old one, whose address answers 404 from now on. */
export async function rotateSavedSearchFeed(db: DbOrTx, id: string, token: string): Promise<Date | undefined> {
  const row = await db
    .updateTable('saved_searches')
    .set({ feed_token_hash: secretHash(token), feed_rotated_at: sql<Date>`now()`, feed_last_used_at: null })
    .where('id', '=', id)
    .returning('feed_rotated_at')
    .executeTakeFirst();
  return row?.feed_rotated_at;
}

/**
 * The search a feed secret belongs to, with its owner (unless the owner is disabled or removed),
 * or undefined; notes when it was last read.
 */
export async function savedSearchForFeedToken(
  db: DbOrTx,
  token: string,
): Promise<{ search: SavedSearchRecord; owner: AuthenticatedUser } | undefined> {
  const row = await db
    .updateTable('saved_searches')
    .set({ feed_last_used_at: sql<Date>`now()` })
    .where('feed_token_hash', '=', secretHash(token))
    .returning(columns)
    .executeTakeFirst();
  if (!row) return undefined;
  const owner = await activeUserWithOrganisation(db, row.user_id);
  return owner && { search: record(row), owner };
}

// ---------------------------------------------------------------------------------------------
// What the searches run over: the public documents, as the public lists show them

/** A document a search can match, with the facts its public page shows (and the countries the notices match on). */
export interface PublicSearchDocument {
  kind: SavedSearchKind;
  statementId: string;
  title: string;
  description: string;
  cpvCodes: string[];
  countries: string[];
  /** The publication's version, or the consultation's (its round). */
  version: number;
  /** When it was published, or the consultation opened. */
  at: Date;
  signatories: number | null;
  deadline: Date | null;
}

/**
 * The published statements (the latest version of each) and the consultations open now, newest
 * first, at most `limit` of each. Matched on the facts the CPV subscription's notices are matched
 * on (activities/market-activities.ts), so a feed and an e-mail agree: the statement's codes and
 * every code a buyer's line is coded at; the signatories' countries for a statement, the buyers'
 * for a consultation. The public pages list each of those (only their figures may be withheld).
 */
export async function publicSearchDocuments(db: DbOrTx, limit: number): Promise<PublicSearchDocument[]> {
  const published = await db
    .selectFrom('publications as p')
    .innerJoin('statements as s', 's.id', 'p.statement_id')
    .select([
      'p.statement_id',
      'p.version',
      'p.published_at',
      'p.signatory_org_ids',
      's.title',
      's.description',
      's.cpv_codes',
      sql<
        string[]
      >`array(select distinct trim(o.country) from organisations o where o.id = any(p.signatory_org_ids))`.as(
        'countries',
      ),
      sql<string[]>`array(select distinct n->>'cpvCode' from jsonb_array_elements(p.aggregate->'byCpv') n
        where (n->'direct'->>'lines')::int > 0)`.as('direct_codes'),
    ])
    .where('s.stage', '=', 'published')
    .where(isLatestPublication)
    .orderBy('p.published_at', 'desc')
    .limit(limit)
    .execute();
  const open = await db
    .selectFrom('statements as s')
    .select([
      's.id',
      's.title',
      's.description',
      's.cpv_codes',
      's.stage_deadline',
      's.stage_entered_at',
      sql<
        string[]
      >`coalesce((select array(select distinct trim(b->>'country') from jsonb_array_elements(a.aggregate->'buyers') b)
        from aggregate_snapshots a where a.statement_id = s.id order by a.computed_at desc limit 1), '{}')`.as(
        'countries',
      ),
      sql<
        string[]
      >`coalesce((select array(select distinct n->>'cpvCode' from jsonb_array_elements(a.aggregate->'byCpv') n
        where (n->'direct'->>'lines')::int > 0)
        from aggregate_snapshots a where a.statement_id = s.id order by a.computed_at desc limit 1), '{}')`.as(
        'direct_codes',
      ),
    ])
    .where('s.stage', '=', 'market_engagement')
    .where('s.stage_deadline', '>', sql<Date>`now()`)
    .orderBy('s.stage_deadline')
    .orderBy('s.id')
    .limit(limit)
    .execute();
  return [
    ...published.map((p): PublicSearchDocument => ({
      kind: 'statement',
      statementId: p.statement_id,
      title: p.title,
      description: p.description,
      cpvCodes: [...new Set([...p.cpv_codes, ...p.direct_codes])],
      countries: p.countries,
      version: p.version,
      at: p.published_at,
      signatories: p.signatory_org_ids.length,
      deadline: null,
    })),
    ...open.map((c): PublicSearchDocument => ({
      kind: 'consultation',
      statementId: c.id,
      title: c.title,
      description: c.description,
      cpvCodes: [...new Set([...c.cpv_codes, ...c.direct_codes])],
      countries: c.countries,
      version: 1,
      at: c.stage_entered_at,
      signatories: null,
      deadline: c.stage_deadline,
    })),
  ];
}

// ---------------------------------------------------------------------------------------------
// The e-mail fan-out

export interface EmailingSavedSearch {
  id: string;
  name: string;
  words: string;
  cpvPrefixes: string[];
  countries: string[];
  kinds: SavedSearchKind[];
  userId: string;
  organisationId: string;
  email: string;
  userName: string;
  locale: string;
}

/**
 * One keyset page of the searches that e-mail documents of `kind`, with their owners: verified,
 * not disabled, still in a supplier organisation. In id order after `afterId`.
 */
export async function emailingSavedSearches(
  db: DbOrTx,
  kind: SavedSearchKind,
  page: { afterId: string | null; limit: number },
): Promise<EmailingSavedSearch[]> {
  let q = db
    .selectFrom('saved_searches as s')
    .innerJoin('users as u', 'u.id', 's.user_id')
    .innerJoin('organisations as o', 'o.id', 'u.organisation_id')
    .select([
      's.id',
      's.name',
      's.words',
      's.cpv_prefixes',
      's.countries',
      's.kinds',
      's.user_id',
      's.organisation_id',
      'u.email',
      'u.name as user_name',
      'u.locale',
    ])
    .where('s.email', '=', true)
    .where(sql<boolean>`${kind} = any(s.kinds)`)
    .where('o.kind', '=', 'supplier')
    .whereRef('o.id', '=', 's.organisation_id')
    .where('u.email_verified_at', 'is not', null)
    .where(sql<boolean>`u.disabled_at is null`);
  if (page.afterId) q = q.where('s.id', '>', page.afterId);
  const rows = await q.orderBy('s.id').limit(page.limit).execute();
  return rows.map((r) => ({
    id: r.id,
    name: r.name,
    words: r.words,
    cpvPrefixes: r.cpv_prefixes,
    countries: r.countries,
    kinds: r.kinds as SavedSearchKind[],
    userId: r.user_id,
    organisationId: r.organisation_id,
    email: r.email,
    userName: r.user_name,
    locale: r.locale,
  }));
}

// ---------------------------------------------------------------------------------------------
// Unsubscribe links: signed with the key of the subscription's links, for one search

const searchMac = (key: KeyObject, searchId: string) =>
  createHmac('sha256', key).update(`unsubscribe-saved-search:${searchId}`).digest('base64url');

/** A token naming one search, signed: anyone holding it may stop that search's e-mail, nothing else. */
export function signSavedSearchUnsubscribeToken(key: KeyObject, searchId: string): string {
  return `${searchId}.${searchMac(key, searchId)}`;
}

export function verifySavedSearchUnsubscribeToken(key: KeyObject, token: string): string | undefined {
  const m = /^([0-9a-f-]{36})\.([A-Za-z0-9_-]{43})$/.exec(token);
  if (!m) return undefined;
  const expected = Buffer.from(searchMac(key, m[1]!));
  const given = Buffer.from(m[2]!);
  return expected.length === given.length && timingSafeEqual(expected, given) ? m[1] : undefined;
}
