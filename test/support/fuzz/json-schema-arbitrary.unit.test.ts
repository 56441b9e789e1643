import { Ajv2020 } from 'ajv/dist/2020.js';
import addFormats from 'ajv-formats';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { z } from 'zod';

import { mutate, outOfRangeValues, wrongTypeValue } from './invalid-variants.js';
import { arbitraryFor, type JsonSchema, mergeAllOf, resolveRef, type SchemaDocument } from './json-schema-arbitrary.js';
import { encodeSegment, type OpenApiDocument, operationsOf, requestArbitrary, sampleRequest } from './requests.js';

/**
 * The generators are checked against an independent validator (Ajv, JSON Schema 2020-12, the
 * dialect of OpenAPI 3.1): what `arbitraryFor` makes, the schema accepts; what `mutate` makes
 * from it, the zod schema it came from refuses.
 */
const ajv = new Ajv2020({ strict: false, allErrors: true });
(addFormats as unknown as (a: Ajv2020) => void)(ajv);

const doc: SchemaDocument = {
  components: {
    schemas: {
      Line: {
        type: 'object',
        properties: {
          cpvCode: { type: 'string', pattern: '^\\d{8}(-\\d)?$' },
          quantity: { type: 'string', pattern: '^\\d{1,15}(\\.\\d{1,10})?$' },
          year: { type: 'integer', minimum: 2020, maximum: 2040 },
        },
        required: ['cpvCode', 'quantity'],
        additionalProperties: false,
      },
    },
  },
};

/** A schema using every construct the converter claims to cover. */
const everything: JsonSchema = {
  type: 'object',
  properties: {
    id: { type: 'string', format: 'uuid' },
    title: { type: 'string', minLength: 3, maxLength: 10 },
    country: { type: 'string', pattern: '^[A-Z]{2}$' },
    day: { type: 'string', format: 'date' },
    at: { type: 'string', format: 'date-time' },
    email: { type: 'string', format: 'email' },
    kind: { type: 'string', enum: ['a', 'b'] },
    fixed: { const: 'x' },
    count: { type: 'integer', minimum: 1, maximum: 5 },
    share: { type: 'number', exclusiveMinimum: 0, maximum: 100 },
    maybe: { type: ['string', 'null'] },
    either: { anyOf: [{ type: 'boolean' }, { type: 'integer', minimum: 0 }] },
    one: { oneOf: [{ type: 'string', maxLength: 2 }, { $ref: '#/components/schemas/Line' }] },
    lines: { type: 'array', items: { $ref: '#/components/schemas/Line' }, minItems: 1, maxItems: 2 },
    answers: { type: 'object', additionalProperties: { type: 'string', maxLength: 5 } },
    free: {},
  },
  required: ['id', 'title', 'lines', 'kind'],
  additionalProperties: false,
};

const validator = ajv.compile({ ...everything, $defs: undefined, components: doc.components } as never);

describe('arbitraryFor: values the schema accepts', () => {
  it('makes only values that an independent JSON Schema validator accepts', () => {
    fc.assert(
      fc.property(arbitraryFor(everything, doc), (value) => {
        expect(validator(value), JSON.stringify(validator.errors)).toBe(true);
      }),
      { seed: 1, numRuns: 300 },
    );
  });

  it('includes optional properties sometimes and leaves them out sometimes', () => {
    const values = fc.sample(arbitraryFor(everything, doc), { seed: 2, numRuns: 200 }) as Record<string, unknown>[];
    expect(values.some((v) => 'country' in v)).toBe(true);
    expect(values.some((v) => !('country' in v))).toBe(true);
    expect(values.some((v) => v.maybe === null)).toBe(true);
  });

  it('joins the properties and required lists of an allOf (a patch schema extended with expectedVersion)', () => {
    const patch: JsonSchema = {
      allOf: [
        { $ref: '#/components/schemas/Line' },
        {
          type: 'object',
          properties: { expectedVersion: { type: 'integer', minimum: 1 } },
          required: ['expectedVersion'],
        },
      ],
    };
    const merged = mergeAllOf(patch.allOf!, doc);
    expect(Object.keys(merged.properties!)).toEqual(['cpvCode', 'quantity', 'year', 'expectedVersion']);
    expect(merged.required).toEqual(['cpvCode', 'quantity', 'expectedVersion']);
    for (const value of fc.sample(arbitraryFor(patch, doc), { seed: 6, numRuns: 50 }) as Record<string, unknown>[]) {
      expect(value).toHaveProperty('cpvCode');
      expect(value).toHaveProperty('expectedVersion');
    }
  });

  it('follows a $ref to the components', () => {
    expect(resolveRef({ $ref: '#/components/schemas/Line' }, doc).required).toEqual(['cpvCode', 'quantity']);
    expect(() => resolveRef({ $ref: '#/components/schemas/Missing' }, doc)).toThrow(/unresolvable/);
  });

  it('agrees with the zod schema the OpenAPI document was generated from', () => {
    const schema = z.object({
      title: z.string().min(3).max(200),
      year: z.int().min(2000).max(2100),
      tags: z.array(z.enum(['x', 'y'])).max(3),
      note: z.string().nullable().optional(),
      id: z.uuid(),
    });
    const json = z.toJSONSchema(schema) as JsonSchema;
    fc.assert(
      fc.property(arbitraryFor(json, {}), (value) => {
        expect(schema.safeParse(value).success).toBe(true);
      }),
      { seed: 3, numRuns: 200 },
    );
  });
});

describe('mutate: invalid variants', () => {
  const schema = z
    .object({
      title: z.string().min(3).max(20),
      year: z.int().min(2000).max(2100),
      kind: z.enum(['a', 'b']),
      lines: z
        .array(z.object({ id: z.uuid(), quantity: z.int().min(1) }).strict())
        .min(1)
        .max(3),
    })
    .strict();
  const json = z.toJSONSchema(schema) as JsonSchema;

  it('makes values the zod schema refuses, whatever the slot (hostile strings aside: a schema may accept them)', () => {
    fc.assert(
      fc.property(arbitraryFor(json, {}), fc.nat(), fc.nat(), (valid, where, choice) => {
        const variant = mutate(valid, json, {}, where, choice);
        if (variant.mutation.startsWith('hostile string')) return;
        expect(
          schema.safeParse(variant.value).success,
          `${variant.mutation}: ${JSON.stringify(variant.value).slice(0, 200)}`,
        ).toBe(false);
      }),
      { seed: 4, numRuns: 400 },
    );
  });

  it('names what it did: each kind of mutation occurs', () => {
    const names = fc
      .sample(fc.tuple(arbitraryFor(json, {}), fc.nat(), fc.nat()), { seed: 5, numRuns: 300 })
      .map(([v, w, c]) => mutate(v, json, {}, w, c).mutation);
    for (const kind of [
      /^drop required/,
      /^wrong type/,
      /maxLength|minLength|maximum|minimum|enum|uuid|maxItems|minItems/,
      /^extra key/,
      /^hostile string/,
      /^hostile value/,
    ]) {
      expect(
        names.some((n) => kind.test(n)),
        String(kind),
      ).toBe(true);
    }
  });

  it('finds a wrong type and out-of-range values for a schema', () => {
    expect(wrongTypeValue({ type: 'string' })).not.toBeTypeOf('string');
    expect(wrongTypeValue({})).toBeUndefined();
    expect(outOfRangeValues({ type: 'string', maxLength: 3 }).map((o) => o.value)).toContain('xxxx');
    expect(outOfRangeValues({ type: 'integer', minimum: 1, maximum: 9 }).map((o) => o.value)).toEqual(
      expect.arrayContaining([0, 10, 1.5]),
    );
  });
});

describe('requests for the operations of an OpenAPI document', () => {
  const api: OpenApiDocument = {
    ...doc,
    paths: {
      '/api/statements/{statementId}/lines': {
        put: {
          parameters: [
            { name: 'statementId', in: 'path', required: true, schema: { type: 'string', format: 'uuid' } },
            { name: 'limit', in: 'query', required: false, schema: { type: 'integer', minimum: 1, maximum: 10 } },
          ],
          requestBody: {
            required: true,
            content: { 'application/json': { schema: { $ref: '#/components/schemas/Line' } } },
          },
          security: [{ bearerToken: [] }],
        },
      },
    },
  };

  it('reads every operation with its parameters and body', () => {
    const [op] = operationsOf(api);
    expect(op).toMatchObject({
      key: 'PUT /api/statements/{statementId}/lines',
      method: 'PUT',
      public: false,
      body: { contentType: 'application/json' },
    });
    expect(op!.pathParams.map((p) => p.name)).toEqual(['statementId']);
    expect(op!.queryParams.map((p) => p.name)).toEqual(['limit']);
  });

  it('makes valid, invalid and hostile requests, the same ones for the same seed and index', () => {
    const [op] = operationsOf(api);
    const arbitrary = requestArbitrary(op!, api, { statementId: ['11111111-1111-4111-8111-111111111111'] });
    const requests = Array.from({ length: 120 }, (_, i) => sampleRequest(arbitrary, 7, i));
    expect(new Set(requests.map((r) => r.kind))).toEqual(new Set(['valid', 'invalid', 'hostile']));
    expect(sampleRequest(arbitrary, 7, 42)).toEqual(requests[42]);
    for (const r of requests.filter((x) => x.kind === 'valid')) {
      expect(r.target).toMatch(/^\/api\/statements\/[0-9a-f-]{36}\/lines(\?limit=\d+)?$/);
      expect(validatorFor(api, 'Line')(JSON.parse(r.body!))).toBe(true);
    }
  });

  it('percent-encodes a lone surrogate as its bytes instead of throwing or replacing it', () => {
    expect(encodeSegment('a\ud800/b')).toBe('a%ED%A0%80%2Fb');
    expect(encodeSegment('€')).toBe('%E2%82%AC');
  });
});

function validatorFor(api: OpenApiDocument, name: string) {
  return ajv.compile({ ...api.components!.schemas![name], components: api.components } as never);
}
