import { z } from 'zod';
import { searchCpv, searchUnits } from '../../db/reference-data.js';
import type { ServiceContext } from '../../services/context.js';
import type { ApiRoutes } from '../route.js';
import { text } from '../../rules/text-policy.js';

const tags = ['Reference data'];
const searchQuery = z.object({
  q: text('line', { min: 1, max: 100 }),
  limit: z.coerce.number().int().min(1).max(100).default(20),
});

/** Public reference lists (CPV 2008, UN/CEFACT Rec 20), searched by code or words. */
export function referenceRoutes(api: ApiRoutes, ctx: ServiceContext): void {
  api.add({
    method: 'get',
    path: '/api/reference/cpv',
    summary: 'Search CPV 2008 codes by code prefix or words of the label',
    tags,
    access: 'public',
    query: searchQuery,
    responses: {
      200: {
        description: 'Matching codes',
        schema: z.array(z.object({ code: z.string(), checkDigit: z.string(), label: z.string() }).meta({ id: 'CpvCode' })),
      },
    },
    handler: async ({ query }) => ({
      status: 200,
      body: (await searchCpv(ctx.db, query.q, query.limit)).map((h) => ({ code: h.code8, checkDigit: h.checkDigit, label: h.label })),
    }),
  });

  api.add({
    method: 'get',
    path: '/api/reference/units',
    summary: 'Search UN/CEFACT Recommendation 20 unit codes',
    tags,
    access: 'public',
    query: searchQuery,
    responses: {
      200: { description: 'Matching units', schema: z.array(z.object({ code: z.string(), name: z.string(), symbol: z.string() }).meta({ id: 'UnitCode' })) },
    },
    handler: async ({ query }) => ({ status: 200, body: await searchUnits(ctx.db, query.q, query.limit) }),
  });
}
