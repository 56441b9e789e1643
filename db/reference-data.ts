import { sql } from 'kysely';

import type { NeedValidationContext } from '../domain/need-lines.js';
import { searchTextOf, searchWords } from '../rules/search-text.js';
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

export interface CpvLabelEntry {
  code8: string;
  lang: string;
  label: string;
}

/** Labels per statement of the labels' import (one JSON parameter each). */
const labelBatch = 60_000;

/**
 * Inserts or updates the labels (of codes already imported), each batch sent as one JSON array
 * that PostgreSQL unpacks (json_to_recordset), so 24 × 9,454 labels load in four statements
 * rather than thousands of bound rows; unchanged rows are left alone. Returns the number of
 * distinct (language, code) labels given.
 */
export async function importCpvLabels(db: DbOrTx, entries: readonly CpvLabelEntry[]): Promise<number> {
  const rows = lastByKey(entries, (e) => `${e.lang}:${e.code8}`);
  for (const chunk of chunked(rows, labelBatch)) {
    const json = JSON.stringify(chunk.map((e) => ({ c: e.code8, l: e.lang, t: e.label, s: searchTextOf(e.label) })));
    await sql`
      insert into cpv_labels (code, lang, label, search_text)
      select x.c, x.l, x.t, x.s from json_to_recordset(${json}::json) as x(c char(8), l text, t text, s text)
      on conflict (lang, code) do update set label = excluded.label, search_text = excluded.search_text
        where (cpv_labels.label, cpv_labels.search_text) is distinct from (excluded.label, excluded.search_text)`.execute(
      db,
    );
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

/** Rec 20's (English) names of the given unit codes that are in the list, keyed by code. */
export async function unitEnglishNames(db: DbOrTx, codes: readonly string[]): Promise<Map<string, string>> {
  const found = new Map<string, string>();
  for (const chunk of chunked([...new Set(codes)], maxBindParams)) {
    const rows = await db.selectFrom('unit_codes').select(['code', 'name']).where('code', 'in', chunk).execute();
    for (const r of rows) found.set(r.code, r.name);
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
  /** In the language asked for, else English. */
  label: string;
  /** The language of `label`. */
  labelLang: string;
  /** The language whose label matched the words (the language asked for when it did too); absent for a code query. */
  matchedLang?: string;
  /** The label that matched, when its language is not `labelLang`. */
  matchedLabel?: string;
}

const clampLimit = (limit: number) => Math.min(100, Math.max(1, Math.trunc(limit) || 1));

/**
 * Typing digits ("452", "45210000-2") lists the codes under that prefix in code order; typing
 * words ("excavator", "camion", "Bagger") finds the codes whose label, in any of the 24 EU
 * languages, contains every word, accents and case aside (rules/search-text.ts folds both sides).
 * Ranked as rules/search-text.ts `cpvMatchRank` specifies: whole words (with up to two letters of
 * ending) before word starts before the inside of words, the viewer's language before others,
 * general codes before their specialisations, shorter labels first. Each code once, labelled in
 * `lang` (English where the list has no label in it).
 */
export async function searchCpv(db: DbOrTx, query: string, limit: number, lang = 'en'): Promise<CpvSearchHit[]> {
  const q = query.trim();
  if (q === '') return [];
  const n = clampLimit(limit);
  const codePrefix = /^(\d{1,8})(-\d?)?$/.exec(q);
  if (codePrefix) {
    const rows = await db
      .selectFrom('cpv_codes as c')
      .leftJoin('cpv_labels as v', (j) => j.onRef('v.code', '=', 'c.code').on('v.lang', '=', lang))
      .select(['c.code as code8', 'c.check_digit as checkDigit', 'c.label as english', 'v.label as translated'])
      .where('c.code', 'like', `${codePrefix[1]}%`)
      .orderBy('c.code')
      .limit(n)
      .execute();
    return rows.map((r) => ({
      code8: r.code8,
      checkDigit: r.checkDigit,
      label: r.translated ?? r.english,
      labelLang: r.translated === null ? 'en' : lang,
    }));
  }
  // Folded words hold only letters and digits, so nothing in them is a LIKE wildcard.
  const words = searchWords(q);
  if (words.length === 0) return [];
  const st = sql.ref('l.search_text');
  const tierOf = (w: string) =>
    sql<number>`case when ${st} like ${`% ${w} %`} or ${st} like ${`% ${w}_ %`} or ${st} like ${`% ${w}__ %`} then 0 when ${st} like ${`% ${w}%`} then 1 else 2 end`;
  const tier = words.length === 1 ? tierOf(words[0]!) : sql<number>`greatest(${sql.join(words.map(tierOf))})`;
  const langFirst = sql<number>`case when l.lang = ${lang} then 0 else 1 end`;
  const best = db
    .selectFrom('cpv_labels as l')
    .distinctOn('l.code')
    .select([
      'l.code',
      'l.lang',
      'l.label',
      tier.as('tier'),
      langFirst.as('lang_first'),
      sql<number>`strpos(l.search_text, ${words[0]!})`.as('pos'),
      sql<number>`length(l.search_text)`.as('len'),
    ])
    .where((eb) => eb.and(words.map((w) => eb('l.search_text', 'like', `%${w}%`))))
    .orderBy('l.code')
    .orderBy('tier')
    .orderBy('lang_first')
    .orderBy('pos')
    .orderBy('len');
  const rows = await db
    .selectFrom(best.as('b'))
    .innerJoin('cpv_codes as c', 'c.code', 'b.code')
    .leftJoin('cpv_labels as v', (j) => j.onRef('v.code', '=', 'b.code').on('v.lang', '=', lang))
    .select([
      'c.code as code8',
      'c.check_digit as checkDigit',
      'c.label as english',
      'v.label as translated',
      'b.lang as matchedLang',
      'b.label as matchedLabel',
    ])
    .orderBy('b.tier')
    .orderBy('b.lang_first')
    .orderBy(sql`greatest(2, length(rtrim(c.code, '0')))`)
    .orderBy('b.pos')
    .orderBy('b.len')
    .orderBy('c.code')
    .limit(n)
    .execute();
  return rows.map((r) => {
    const labelLang = r.translated === null ? 'en' : lang;
    return {
      code8: r.code8,
      checkDigit: r.checkDigit,
      label: r.translated ?? r.english,
      labelLang,
      matchedLang: r.matchedLang,
      ...(r.matchedLang === labelLang ? {} : { matchedLabel: r.matchedLabel }),
    };
  });
}

/** The CPV divisions (the codes of 2 significant digits, 45000000), in code order, labelled in `lang` (English where it has none). */
export async function cpvDivisions(db: DbOrTx, lang: string): Promise<CpvSearchHit[]> {
  const rows = await db
    .selectFrom('cpv_codes as c')
    .leftJoin('cpv_labels as v', (j) => j.onRef('v.code', '=', 'c.code').on('v.lang', '=', lang))
    .select(['c.code as code8', 'c.check_digit as checkDigit', 'c.label as english', 'v.label as translated'])
    .where('c.code', 'like', '__000000')
    .orderBy('c.code')
    .execute();
  return rows.map((r) => ({
    code8: r.code8,
    checkDigit: r.checkDigit,
    label: r.translated ?? r.english,
    labelLang: r.translated === null ? 'en' : lang,
  }));
}

/** The labels of the given 8-digit codes in `lang` (English where it has none), keyed by code. */
export async function cpvLabelsIn(
  db: DbOrTx,
  codes8: readonly string[],
  lang: string,
): Promise<Map<string, { checkDigit: string; label: string; lang: string }>> {
  const found = new Map<string, { checkDigit: string; label: string; lang: string }>();
  for (const chunk of chunked([...new Set(codes8)], maxBindParams)) {
    const rows = await db
      .selectFrom('cpv_codes as c')
      .leftJoin('cpv_labels as v', (j) => j.onRef('v.code', '=', 'c.code').on('v.lang', '=', lang))
      .select(['c.code', 'c.check_digit', 'c.label as english', 'v.label as translated'])
      .where('c.code', 'in', chunk)
      .execute();
    for (const r of rows)
      found.set(r.code, {
        checkDigit: r.check_digit,
        label: r.translated ?? r.english,
        lang: r.translated === null ? 'en' : lang,
      });
  }
  return found;
}

export interface UnitSearchHit {
  code: string;
  name: string;
  symbol: string;
}

/** The units of the given codes that are in the list, in the order given. */
export async function findUnits(db: DbOrTx, codes: readonly string[]): Promise<UnitSearchHit[]> {
  if (codes.length === 0) return [];
  const rows = await db
    .selectFrom('unit_codes')
    .select(['code', 'name', 'symbol'])
    .where('code', 'in', codes)
    .execute();
  const byCode = new Map(rows.map((r) => [r.code, r]));
  return codes.flatMap((c) => byCode.get(c) ?? []);
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
