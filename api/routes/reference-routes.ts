import type { ServiceContext } from '../../services/context.js';
import {
  cpvCodesSchema,
  cpvLanguageQuery,
  cpvSearchQuery,
  referenceSearchQuery,
  unitCodesSchema,
} from '../../services/reference/reference-contracts.js';
import { listCpvDivisions, searchCpvCodes } from '../../services/reference/search-cpv-codes.js';
import { searchUnitCodes } from '../../services/reference/search-unit-codes.js';
import type { ApiRoutes } from '../route.js';
import { viewerLanguage } from '../viewer-language.js';

const tags = ['Reference data'];

/** Public reference lists (CPV 2008, UN/CEFACT Rec 20), searched by code or words. */
export function referenceRoutes(api: ApiRoutes, ctx: ServiceContext): void {
  api.add({
    method: 'get',
    path: '/api/reference/cpv',
    summary:
      'Search CPV 2008 codes by code prefix or words of the label in any of the 24 EU languages, best match first',
    tags,
    access: 'public',
    query: cpvSearchQuery,
    responses: {
      200: { description: 'Matching codes, best first; an empty list when none matches', schema: cpvCodesSchema },
    },
    handler: async ({ query, req }) => ({
      status: 200,
      body: await searchCpvCodes(ctx, query, viewerLanguage(query.lang, req)),
      headers: { vary: 'Accept-Language' },
    }),
  });

  api.add({
    method: 'get',
    path: '/api/reference/cpv/divisions',
    summary: 'The CPV 2008 divisions (45000000 and the like), labelled in the language asked for',
    tags,
    access: 'public',
    query: cpvLanguageQuery,
    responses: { 200: { description: 'Every division, in code order', schema: cpvCodesSchema } },
    handler: async ({ query, req }) => ({
      status: 200,
      body: await listCpvDivisions(ctx, viewerLanguage(query.lang, req)),
      headers: { vary: 'Accept-Language' },
    }),
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
