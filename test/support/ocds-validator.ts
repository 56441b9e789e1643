import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import Ajv04 from 'ajv-draft-04';
import addFormats from 'ajv-formats';
import { locateReferenceData } from '../../platform/reference-data-files.js';

/** The official OCDS 1.1.5 schemas with the EU extension, read where they are kept (never copied here). */
function readJson(...path: string[]): Record<string, unknown> {
  const dataDir = locateReferenceData();
  if (!dataDir) throw new Error('The shared data folder (OCDS schemas) was not found: set REFERENCE_DATA_DIR');
  return JSON.parse(readFileSync(join(dataDir, 'ocds', ...path), 'utf8')) as Record<string, unknown>;
}

/** RFC 7386 JSON Merge Patch, how OCDS extensions patch the release schema. */
function mergePatch(target: unknown, patch: unknown): unknown {
  if (patch === null || typeof patch !== 'object' || Array.isArray(patch)) return patch;
  const out: Record<string, unknown> =
    target !== null && typeof target === 'object' && !Array.isArray(target) ? { ...(target as Record<string, unknown>) } : {};
  for (const [key, value] of Object.entries(patch)) {
    if (value === null) delete out[key];
    else out[key] = mergePatch(out[key], value);
  }
  return out;
}

/** Validators for a release and a release package; each returns the problems found (none when valid). */
export function ocdsValidators() {
  const ajv = new Ajv04.default({ allErrors: true, strict: false });
  addFormats.default(ajv);
  const core = readJson('1.1.5', 'release-schema.json');
  ajv.addSchema(mergePatch(core, readJson('eu-extension', 'release-schema.json')) as object);
  const validateRelease = ajv.getSchema(core.id as string)!;
  const validatePackage = ajv.compile(readJson('1.1.5', 'release-package-schema.json'));
  const run = (validate: typeof validatePackage) => (data: unknown) =>
    validate(data) ? [] : (validate.errors ?? []).map((e) => `${e.instancePath || '/'} ${e.keyword} ${e.message ?? ''}`.trim());
  return { release: run(validateRelease), releasePackage: run(validatePackage) };
}
