import fc from 'fast-check';

/**
 * fast-check arbitraries from the JSON Schema (OpenAPI 3.1 dialect) that the app generates from
 * its zod route declarations. `zod-fast-check` only knows zod 3; the OpenAPI document is the one
 * description of every route that exists anyway, so the fuzzing follows whatever it says.
 *
 * Covers what zod-to-openapi emits: objects with required and optional properties and maps
 * (`additionalProperties`), strings with `minLength`/`maxLength`/`pattern`/`format` (uuid, date,
 * date-time, email), `enum`/`const`, integers and numbers with bounds, arrays with
 * `minItems`/`maxItems`, `$ref` to `#/components/schemas`, `type: [..., "null"]`, `anyOf`,
 * `oneOf`, `allOf` (properties and required lists merged). An empty schema (`{}`) is any small JSON value.
 */
export type JsonSchema = {
  $ref?: string;
  type?: string | string[];
  properties?: Record<string, JsonSchema>;
  required?: string[];
  additionalProperties?: boolean | JsonSchema;
  items?: JsonSchema;
  minItems?: number;
  maxItems?: number;
  minLength?: number;
  maxLength?: number;
  pattern?: string;
  format?: string;
  enum?: unknown[];
  const?: unknown;
  minimum?: number;
  maximum?: number;
  exclusiveMinimum?: number;
  exclusiveMaximum?: number;
  anyOf?: JsonSchema[];
  oneOf?: JsonSchema[];
  allOf?: JsonSchema[];
  example?: unknown;
  default?: unknown;
  nullable?: boolean;
  [key: string]: unknown;
};

export interface SchemaDocument {
  components?: { schemas?: Record<string, JsonSchema> };
}

/** Generated strings and arrays stay small unless the schema demands more: this is about shape, not volume. */
const SOFT_MAX_STRING = 40;
const SOFT_MAX_ITEMS = 3;
/** Deeper than this, optional properties are left out and `{}` schemas give scalars (recursive schemas end). */
const MAX_DEPTH = 6;

export function resolveRef(schema: JsonSchema, doc: SchemaDocument): JsonSchema {
  let current = schema;
  for (let hops = 0; current.$ref && hops < 20; hops++) {
    const name = /^#\/components\/schemas\/(.+)$/.exec(current.$ref)?.[1];
    const target = name ? doc.components?.schemas?.[decodeURIComponent(name)] : undefined;
    if (!target) throw new Error(`unresolvable $ref ${current.$ref}`);
    const { $ref: _ref, ...siblings } = current;
    current = { ...target, ...siblings };
  }
  return current;
}

/** The parts of an `allOf` as one schema: properties and required lists joined, other keywords the last part's. */
export function mergeAllOf(parts: JsonSchema[], doc: SchemaDocument): JsonSchema {
  return parts.reduce<JsonSchema>((acc, part) => {
    const r = resolveRef(part, doc);
    return {
      ...acc,
      ...r,
      ...(acc.properties || r.properties ? { properties: { ...acc.properties, ...r.properties } } : {}),
      ...(acc.required || r.required ? { required: [...(acc.required ?? []), ...(r.required ?? [])] } : {}),
    };
  }, {});
}

/** The schema's types, `null` included when it is nullable (3.0 style) or listed (3.1 style). */
export function typesOf(schema: JsonSchema): string[] {
  const listed = schema.type === undefined ? [] : Array.isArray(schema.type) ? schema.type : [schema.type];
  if (schema.nullable && !listed.includes('null')) return [...listed, 'null'];
  if (listed.length > 0) return listed;
  if (schema.properties || schema.additionalProperties !== undefined) return ['object'];
  if (schema.items) return ['array'];
  return [];
}

export function isEmptySchema(schema: JsonSchema): boolean {
  return (
    typesOf(schema).length === 0 &&
    !schema.enum &&
    !('const' in schema) &&
    !schema.anyOf &&
    !schema.oneOf &&
    !schema.allOf &&
    !schema.$ref
  );
}

const smallJson: fc.Arbitrary<unknown> = fc.jsonValue({ maxDepth: 2, depthSize: 'small' });

/** An arbitrary for values the schema accepts (as far as the JSON Schema can say: business rules are the server's). */
export function arbitraryFor(schema: JsonSchema, doc: SchemaDocument, depth = 0): fc.Arbitrary<unknown> {
  const s = resolveRef(schema, doc);
  if ('const' in s) return fc.constant(s.const);
  if (s.enum) return fc.constantFrom(...s.enum);
  if (s.allOf?.length) return arbitraryFor(mergeAllOf(s.allOf, doc), doc, depth);
  const branches = s.anyOf ?? s.oneOf;
  if (branches?.length) return fc.oneof(...branches.map((b) => arbitraryFor(b, doc, depth + 1)));
  const types = typesOf(s);
  if (types.length === 0)
    return depth >= MAX_DEPTH ? fc.oneof(fc.string({ maxLength: 8 }), fc.integer(), fc.boolean()) : smallJson;
  const byType = types.map((t) => arbitraryForType(t, s, doc, depth));
  // A documented example is a realistic value (a CPV code that exists, say); use it now and then.
  if (
    s.example !== undefined &&
    types.includes(
      typeof s.example === 'number' ? (Number.isInteger(s.example) ? 'integer' : 'number') : typeof s.example,
    )
  ) {
    byType.push(fc.constant(s.example));
  }
  return byType.length === 1 ? byType[0]! : fc.oneof(...byType);
}

function arbitraryForType(type: string, s: JsonSchema, doc: SchemaDocument, depth: number): fc.Arbitrary<unknown> {
  switch (type) {
    case 'null':
      return fc.constant(null);
    case 'boolean':
      return fc.boolean();
    case 'integer':
      return integerArbitrary(s);
    case 'number':
      return numberArbitrary(s);
    case 'string':
      return stringArbitrary(s);
    case 'array':
      return fc.array(s.items ? arbitraryFor(s.items, doc, depth + 1) : smallJson, {
        minLength: s.minItems ?? 0,
        maxLength: Math.max(s.minItems ?? 0, Math.min(s.maxItems ?? SOFT_MAX_ITEMS, SOFT_MAX_ITEMS)),
      });
    case 'object':
      return objectArbitrary(s, doc, depth);
    default:
      throw new Error(`unsupported JSON Schema type ${type}`);
  }
}

function integerArbitrary(s: JsonSchema): fc.Arbitrary<number> {
  const min =
    s.exclusiveMinimum !== undefined
      ? Math.floor(s.exclusiveMinimum) + 1
      : s.minimum !== undefined
        ? Math.ceil(s.minimum)
        : -1_000_000;
  const max =
    s.exclusiveMaximum !== undefined
      ? Math.ceil(s.exclusiveMaximum) - 1
      : s.maximum !== undefined
        ? Math.floor(s.maximum)
        : 1_000_000;
  return fc.integer({ min: Math.max(min, Number.MIN_SAFE_INTEGER), max: Math.min(max, Number.MAX_SAFE_INTEGER) });
}

function numberArbitrary(s: JsonSchema): fc.Arbitrary<number> {
  const min = s.minimum ?? s.exclusiveMinimum ?? -1e9;
  const max = s.maximum ?? s.exclusiveMaximum ?? 1e9;
  return (
    fc
      .double({
        min,
        max,
        noNaN: true,
        noDefaultInfinity: true,
        minExcluded: s.exclusiveMinimum !== undefined,
        maxExcluded: s.exclusiveMaximum !== undefined,
      })
      // -0 is not a JSON value a client sends by accident: it goes out as "0" anyway.
      .map((n) => (Object.is(n, -0) ? 0 : n))
  );
}

const isoDate = fc.date({
  min: new Date('2000-01-01T00:00:00Z'),
  max: new Date('2099-12-31T00:00:00Z'),
  noInvalidDate: true,
});

function stringArbitrary(s: JsonSchema): fc.Arbitrary<string> {
  const minLength = s.minLength ?? 0;
  // Without a maxLength, a pattern or format decides the length (a 64-digit hash); free text stays short.
  const maxLength = s.maxLength ?? (s.pattern || s.format ? Infinity : Math.max(minLength, SOFT_MAX_STRING));
  const fits = (v: string) => v.length >= minLength && v.length <= maxLength;
  let base: fc.Arbitrary<string>;
  switch (s.format) {
    case 'uuid':
      return fc.uuid();
    case 'date':
      return isoDate.map((d) => d.toISOString().slice(0, 10));
    case 'date-time':
      return isoDate.map((d) => d.toISOString());
    case 'email':
      // fc.emailAddress makes RFC 5322 oddities (quoted parts) that zod's e-mail check rightly refuses.
      base = fc
        .tuple(
          fc.stringMatching(/^[a-z][a-z0-9._-]{0,14}[a-z0-9]$/),
          fc.stringMatching(/^[a-z][a-z0-9-]{0,10}[a-z0-9]\.(eu|com|example)$/),
        )
        .map(([local, domain]) => `${local.replace(/\.{2,}/g, '.')}@${domain}`);
      break;
    default:
      base = s.pattern
        ? fc.stringMatching(new RegExp(s.pattern))
        : fc.oneof(
            fc.string({ minLength, maxLength: Math.max(minLength, Math.min(maxLength, SOFT_MAX_STRING)) }),
            fc.string({
              unit: 'grapheme',
              minLength,
              maxLength: Math.max(minLength, Math.min(maxLength, SOFT_MAX_STRING)),
            }),
          );
  }
  // A pattern or format does not know the length bounds. A pattern's values that miss them are
  // filtered out (the document's patterns and bounds agree); other values are cut or padded.
  if (s.pattern) return base.filter(fits);
  return base.map((v) => (fits(v) ? v : v.length > maxLength ? cutToLength(v, maxLength) : v.padEnd(minLength, 'a')));
}

/** At most `max` UTF-16 units, never splitting a surrogate pair (which would make a hostile value by accident). */
function cutToLength(v: string, max: number): string {
  let out = '';
  for (const ch of v) {
    if (out.length + ch.length > max) break;
    out += ch;
  }
  return out;
}

function objectArbitrary(s: JsonSchema, doc: SchemaDocument, depth: number): fc.Arbitrary<Record<string, unknown>> {
  const properties = s.properties ?? {};
  const required = new Set(s.required ?? []);
  if (
    Object.keys(properties).length === 0 &&
    s.additionalProperties !== undefined &&
    s.additionalProperties !== false
  ) {
    // A map (z.record): a few keys of its own, with values of the schema it names.
    const values = s.additionalProperties === true ? smallJson : arbitraryFor(s.additionalProperties, doc, depth + 1);
    const keys = s.propertyNames
      ? (arbitraryFor(s.propertyNames as JsonSchema, doc, depth + 1) as fc.Arbitrary<string>)
      : fc.string({ minLength: 1, maxLength: 12 });
    return fc.dictionary(keys, values, { maxKeys: SOFT_MAX_ITEMS });
  }
  const record: Record<string, fc.Arbitrary<unknown>> = {};
  const keep: string[] = [];
  for (const [name, prop] of Object.entries(properties)) {
    if (!required.has(name) && depth >= MAX_DEPTH) continue;
    record[name] = arbitraryFor(prop, doc, depth + 1);
    if (required.has(name)) keep.push(name);
  }
  return fc.record(record, { requiredKeys: keep });
}
