import type { ServiceContext } from '../../services/context.js';
import { cpvCodesSchema, referenceSearchQuery, unitCodesSchema } from '../../services/reference/reference-contracts.js';
import { searchCpvCodes } from '../../services/reference/search-cpv-codes.js';
import { searchUnitCodes } from '../../services/reference/search-unit-codes.js';
import type { ApiRoutes } from '../route.js';

const tags = ['Reference data'];

/** Public reference lists (CPV 2008, UN/CEFACT Rec 20), searched by code or words. */
export function referenceRoutes(api: ApiRoutes, ctx: ServiceContext): void {
  api.add({
    method: 'get',
    path: '/api/reference/cpv',
    summary: 'Search CPV 2008 codes by code prefix or words of the label',
    tags,
    access: 'public',
    query: referenceSearchQuery,
    responses: { 200: { description: 'Matching codes', schema: cpvCodesSchema } },
    handler: async ({ query }) => ({ status: 200, body: await searchCpvCodes(ctx, query) }),
  });

  api.add({
    method: 'get',
    path: '/api/reference/units',
    summary: 'Search UN/CEFACT Recommendation 20 unit codes',
    tags,
    access: 'public',
    query: referenceSearchQuery,
    responses: { 200: { description: 'Matching units', schema: unitCodesSchema } },
    handler: async ({ query }) => ({ status: 200, body: await searchUnitCodes(ctx, query) }),
  });
}
