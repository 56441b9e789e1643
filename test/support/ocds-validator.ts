import { readFileSync } from 'node:fs';
import { join } from 'node:path';

import Ajv04 from 'ajv-draft-04';
import addFormats from 'ajv-formats';
import { parse } from 'csv-parse/sync';

import { locateReferenceData } from '../../db/reference-data-files.js';

/** The official OCDS 1.1.5 schemas, codelists and the EU extension, read where they are kept (never copied here). */
function ocdsPath(...path: string[]): string {
  const dataDir = locateReferenceData();
  if (!dataDir) throw new Error('The shared data folder (OCDS schemas) was not found: set REFERENCE_DATA_DIR');
  return join(dataDir, 'ocds', ...path);
}

const readJson = (...path: string[]) => JSON.parse(readFileSync(ocdsPath(...path), 'utf8')) as Record<string, unknown>;

/** The codes of one codelist file (`1.1.5/codelists/partyRole.csv`, `eu-extension/+partyRole.csv`). */
export function ocdsCodes(...path: string[]): string[] {
  const rows = parse(readFileSync(ocdsPath(...path), 'utf8'), { columns: true }) as { Code: string }[];
  return rows.map((r) => r.Code);
}

/** The codelists available here, by the file name the schema's `codelist` keyword gives; party roles with the EU extension's. */
export function ocdsCodelists(): Record<string, ReadonlySet<string>> {
  return {
    'partyRole.csv': new Set([
      ...ocdsCodes('1.1.5', 'codelists', 'partyRole.csv'),
      ...ocdsCodes('eu-extension', '+partyRole.csv'),
    ]),
    'releaseTag.csv': new Set(ocdsCodes('1.1.5', 'codelists', 'releaseTag.csv')),
    'tenderStatus.csv': new Set(ocdsCodes('1.1.5', 'codelists', 'tenderStatus.csv')),
    'currency.csv': new Set(ocdsCodes('1.1.5', 'codelists', 'currency.csv')),
  };
}

/** RFC 7386 JSON Merge Patch, how OCDS extensions patch the release schema. */
function mergePatch(target: unknown, patch: unknown): unknown {
  if (patch === null || typeof patch !== 'object' || Array.isArray(patch)) return patch;
  const out: Record<string, unknown> =
    target !== null && typeof target === 'object' && !Array.isArray(target)
      ? { ...(target as Record<string, unknown>) }
      : {};
  for (const [key, value] of Object.entries(patch)) {
    if (value === null) delete out[key];
    else out[key] = mergePatch(out[key], value);
  }
  return out;
}

export interface OcdsValidators {
  release: (data: unknown) => string[];
  releasePackage: (data: unknown) => string[];
}

/**
 * Validators for a release and a release package; each returns the problems found (none when
 * valid). Ajv for draft-04 with the OCDS metadata keywords declared; `codelist` is enforced for
 * the codelists given (all available ones by default), the open ones (partyRole) included,
 * which plain schema validation would let through.
 */
export function ocdsValidators(
  options: { codelists?: Record<string, ReadonlySet<string>>; withEuExtension?: boolean } = {},
): OcdsValidators {
  const codelists = options.codelists ?? ocdsCodelists();
  const ajv = new Ajv04.default({ allErrors: true, strict: true, strictTypes: false });
  addFormats.default(ajv);
  ajv.addVocabulary(['deprecated', 'omitWhenMerged', 'openCodelist', 'versionId', 'wholeListMerge']);
  ajv.addKeyword({
    keyword: 'codelist',
    schemaType: 'string',
    errors: false,
    validate: (file: string, data: unknown) => {
      const list = codelists[file];
      if (!list || data === null || data === undefined) return true;
      return (Array.isArray(data) ? data : [data]).every((code) => typeof code === 'string' && list.has(code));
    },
  });
  const core = readJson('1.1.5', 'release-schema.json');
  ajv.addSchema(
    ((options.withEuExtension ?? true)
      ? mergePatch(core, readJson('eu-extension', 'release-schema.json'))
      : core) as object,
  );
  const validateRelease = ajv.getSchema(core.id as string)!;
  const validatePackage = ajv.compile(readJson('1.1.5', 'release-package-schema.json'));
  const run = (validate: typeof validatePackage) => (data: unknown) =>
    validate(data)
      ? []
      : (validate.errors ?? []).map((e) => `${e.instancePath || '/'} ${e.keyword} ${e.message ?? ''}`.trim());
  return { release: run(validateRelease), releasePackage: run(validatePackage) };
}
