import { sql } from 'kysely';

import type { NeedValidationContext } from '../domain/need-lines.js';
import type { DbOrTx } from './database.js';

/**
 * The reference lists codes are checked against: CPV 2008 (Regulation (EC) No 213/2008, Annex I)
 * and UN/CEFACT Recommendation 20 units. Both are loaded from the official files at every start
 * (db/reference-data-files.ts `loadReferenceLists`), and a process does not start without them,
 * so a code is never passed on its structure alone.
 */
export interface CpvEntry {
  code8: string;
  checkDigit: string;
  label: string;
}

export interface UnitEntry {
  code: string;
  name: string;
  symbol: string;
}

// PostgreSQL's wire protocol numbers bind parameters with 16 bits: at most 65,535 per statement.
const maxBindParams = 60_000;

function chunked<T>(items: readonly T[], size: number): T[][] {
  const out: T[][] = [];
  for (let i = 0; i < items.length; i += size) out.push(items.slice(i, i + size));
  return out;
}

/** Last entry wins: one statement may not update the same row twice under ON CONFLICT. */
function lastByKey<T>(items: readonly T[], key: (item: T) => string): T[] {
  return [...new Map(items.map((item) => [key(item), item] as const)).values()];
}

/** Inserts or updates every entry; returns the number of distinct codes written. */
export async function importCpvCodes(db: DbOrTx, entries: readonly CpvEntry[]): Promise<number> {
  const rows = lastByKey(entries, (e) => e.code8).map((e) => ({
    code: e.code8,
    check_digit: e.checkDigit,
    label: e.label,
  }));
  for (const chunk of chunked(rows, Math.floor(maxBindParams / 3))) {
    await db
      .insertInto('cpv_codes')
      .values(chunk)
      .onConflict((oc) =>
        oc
          .column('code')
          .doUpdateSet((eb) => ({ check_digit: eb.ref('excluded.check_digit'), label: eb.ref('excluded.label') }))
          // Unchanged rows are left alone, so a re-import rewrites neither rows nor the text index.
          .where(
            sql<boolean>`(cpv_codes.check_digit, cpv_codes.label) is distinct from (excluded.check_digit, excluded.label)`,
          ),
      )
      .execute();
  }
  return rows.length;
}

/** Inserts or updates every entry; returns the number of distinct codes written. */
export async function importUnitCodes(db: DbOrTx, entries: readonly UnitEntry[]): Promise<number> {
  const rows = lastByKey(entries, (e) => e.code).map((e) => ({ code: e.code, name: e.name, symbol: e.symbol }));
  for (const chunk of chunked(rows, Math.floor(maxBindParams / 3))) {
    await db
      .insertInto('unit_codes')
      .values(chunk)
      .onConflict((oc) =>
        oc
          .column('code')
          .doUpdateSet((eb) => ({ name: eb.ref('excluded.name'), symbol: eb.ref('excluded.symbol') }))
          .where(sql<boolean>`(unit_codes.name, unit_codes.symbol) is distinct from (excluded.name, excluded.symbol)`),
      )
      .execute();
  }
  return rows.length;
}

export async function isCpvListLoaded(db: DbOrTx): Promise<boolean> {
  return (await db.selectFrom('cpv_codes').select('code').limit(1).executeTakeFirst()) !== undefined;
}

export async function isUnitListLoaded(db: DbOrTx): Promise<boolean> {
  return (await db.selectFrom('unit_codes').select('code').limit(1).executeTakeFirst()) !== undefined;
}

/** The official entries of the given 8-digit codes that exist, keyed by code; unknown codes are absent. */
export async function lookupCpvCodes(
  db: DbOrTx,
  codes8: readonly string[],
): Promise<Map<string, { checkDigit: string; label: string }>> {
  const found = new Map<string, { checkDigit: string; label: string }>();
  for (const chunk of chunked([...new Set(codes8)], maxBindParams)) {
    const rows = await db
      .selectFrom('cpv_codes')
      .select(['code', 'check_digit', 'label'])
      .where('code', 'in', chunk)
      .execute();
    for (const r of rows) found.set(r.code, { checkDigit: r.check_digit, label: r.label });
  }
  return found;
}

/** Those of the given unit codes that are in the list. */
export async function lookupUnitCodes(db: DbOrTx, codes: readonly string[]): Promise<Set<string>> {
  const found = new Set<string>();
  for (const chunk of chunked([...new Set(codes)], maxBindParams)) {
    const rows = await db.selectFrom('unit_codes').select('code').where('code', 'in', chunk).execute();
    for (const r of rows) found.add(r.code);
  }
  return found;
}

/**
 * The reference half of a NeedValidationContext, for exactly the codes given (use
 * `referencedCodes(lines)` from domain/need-lines.ts to collect them): a code not fetched here
 * reads as unknown.
 */
export async function needReferenceLookups(
  db: DbOrTx,
  codes: { cpvCodes: readonly string[]; unitCodes: readonly string[] },
): Promise<Pick<NeedValidationContext, 'cpv' | 'unitKnown'>> {
  const cpv = await lookupCpvCodes(db, codes.cpvCodes);
  const units = await lookupUnitCodes(db, codes.unitCodes);
  return { cpv: (code8) => cpv.get(code8), unitKnown: (code) => units.has(code) };
}

export interface CpvSearchHit {
  code8: string;
  checkDigit: string;
  label: string;
}

const clampLimit = (limit: number) => Math.min(100, Math.max(1, Math.trunc(limit) || 1));

/**
 * Typing digits ("452", "45210000-2") lists the codes under that prefix in code order; typing
 * words ("electric bus") finds labels containing every word, or a word starting with it, best
 * match first. Uses the english text-search index, so "buses" finds "Bus".
 */
export async function searchCpv(db: DbOrTx, query: string, limit: number): Promise<CpvSearchHit[]> {
  const q = query.trim();
  if (q === '') return [];
  const select = db.selectFrom('cpv_codes').select(['code as code8', 'check_digit as checkDigit', 'label']);
  const codePrefix = /^(\d{1,8})(-\d?)?$/.exec(q);
  if (codePrefix) {
    return select.where('code', 'like', `${codePrefix[1]}%`).orderBy('code').limit(clampLimit(limit)).execute();
  }
  // Only letters and digits reach to_tsquery, so its operators cannot be injected.
  const words = q.toLowerCase().match(/[\p{L}\p{N}]+/gu) ?? [];
  if (words.length === 0) return [];
  const tsQuery = words.map((w) => `${w}:*`).join(' & ');
  const document = sql`to_tsvector('english', label)`;
  const wanted = sql`to_tsquery('english', ${tsQuery})`;
  return select
    .where(sql<boolean>`${document} @@ ${wanted}`)
    .orderBy(sql`ts_rank(${document}, ${wanted})`, 'desc')
    .orderBy('code')
    .limit(clampLimit(limit))
    .execute();
}

export interface UnitSearchHit {
  code: string;
  name: string;
  symbol: string;
}

/** By code ("H8", "kgm"), symbol ("kg") or a part of the name ("kilo"); exact code first, then by name. */
export async function searchUnits(db: DbOrTx, query: string, limit: number): Promise<UnitSearchHit[]> {
  const q = query.trim();
  if (q === '') return [];
  const upper = q.toUpperCase();
  const lower = q.toLowerCase();
  const escaped = (s: string) => s.replace(/[%_\\]/g, (c) => `\\${c}`);
  return db
    .selectFrom('unit_codes')
    .select(['code', 'name', 'symbol'])
    .where((eb) =>
      eb.or([
        eb('code', 'like', `${escaped(upper)}%`),
        eb('symbol', '=', q),
        eb(sql<string>`lower(name)`, 'like', `%${escaped(lower)}%`),
      ]),
    )
    .orderBy(
      sql`case when code = ${upper} then 0 when symbol = ${q} then 1 when lower(name) = ${lower} then 2 when code like ${`${escaped(upper)}%`} then 3 when lower(name) like ${`${escaped(lower)}%`} then 4 else 5 end`,
    )
    .orderBy('name')
    .orderBy('code')
    .limit(clampLimit(limit))
    .execute();
}
