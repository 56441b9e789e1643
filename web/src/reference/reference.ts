import i18next from 'i18next';
import { useEffect, useState } from 'react';
import { useTranslation } from 'react-i18next';

import { api, call, type Schemas } from '../api/client';

/**
 * The public reference lists (CPV 2008 and UN/CEFACT Recommendation 20), searched through the
 * API. What has been seen once is remembered for the page's lifetime, so a chosen code keeps
 * its label without asking again. CPV labels come in the interface's language (the list has
 * all 24 EU languages); each is remembered per language.
 */
export type CpvHit = Schemas['CpvCode'];
export type UnitHit = Schemas['UnitCode'];
type CpvLang = NonNullable<Schemas['CpvCode']['labelLang']>;

/** Keyed by `lang:code8`. */
const cpvByCode = new Map<string, CpvHit | null>();
const unitByCode = new Map<string, UnitHit | null>();

const uiLanguage = (): CpvLang => (i18next.resolvedLanguage ?? i18next.language ?? 'en') as CpvLang;

export const SUGGESTIONS = 10;

/** "4326 2100" and "43.26" search as codes; anything else as words of the label. */
function cpvQuery(text: string): string {
  const t = text.trim();
  return /^[\d\s.-]+$/.test(t) ? t.replace(/[\s.]/g, '') : t;
}

/** Codes whose label in any EU language has the words, best first, labelled in the interface's language. */
export async function searchCpv(text: string, signal?: AbortSignal, lang: CpvLang = uiLanguage()): Promise<CpvHit[]> {
  const hits = await call(
    api.GET('/api/reference/cpv', { params: { query: { q: cpvQuery(text), limit: SUGGESTIONS, lang } }, signal }),
  );
  for (const h of hits) cpvByCode.set(`${lang}:${h.code}`, h);
  return hits;
}

export async function searchUnits(text: string, signal?: AbortSignal): Promise<UnitHit[]> {
  const hits = await call(
    api.GET('/api/reference/units', { params: { query: { q: text.trim(), limit: SUGGESTIONS } }, signal }),
  );
  for (const h of hits) unitByCode.set(h.code, h);
  return hits;
}

/** The CPV entry for `lang:code8`, from memory or the API; null when the list does not have it. */
async function lookupCpv(key: string): Promise<CpvHit | null> {
  if (cpvByCode.has(key)) return cpvByCode.get(key)!;
  const [lang, code8] = key.split(':') as [CpvLang, string];
  const hits = await searchCpv(code8, undefined, lang);
  const hit = hits.find((h) => h.code === code8) ?? null;
  cpvByCode.set(key, hit);
  return hit;
}

async function lookupUnit(code: string): Promise<UnitHit | null> {
  if (unitByCode.has(code)) return unitByCode.get(code)!;
  const hits = await searchUnits(code);
  const hit = hits.find((h) => h.code === code) ?? null;
  unitByCode.set(code, hit);
  return hit;
}

export type Lookup<T> = { state: 'none' } | { state: 'found'; entry: T } | { state: 'unknown' };

function fromMemory<T>(key: string, known: Map<string, T | null>): Lookup<T> {
  if (!known.has(key)) return { state: 'none' };
  const hit = known.get(key);
  return hit ? { state: 'found', entry: hit } : { state: 'unknown' };
}

function useLookup<T>(
  key: string | undefined,
  lookup: (key: string) => Promise<T | null>,
  known: Map<string, T | null>,
): Lookup<T> {
  const [result, setResult] = useState<{ key: string; value: Lookup<T> } | undefined>();
  useEffect(() => {
    if (!key || known.has(key)) return;
    let live = true;
    // Wait for a pause in typing before asking.
    const timer = setTimeout(() => {
      lookup(key).then(
        (hit) => live && setResult({ key, value: hit ? { state: 'found', entry: hit } : { state: 'unknown' } }),
        () => live && setResult({ key, value: { state: 'none' } }),
      );
    }, 300);
    return () => {
      live = false;
      clearTimeout(timer);
    };
  }, [key, lookup, known]);
  if (!key) return { state: 'none' };
  if (known.has(key)) return fromMemory(key, known);
  return result?.key === key ? result.value : { state: 'none' };
}

/** The official entry for a typed CPV code (8 digits, with or without check digit), labelled in the interface's language. */
export function useCpvEntry(typed: string): Lookup<CpvHit> {
  const { i18n } = useTranslation();
  const code8 = /^(\d{8})(?:-\d)?$/.exec(typed.trim())?.[1];
  return useLookup(code8 && `${i18n.resolvedLanguage ?? i18n.language}:${code8}`, lookupCpv, cpvByCode);
}

export function useUnitEntry(typed: string): Lookup<UnitHit> {
  const code = typed.trim().toUpperCase();
  return useLookup(/^[A-Z0-9]{2,3}$/.test(code) ? code : undefined, lookupUnit, unitByCode);
}

const divisionsByLang = new Map<string, Promise<CpvHit[]>>();

/** The CPV divisions (45000000 Construction work, …) labelled in the interface's language; empty until they come. */
export function useCpvDivisions(): CpvHit[] {
  const { i18n } = useTranslation();
  const lang = (i18n.resolvedLanguage ?? i18n.language) as CpvLang;
  const [state, setState] = useState<{ lang: string; divisions: CpvHit[] } | undefined>();
  useEffect(() => {
    let live = true;
    let pending = divisionsByLang.get(lang);
    if (!pending) {
      pending = call(api.GET('/api/reference/cpv/divisions', { params: { query: { lang } } }));
      divisionsByLang.set(lang, pending);
      pending.catch(() => divisionsByLang.delete(lang));
    }
    pending.then(
      (divisions) => live && setState({ lang, divisions }),
      () => undefined,
    );
    return () => {
      live = false;
    };
  }, [lang]);
  return state?.lang === lang ? state.divisions : [];
}
