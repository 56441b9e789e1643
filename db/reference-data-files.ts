import { existsSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

import type { Db } from './database.js';
import {
  type CpvEntry,
  type CpvLabelEntry,
  importCpvCodes,
  importCpvLabels,
  importUnitCodes,
  isCpvListLoaded,
  isUnitListLoaded,
  type UnitEntry,
} from './reference-data.js';

/**
 * The official reference lists live outside the repository (their licence and size keep them
 * out of it). They are found, in order: $REFERENCE_DATA_DIR; a `shared/data` folder next to the
 * repository or next to any folder above it; the workspace's `/work/shared/data`.
 */
export const CPV_FILE = 'cpv/cpv-2008.en.json';
export const UNITS_FILE = 'units/uncefact-rec20.en.json';
/** The CPV labels in the 24 EU languages, `{lang: {"03000000-1": label}}`; optional: without it, English only. */
export const CPV_LABELS_FILE = 'cpv/cpv-2008.labels-24.json';

export class ReferenceDataError extends Error {}

export function repositoryRoot(): string {
  let dir = dirname(fileURLToPath(import.meta.url));
  while (!existsSync(join(dir, 'package.json'))) {
    const parent = dirname(dir);
    if (parent === dir) throw new Error('cannot find the repository root (no package.json above this file)');
    dir = parent;
  }
  return dir;
}

export function locateReferenceData(): string | undefined {
  const candidates: string[] = [];
  if (process.env.REFERENCE_DATA_DIR) candidates.push(resolve(process.env.REFERENCE_DATA_DIR));
  for (let dir = repositoryRoot(); ; dir = dirname(dir)) {
    candidates.push(join(dir, '..', 'shared', 'data'), join(dir, 'shared', 'data'));
    if (dirname(dir) === dir) break;
  }
  candidates.push('/work/shared/data');
  return candidates.find((c) => existsSync(join(c, CPV_FILE)) && existsSync(join(c, UNITS_FILE)));
}

async function readJson(path: string, what: string): Promise<unknown> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (error) {
    throw new ReferenceDataError(`cannot read the ${what} file ${path}: ${(error as Error).message}`);
  }
  try {
    return JSON.parse(text);
  } catch (error) {
    throw new ReferenceDataError(`the ${what} file ${path} is not valid JSON: ${(error as Error).message}`);
  }
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** Refuses the whole file on any bad entry: a half-imported list would pass wrong codes as known. */
function rejectIfBad(bad: string[], path: string, what: string): void {
  if (bad.length === 0) return;
  const shown = bad.slice(0, 5).join('; ');
  throw new ReferenceDataError(
    `the ${what} file ${path} has ${bad.length} bad entr${bad.length === 1 ? 'y' : 'ies'}: ${shown}`,
  );
}

/** `{"03000000-1": "Agricultural, farming, ..."}` */
export async function readCpvFile(path: string): Promise<CpvEntry[]> {
  const json = await readJson(path, 'CPV');
  if (!isRecord(json))
    throw new ReferenceDataError(`the CPV file ${path} must be a JSON object of "code-check digit": label`);
  const entries: CpvEntry[] = [];
  const bad: string[] = [];
  for (const [key, label] of Object.entries(json)) {
    const m = /^(\d{8})-(\d)$/.exec(key);
    if (!m) bad.push(`"${key}" is not a CPV code with its check digit (e.g. 45000000-7)`);
    else if (typeof label !== 'string' || label.trim() === '') bad.push(`"${key}" has no label`);
    else entries.push({ code8: m[1]!, checkDigit: m[2]!, label: label.trim() });
  }
  rejectIfBad(bad, path, 'CPV');
  return entries;
}

/** `{"fr": {"03000000-1": "Produits agricoles, ..."}}`, for codes of the list only. */
export async function readCpvLabelsFile(path: string, codes: readonly CpvEntry[]): Promise<CpvLabelEntry[]> {
  const json = await readJson(path, 'CPV labels');
  if (!isRecord(json))
    throw new ReferenceDataError(`the CPV labels file ${path} must be a JSON object of language: {code: label}`);
  const known = new Map(codes.map((c) => [c.code8, c.checkDigit]));
  const entries: CpvLabelEntry[] = [];
  const bad: string[] = [];
  for (const [lang, labels] of Object.entries(json)) {
    if (!/^[a-z]{2}$/.test(lang) || !isRecord(labels)) {
      bad.push(`"${lang}" is not a two-letter language code with an object of labels`);
      continue;
    }
    for (const [key, label] of Object.entries(labels)) {
      const m = /^(\d{8})-(\d)$/.exec(key);
      if (!m || known.get(m[1]!) !== m[2]) bad.push(`${lang} "${key}" is not a code of the CPV list`);
      else if (typeof label !== 'string' || label.trim() === '') bad.push(`${lang} "${key}" has no label`);
      else entries.push({ code8: m[1]!, lang, label: label.trim() });
    }
  }
  rejectIfBad(bad, path, 'CPV labels');
  return entries;
}

/** `{"H87": {"name": "piece", "symbol": ""}}` */
export async function readUnitFile(path: string): Promise<UnitEntry[]> {
  const json = await readJson(path, 'unit');
  if (!isRecord(json))
    throw new ReferenceDataError(`the unit file ${path} must be a JSON object of code: { name, symbol }`);
  const entries: UnitEntry[] = [];
  const bad: string[] = [];
  for (const [code, value] of Object.entries(json)) {
    if (!/^[A-Z0-9]{2,3}$/.test(code)) bad.push(`"${code}" is not a Rec 20 code of 2 or 3 capital letters and digits`);
    else if (!isRecord(value) || typeof value.name !== 'string' || value.name.trim() === '')
      bad.push(`"${code}" has no name`);
    else if (value.symbol !== undefined && typeof value.symbol !== 'string')
      bad.push(`"${code}" has a symbol that is not text`);
    else entries.push({ code, name: value.name.trim(), symbol: typeof value.symbol === 'string' ? value.symbol : '' });
  }
  rejectIfBad(bad, path, 'unit');
  return entries;
}

/**
 * Reads the lists, then imports them in one transaction; a bad file changes nothing. Without a
 * labels file the CPV labels are the English list's own.
 */
export async function importReferenceFiles(
  db: Db,
  paths: { cpv: string; units: string; cpvLabels?: string | undefined },
): Promise<{ cpv: number; units: number; cpvLabels: number }> {
  const cpv = await readCpvFile(paths.cpv);
  const units = await readUnitFile(paths.units);
  const labels = paths.cpvLabels
    ? await readCpvLabelsFile(paths.cpvLabels, cpv)
    : cpv.map((c) => ({ code8: c.code8, lang: 'en', label: c.label }));
  return db.transaction().execute(async (tx) => ({
    cpv: await importCpvCodes(tx, cpv),
    units: await importUnitCodes(tx, units),
    cpvLabels: await importCpvLabels(tx, labels),
  }));
}

/**
 * What `npm start` and `npm test` do before anything else: import both lists from the reference
 * data folder (re-importing leaves unchanged rows alone). No folder is an error, not a fallback to
 * structure-only checks: a CPV code is valid only if the list has it (Regulation 213/2008).
 */
export async function loadReferenceLists(
  db: Db,
  /** The folder `locateReferenceData()` found, if it found one. */
  dataDir: string | undefined,
): Promise<{ cpv: number; units: number; cpvLabels: number; dataDir: string }> {
  if (dataDir === undefined)
    throw new ReferenceDataError(
      `the CPV 2008 and UN/CEFACT Rec 20 lists were not found (${CPV_FILE} and ${UNITS_FILE}): set REFERENCE_DATA_DIR to the folder that holds them`,
    );
  const labels = join(dataDir, CPV_LABELS_FILE);
  const counts = await importReferenceFiles(db, {
    cpv: join(dataDir, CPV_FILE),
    units: join(dataDir, UNITS_FILE),
    cpvLabels: existsSync(labels) ? labels : undefined,
  });
  return { ...counts, dataDir };
}

/** For the processes that do not import the lists themselves (the API and the worker): refuse to start without them. */
export async function requireReferenceLists(db: Db): Promise<void> {
  const missing = [
    ...((await isCpvListLoaded(db)) ? [] : ['CPV 2008']),
    ...((await isUnitListLoaded(db)) ? [] : ['UN/CEFACT Rec 20']),
  ];
  if (missing.length > 0)
    throw new ReferenceDataError(
      `the ${missing.join(' and ')} list${missing.length > 1 ? 's are' : ' is'} not in the database: run import-reference-data first`,
    );
}
