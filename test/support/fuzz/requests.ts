import fc from 'fast-check';

import {
  hostileContentTypes,
  hostileHeaders,
  hostileJsonFragments,
  hostilePathValues,
  hostileQueries,
  hostileRawBodies,
  hostileStrings,
} from './hostile-values.js';
import { describePath, invalidArbitraryFor, mutate, setAt, slotsOf } from './invalid-variants.js';
import { arbitraryFor, type JsonSchema, mergeAllOf, resolveRef, type SchemaDocument } from './json-schema-arbitrary.js';

/** The parts of the OpenAPI document the fuzzer reads. */
export interface OpenApiDocument extends SchemaDocument {
  paths: Record<string, Record<string, OpenApiOperation>>;
}

interface OpenApiParameter {
  name: string;
  in: 'path' | 'query' | 'header' | 'cookie';
  required?: boolean;
  schema?: JsonSchema;
}

interface OpenApiOperation {
  parameters?: OpenApiParameter[];
  requestBody?: { required?: boolean; content?: Record<string, { schema?: JsonSchema }> };
  security?: unknown[];
}

export interface Operation {
  /** `METHOD /path/{param}` as in the document (and the authorisation matrix). */
  key: string;
  method: string;
  template: string;
  pathParams: OpenApiParameter[];
  queryParams: OpenApiParameter[];
  body?: { contentType: string; schema: JsonSchema };
  public: boolean;
}

export function operationsOf(doc: OpenApiDocument): Operation[] {
  const out: Operation[] = [];
  for (const [template, methods] of Object.entries(doc.paths)) {
    for (const [method, op] of Object.entries(methods)) {
      const params = op.parameters ?? [];
      const content = Object.entries(op.requestBody?.content ?? {})[0];
      out.push({
        key: `${method.toUpperCase()} ${template}`,
        method: method.toUpperCase(),
        template,
        pathParams: params.filter((p) => p.in === 'path'),
        queryParams: params.filter((p) => p.in === 'query'),
        ...(content?.[1].schema ? { body: { contentType: content[0], schema: content[1].schema } } : {}),
        public: (op.security ?? []).length === 0,
      });
    }
  }
  return out;
}

/**
 * Values that hit real rows, by path parameter name (statement ids of every stage, organisation
 * ids, the victim user). A name not listed gets a value generated from its schema.
 */
export type ParameterPool = Record<string, readonly string[]>;

/** A body an operation accepts, and the path values it is good for (the statement at the right stage). */
export interface KnownGood {
  body: unknown;
  params?: Record<string, string>;
}

/** The body as JSON text with the raw JSON `json` at `path` (raw, so `1e309` and 5,000-deep nesting go out as written). */
export function withRawJsonAt(body: unknown, path: (string | number)[], json: string): string {
  const marker = `__fuzz_raw_${Math.random().toString(36).slice(2)}__`;
  return JSON.stringify(setAt(body, path, () => marker)).replace(JSON.stringify(marker), json);
}

export type RequestKind = 'valid' | 'invalid' | 'hostile';

export interface FuzzRequest {
  key: string;
  kind: RequestKind;
  /** What was generated or broken, for the report. */
  what: string;
  method: string;
  target: string;
  headers: Record<string, string>;
  body?: string;
}

/**
 * Percent-encoding that keeps what the value is: a lone surrogate goes out as its three WTF-8
 * bytes (`%ED%A0%80`), where encodeURIComponent throws and URLSearchParams puts U+FFFD instead.
 */
export function encodeSegment(v: string): string {
  let out = '';
  for (const ch of v) {
    const code = ch.codePointAt(0)!;
    if (code >= 0xd800 && code <= 0xdfff)
      out += [0xe0 | (code >> 12), 0x80 | ((code >> 6) & 0x3f), 0x80 | (code & 0x3f)]
        .map((b) => `%${b.toString(16).toUpperCase()}`)
        .join('');
    else out += encodeURIComponent(ch);
  }
  return out;
}

const encodeQuery = (q: Record<string, string>) =>
  Object.entries(q)
    .map(([k, v]) => `${encodeSegment(k)}=${encodeSegment(v)}`)
    .join('&');

function paramArbitrary(p: OpenApiParameter, doc: SchemaDocument, pool: ParameterPool): fc.Arbitrary<string> {
  const known = pool[p.name];
  const generated = arbitraryFor(p.schema ?? { type: 'string' }, doc).map((v) => String(v));
  return known?.length
    ? fc.oneof({ arbitrary: fc.constantFrom(...known), weight: 5 }, { arbitrary: generated, weight: 1 })
    : generated;
}

/** A property name of the body that takes a string, so raw hostile bodies reach a real field. */
export function stringFieldOf(schema: JsonSchema | undefined, doc: SchemaDocument): string {
  if (!schema) return 'text';
  const ref = resolveRef(schema, doc);
  const s = ref.allOf?.length ? mergeAllOf(ref.allOf, doc) : ref;
  const entry = Object.entries(s.properties ?? {}).find(([, prop]) => {
    const r = resolveRef(prop, doc);
    return r.type === 'string' || (Array.isArray(r.type) && r.type.includes('string'));
  });
  return entry?.[0] ?? Object.keys(s.properties ?? {})[0] ?? 'text';
}

/**
 * Requests for one operation: valid ones (generated from the document), invalid ones (one
 * mutation of a valid body, parameter or query) and hostile ones (the hand-written list: raw
 * bodies, content types, path values, query strings, headers).
 */
export function requestArbitrary(
  op: Operation,
  doc: SchemaDocument,
  pool: ParameterPool,
  knownGood?: KnownGood,
): fc.Arbitrary<FuzzRequest> {
  const pathValues = fc.record(
    Object.fromEntries(op.pathParams.map((p) => [p.name, paramArbitrary(p, doc, pool)])) as Record<
      string,
      fc.Arbitrary<string>
    >,
  );
  const query = fc.record(
    Object.fromEntries(
      op.queryParams.map((p) => [
        p.name,
        arbitraryFor(p.schema ?? { type: 'string' }, doc).map((v) => (Array.isArray(v) ? v.join(',') : String(v))),
      ]),
    ) as Record<string, fc.Arbitrary<string>>,
    { requiredKeys: op.queryParams.filter((p) => p.required).map((p) => p.name) },
  );
  const hasBody = op.body !== undefined;
  // Generated bodies rarely pass the business rules (a CPV code that exists, a year in range); a
  // known-good body does, and its mutations carry hostile text all the way to the workflow.
  const generatedBody = op.body
    ? arbitraryFor(op.body.schema, doc).map((v) => JSON.stringify(v))
    : fc.constant(undefined);
  const validBody = generatedBody;
  // The known-good body goes with the path values it is good for (the statement at the right stage).
  const knownPathValues = pathValues.map((p) => ({ ...p, ...knownGood?.params }));
  const build = (
    kind: RequestKind,
    what: string,
    path: Record<string, string>,
    q: Record<string, string> | string,
    body: string | undefined,
    headers: Record<string, string> = {},
    rawPath = false,
  ): FuzzRequest => {
    const target =
      op.template.replace(/\{(\w+)\}/g, (_m, name: string) =>
        rawPath ? path[name]! : encodeSegment(path[name] ?? ''),
      ) + (typeof q === 'string' ? (q ? `?${q}` : '') : Object.keys(q).length ? `?${encodeQuery(q)}` : '');
    const contentType: Record<string, string> =
      body !== undefined && !('content-type' in headers)
        ? { 'content-type': op.body?.contentType ?? 'application/json' }
        : {};
    return {
      key: op.key,
      kind,
      what,
      method: op.method,
      target,
      headers: { ...contentType, ...headers },
      ...(body !== undefined ? { body } : {}),
    };
  };

  const valid = fc.oneof(
    fc.tuple(pathValues, query, validBody).map(([p, q, b]) => build('valid', 'generated from the document', p, q, b)),
    ...(knownGood
      ? [
          fc
            .tuple(knownPathValues, query)
            .map(([p, q]) => build('valid', 'known-good body', p, q, JSON.stringify(knownGood.body))),
        ]
      : []),
  );

  const invalidOptions: fc.Arbitrary<FuzzRequest>[] = [];
  if (op.body) {
    const schema = op.body.schema;
    invalidOptions.push(
      fc
        .tuple(pathValues, query, invalidArbitraryFor(schema, doc))
        .map(([p, q, v]) => build('invalid', `body: ${v.mutation}`, p, q, JSON.stringify(v.value))),
    );
    if (knownGood) {
      invalidOptions.push(
        fc.tuple(knownPathValues, query, fc.nat(), fc.nat()).map(([p, q, where, choice]) => {
          const v = mutate(knownGood.body, schema, doc, where, choice);
          return build('invalid', `known-good body: ${v.mutation}`, p, q, JSON.stringify(v.value));
        }),
      );
    }
  }
  for (const param of op.queryParams) {
    invalidOptions.push(
      fc
        .tuple(pathValues, query, invalidArbitraryFor(param.schema ?? { type: 'string' }, doc), validBody)
        .map(([p, q, v, b]) =>
          build(
            'invalid',
            `query ${param.name}: ${v.mutation}`,
            p,
            { ...q, [param.name]: typeof v.value === 'string' ? v.value : JSON.stringify(v.value) },
            b,
          ),
        ),
    );
  }
  for (const param of op.pathParams) {
    invalidOptions.push(
      fc
        .tuple(pathValues, query, invalidArbitraryFor(param.schema ?? { type: 'string' }, doc), validBody)
        .map(([p, q, v, b]) =>
          build(
            'invalid',
            `path ${param.name}: ${v.mutation}`,
            { ...p, [param.name]: typeof v.value === 'string' ? v.value : JSON.stringify(v.value) },
            q,
            b,
          ),
        ),
    );
  }

  const field = stringFieldOf(op.body?.schema, doc);
  const hostileOptions: fc.Arbitrary<FuzzRequest>[] = [
    fc
      .tuple(pathValues, query, validBody, fc.constantFrom(...hostileHeaders))
      .map(([p, q, b, h]) => build('hostile', `header: ${h.name}`, p, q, b, h.value)),
    fc
      .tuple(pathValues, fc.constantFrom(...hostileQueries), validBody)
      .map(([p, h, b]) => build('hostile', `query: ${h.name}`, p, h.value, b)),
  ];
  if (op.pathParams.length > 0) {
    hostileOptions.push(
      fc
        .tuple(
          pathValues,
          query,
          validBody,
          fc.constantFrom(...op.pathParams.map((p) => p.name)),
          fc.constantFrom(...hostilePathValues),
        )
        .map(([p, q, b, name, h]) =>
          build(
            'hostile',
            `path ${name}: ${h.name}`,
            { ...Object.fromEntries(Object.entries(p).map(([k, v]) => [k, encodeSegment(v)])), [name]: h.value },
            q,
            b,
            {},
            true,
          ),
        ),
    );
  }
  if (hasBody || op.method !== 'GET') {
    hostileOptions.push(
      fc
        .tuple(pathValues, query, fc.constantFrom(...hostileRawBodies))
        .map(([p, q, h]) => build('hostile', `raw body: ${h.name}`, p, q, h.value.replaceAll('{field}', field))),
      fc
        .tuple(pathValues, query, validBody, fc.constantFrom(...hostileContentTypes))
        .map(([p, q, b, h]) =>
          build(
            'hostile',
            `content type: ${h.name}`,
            p,
            q,
            b ?? '{}',
            h.value === undefined ? {} : { 'content-type': h.value },
          ),
        ),
    );
  }
  // A hostile value in one place of a known-good body: the rest passes every rule, so the value
  // travels as far as the server lets it (the database write, the workflow's activity).
  const knownGoodHostile: fc.Arbitrary<FuzzRequest>[] = [];
  if (knownGood && op.body) {
    const places = slotsOf(knownGood.body, op.body.schema, doc).filter((slot) => slot.path.length > 0);
    const values = fc.oneof(
      fc.constantFrom(...hostileStrings).map((h) => ({ name: h.name, json: JSON.stringify(h.value) })),
      fc.constantFrom(...hostileJsonFragments).map((h) => ({ name: h.name, json: h.value })),
    );
    if (places.length > 0) {
      knownGoodHostile.push(
        fc.tuple(knownPathValues, query, fc.nat(places.length - 1), values).map(([p, q, i, h]) => {
          const place = places[i]!;
          return build(
            'hostile',
            `known-good body, ${h.name} at ${describePath(place.path)}`,
            p,
            q,
            withRawJsonAt(knownGood.body, place.path, h.json),
          );
        }),
      );
    }
  }

  // With the content type left out, `build` would add it back; remove it here.
  const withoutDefaultType = (r: FuzzRequest) =>
    r.what === 'content type: none'
      ? { ...r, headers: Object.fromEntries(Object.entries(r.headers).filter(([k]) => k !== 'content-type')) }
      : r;

  return fc.oneof(
    { arbitrary: valid, weight: 4 },
    ...(invalidOptions.length ? [{ arbitrary: fc.oneof(...invalidOptions), weight: 4 }] : []),
    { arbitrary: fc.oneof(...hostileOptions).map(withoutDefaultType), weight: 2 },
    ...(knownGoodHostile.length ? [{ arbitrary: knownGoodHostile[0]!, weight: 4 }] : []),
  );
}

/** The request number `index` of a run with `seed`: each on its own seed, so any one can be made again alone. */
export function sampleRequest(arbitrary: fc.Arbitrary<FuzzRequest>, seed: number, index: number): FuzzRequest {
  return fc.sample(arbitrary, { seed: requestSeed(seed, index), numRuns: 1 })[0]!;
}

export const requestSeed = (seed: number, index: number) => (Math.imul(seed ^ 0x9e3779b9, 31) + index * 2654435761) | 0;

/** One line about a request: method, target and body cut short (a 10⁶-character string is not printed whole). */
export function summariseRequest(r: FuzzRequest, max = 300): string {
  const cut = (s: string) => (s.length > max ? `${s.slice(0, max)}… (${s.length} chars)` : s);
  const headers = Object.entries(r.headers)
    .filter(([k]) => k !== 'authorization')
    .map(([k, v]) => `${k}: ${JSON.stringify(cut(v))}`)
    .join(', ');
  return `${r.method} ${cut(r.target)} [${r.kind}: ${r.what}]${headers ? ` headers {${headers}}` : ''}${r.body !== undefined ? ` body ${JSON.stringify(cut(r.body))}` : ''}`;
}
