import { createHash } from 'node:crypto';

/**
 * RFC 8785 JSON Canonicalization Scheme (JCS) for the JSON values we hash: object keys sorted by
 * UTF-16 code units, no whitespace, strings and numbers serialised as ECMAScript's JSON.stringify
 * does (which is what JCS prescribes), so the same value always hashes the same however jsonb
 * reorders it, and any JCS library in any language reproduces our audit hashes. Values JSON
 * cannot carry (NaN, Infinity) are refused, as JCS requires; `undefined` properties are omitted.
 */
export function canonicalJson(value: unknown): string {
  if (typeof value === 'number' && !Number.isFinite(value))
    throw new TypeError(`JCS (RFC 8785) cannot represent ${value}`);
  if (value === null || typeof value !== 'object') return JSON.stringify(value ?? null);
  if (typeof (value as { toJSON?: unknown }).toJSON === 'function')
    return canonicalJson((value as { toJSON(): unknown }).toJSON());
  if (Array.isArray(value)) return `[${value.map((v) => canonicalJson(v === undefined ? null : v)).join(',')}]`;
  const entries = Object.entries(value as Record<string, unknown>)
    .filter(([, v]) => v !== undefined)
    .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
  return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${canonicalJson(v)}`).join(',')}}`;
}

/** SHA-256 of the canonical JSON: what the workflow history carries instead of a document. */
export function contentHash(value: unknown): string {
  return createHash('sha256').update(canonicalJson(value)).digest('hex');
}
