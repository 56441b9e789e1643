import fc from 'fast-check';

import { hostileJsonValues, hostileStrings } from './hostile-values.js';
import {
  arbitraryFor,
  isEmptySchema,
  type JsonSchema,
  mergeAllOf,
  resolveRef,
  type SchemaDocument,
  typesOf,
} from './json-schema-arbitrary.js';

/**
 * Invalid variants of a valid value: one mutation at one place, named so that a report says what
 * was done (`drop required schedule.confirmation`, `wrong type at lines[0].quantity`, ...).
 */
export interface Variant {
  value: unknown;
  mutation: string;
}

/** One place in a value, with the schema that governs it. */
export interface Slot {
  path: (string | number)[];
  schema: JsonSchema;
  value: unknown;
}

export function slotsOf(
  value: unknown,
  schema: JsonSchema,
  doc: SchemaDocument,
  path: (string | number)[] = [],
): Slot[] {
  const s = resolveBranch(schema, value, doc);
  const here: Slot = { path, schema: s, value };
  if (Array.isArray(value)) {
    return [here, ...value.flatMap((item, i) => (s.items ? slotsOf(item, s.items, doc, [...path, i]) : []))];
  }
  if (value && typeof value === 'object') {
    return [
      here,
      ...Object.entries(value as Record<string, unknown>).flatMap(([k, v]) => {
        const prop =
          s.properties?.[k] ?? (typeof s.additionalProperties === 'object' ? s.additionalProperties : undefined);
        return prop ? slotsOf(v, prop, doc, [...path, k]) : [];
      }),
    ];
  }
  return [here];
}

/** For anyOf/oneOf, the branch the value most likely came from (by JSON type), so slots know their bounds. */
function resolveBranch(schema: JsonSchema, value: unknown, doc: SchemaDocument): JsonSchema {
  const ref = resolveRef(schema, doc);
  const s = ref.allOf?.length ? mergeAllOf(ref.allOf, doc) : ref;
  const branches = s.anyOf ?? s.oneOf;
  if (!branches) return s;
  const kind =
    value === null
      ? 'null'
      : Array.isArray(value)
        ? 'array'
        : typeof value === 'number'
          ? Number.isInteger(value)
            ? 'integer'
            : 'number'
          : typeof value;
  const resolved = branches.map((b) => resolveRef(b, doc));
  return (
    resolved.find((b) => typesOf(b).includes(kind) || (kind === 'integer' && typesOf(b).includes('number'))) ??
    resolved[0]!
  );
}

export const describePath = (path: (string | number)[]) =>
  path.length === 0
    ? '(value)'
    : path
        .map((p) => (typeof p === 'number' ? `[${p}]` : `.${p}`))
        .join('')
        .replace(/^\./, '');

export function setAt(root: unknown, path: (string | number)[], replace: (old: unknown) => unknown): unknown {
  if (path.length === 0) return replace(root);
  const [head, ...rest] = path;
  const copy: any = Array.isArray(root) ? [...root] : { ...(root as object) };
  copy[head!] = setAt(copy[head!], rest, replace);
  return copy;
}

/** A value of a JSON type the schema does not allow, or undefined when it allows every type. */
export function wrongTypeValue(schema: JsonSchema): unknown {
  const allowed = new Set(typesOf(schema));
  if (allowed.size === 0 || schema.anyOf || schema.oneOf) return undefined;
  const candidates: [string, unknown][] = [
    ['string', 'a string where none belongs'],
    ['integer', 12345],
    ['number', 1.5],
    ['boolean', true],
    ['object', { unexpected: true }],
    ['array', ['unexpected']],
    ['null', null],
  ];
  const pick = candidates.find(([type]) => !allowed.has(type) && !(type === 'integer' && allowed.has('number')));
  return pick?.[1];
}

/** Values just outside the schema's bounds (length, range, items, enum, pattern, format). */
export function outOfRangeValues(schema: JsonSchema): Named[] {
  const out: Named[] = [];
  if (schema.enum)
    out.push({ name: 'not one of the enum', value: typeof schema.enum[0] === 'number' ? -987654 : 'not-in-the-enum' });
  if (schema.maxLength !== undefined)
    out.push({ name: `longer than maxLength ${schema.maxLength}`, value: 'x'.repeat(schema.maxLength + 1) });
  if (schema.minLength !== undefined && schema.minLength > 0)
    out.push({ name: `shorter than minLength ${schema.minLength}`, value: 'x'.repeat(schema.minLength - 1) });
  if (schema.pattern) out.push({ name: `not matching ${schema.pattern}`, value: '!!not matching!!' });
  if (schema.format === 'uuid') out.push({ name: 'not a uuid', value: 'not-a-uuid' });
  if (schema.format === 'date' || schema.format === 'date-time')
    out.push({ name: `not a ${schema.format}`, value: '2024-02-30T25:61:00Z' });
  if (schema.format === 'email') out.push({ name: 'not an e-mail address', value: 'nobody@@example..com' });
  if (schema.minimum !== undefined) out.push({ name: `below minimum ${schema.minimum}`, value: schema.minimum - 1 });
  if (schema.maximum !== undefined) out.push({ name: `above maximum ${schema.maximum}`, value: schema.maximum + 1 });
  if (typesOf(schema).includes('integer') && !typesOf(schema).includes('number'))
    out.push({ name: 'fraction for an integer', value: 1.5 });
  if (schema.maxItems !== undefined)
    out.push({
      name: `more than maxItems ${schema.maxItems}`,
      value: Array.from({ length: schema.maxItems + 1 }, () => 'x'),
    });
  if (schema.minItems !== undefined && schema.minItems > 0)
    out.push({ name: `fewer than minItems ${schema.minItems}`, value: [] });
  return out;
}

interface Named {
  name: string;
  value: unknown;
}

/**
 * Applies mutation number `choice` (any natural number; taken modulo the possibilities) at slot
 * number `where`. Kinds: drop a required property, a wrong type, a value out of range, an extra
 * key, a hostile string or a hostile JSON value. Falls back to the next kind when one does not
 * apply at that slot (a number has no required properties to drop).
 */
export function mutate(
  value: unknown,
  schema: JsonSchema,
  doc: SchemaDocument,
  where: number,
  choice: number,
): Variant {
  const slots = slotsOf(value, schema, doc);
  const slot = slots[where % slots.length]!;
  const at = describePath(slot.path);
  const kinds = ['drop-required', 'wrong-type', 'out-of-range', 'extra-key', 'hostile-string', 'hostile-json'] as const;
  for (let k = 0; k < kinds.length; k++) {
    const kind = kinds[(choice + k) % kinds.length]!;
    switch (kind) {
      case 'drop-required': {
        const present = (slot.schema.required ?? []).filter(
          (r) => slot.value && typeof slot.value === 'object' && r in (slot.value as object),
        );
        if (present.length === 0) break;
        const name = present[choice % present.length]!;
        return {
          value: setAt(value, slot.path, (old) =>
            Object.fromEntries(Object.entries(old as object).filter(([key]) => key !== name)),
          ),
          mutation: `drop required ${slot.path.length === 0 ? name : `${at}.${name}`}`,
        };
      }
      case 'wrong-type': {
        const wrong = wrongTypeValue(slot.schema);
        if (wrong === undefined) break;
        return {
          value: setAt(value, slot.path, () => wrong),
          mutation: `wrong type at ${at}: ${JSON.stringify(wrong)}`,
        };
      }
      case 'out-of-range': {
        const options = outOfRangeValues(slot.schema);
        if (options.length === 0) break;
        const o = options[choice % options.length]!;
        return { value: setAt(value, slot.path, () => o.value), mutation: `${o.name} at ${at}` };
      }
      case 'extra-key': {
        if (!slot.value || typeof slot.value !== 'object' || Array.isArray(slot.value)) break;
        return {
          value: setAt(value, slot.path, (old) => ({ ...(old as object), unexpectedFuzzKey: 'extra' })),
          mutation: `extra key at ${at}`,
        };
      }
      case 'hostile-string': {
        if (!typesOf(slot.schema).includes('string') && !isEmptySchema(slot.schema)) break;
        const h = hostileStrings[choice % hostileStrings.length]!;
        return { value: setAt(value, slot.path, () => h.value), mutation: `hostile string (${h.name}) at ${at}` };
      }
      case 'hostile-json': {
        const h = hostileJsonValues[choice % hostileJsonValues.length]!;
        return { value: setAt(value, slot.path, () => h.value), mutation: `hostile value (${h.name}) at ${at}` };
      }
    }
  }
  return { value: null, mutation: 'null body' };
}

/** Invalid variants of values valid for `schema`. */
export function invalidArbitraryFor(schema: JsonSchema, doc: SchemaDocument): fc.Arbitrary<Variant> {
  return fc
    .tuple(arbitraryFor(schema, doc), fc.nat(), fc.nat())
    .map(([valid, where, choice]) => mutate(valid, schema, doc, where, choice));
}
