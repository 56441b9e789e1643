import { z } from 'zod';

import { exchangeRateTableSchema } from '../../domain/money.js';
import {
  aggregateViewSchema,
  figureConsentRequestSchema,
  figureConsentViewSchema,
  shortfallDecisionSchema,
} from '../../services/aggregation/aggregation-contracts.js';
import { consentToShowFigures, getFigureConsent } from '../../services/aggregation/consent-to-show-figures.js';
import { decideShortfall } from '../../services/aggregation/decide-shortfall.js';
import { exportAggregateCsv } from '../../services/aggregation/export-aggregate-csv.js';
import { getAggregate } from '../../services/aggregation/get-aggregate.js';
import { retryAggregation } from '../../services/aggregation/retry-aggregation.js';
import type { ServiceContext } from '../../services/context.js';
import { getRateCoverage, rateCoverageSchema } from '../../services/exchange-rates/get-rate-coverage.js';
import { listExchangeRateTables } from '../../services/exchange-rates/list-exchange-rate-tables.js';
import { saveExchangeRateTable } from '../../services/exchange-rates/save-exchange-rate-table.js';
import { liveStateSchema, statementViewSchema } from '../../services/statements/statement-contracts.js';
import type { ApiRoutes } from '../route.js';
import { pageQuery, requestMeta, statementParams } from './statement-routes.js';

const tags = ['Aggregation'];

export function aggregationRoutes(api: ApiRoutes, ctx: ServiceContext): void {
  api.add({
    method: 'get',
    path: '/api/statements/:statementId/figure-consent',
    summary: 'Whether the signed-in buyer agreed to show its own figures in this statement',
    tags,
    access: 'user',
    params: statementParams,
    responses: { 200: { description: 'The decision', schema: figureConsentViewSchema } },
    handler: async ({ principal, params, req }) => ({
      status: 200,
      body: await getFigureConsent(ctx, principal, params.statementId, requestMeta(req)),
    }),
  });

  api.add({
    method: 'put',
    path: '/api/statements/:statementId/figure-consent',
    summary:
      'Agree (or no longer agree) to show the organisation’s own figures to the other participants, Commission staff and the public (participating buyers)',
    tags,
    access: 'user',
    params: statementParams,
    body: figureConsentRequestSchema,
    responses: { 200: { description: 'Recorded; the figures shown follow at once', schema: figureConsentViewSchema } },
    handler: async ({ principal, params, body, req }) => ({
      status: 200,
      body: await consentToShowFigures(ctx, principal, params.statementId, body.agree, requestMeta(req)),
    }),
  });

  api.add({
    method: 'get',
    path: '/api/statements/:statementId/aggregate',
    summary: 'The aggregated demand and its verdicts: critical mass, EU thresholds, cross-border',
    description:
      'The latest snapshot. The lead buyer sees every figure; participants and Commission staff see the figures statistical disclosure control leaves: a figure fewer than 3 buyers make up, or where one buyer holds more than 85 %, is withheld, and so are the figures it could be derived from (each withheld figure says why).',
    tags,
    access: 'user',
    params: statementParams,
    responses: { 200: { description: 'The latest aggregate snapshot', schema: aggregateViewSchema } },
    handler: async ({ principal, params, req }) => ({
      status: 200,
      body: await getAggregate(ctx, principal, params.statementId, requestMeta(req)),
    }),
  });

  api.add({
    method: 'get',
    path: '/api/statements/:statementId/aggregate.csv',
    summary: 'The aggregate as CSV (lead buyer)',
    tags,
    access: 'user',
    params: statementParams,
    responses: {
      200: { description: 'One row per group; CPV nodes once per unit', schema: z.string(), contentType: 'text/csv' },
    },
    handler: async ({ principal, params, req, res }) => {
      const { csv, filename, snapshotHash } = await exportAggregateCsv(
        ctx,
        principal,
        params.statementId,
        requestMeta(req),
      );
      res
        .status(200)
        .type('text/csv; charset=utf-8')
        .setHeader('Content-Disposition', `attachment; filename="${filename}"`)
        .setHeader('ETag', `"${snapshotHash}"`)
        .send(csv);
    },
  });

  api.add({
    method: 'post',
    path: '/api/statements/:statementId/shortfall-decision',
    summary: 'Decide what happens after a shortfall (lead buyer)',
    description:
      '`extend` reopens the needs assessment until `deadline` (buyers who dropped out are let back in; invite more buyers first if needed); `proceed` opens market engagement with a recorded justification; `abandon` ends the statement.',
    tags,
    access: 'user',
    params: statementParams,
    body: shortfallDecisionSchema,
    responses: { 200: { description: 'The statement after the decision', schema: statementViewSchema } },
    handler: async ({ principal, params, body, req }) => ({
      status: 200,
      body: await decideShortfall(ctx, principal, params.statementId, body, requestMeta(req)),
    }),
  });

  api.add({
    method: 'post',
    path: '/api/statements/:statementId/aggregate/retry',
    summary: 'Run a blocked aggregation again, e.g. after adding a missing exchange rate (lead buyer)',
    tags,
    access: 'user',
    params: statementParams,
    responses: { 202: { description: 'The aggregation will run again', schema: liveStateSchema } },
    handler: async ({ principal, params, req }) => ({
      status: 202,
      body: await retryAggregation(ctx, principal, params.statementId, requestMeta(req)),
    }),
  });

  api.add({
    method: 'get',
    path: '/api/exchange-rates',
    summary: 'Recorded exchange-rate tables (units per EUR), newest first',
    tags,
    access: 'user',
    query: pageQuery,
    responses: { 200: { description: 'Rate tables', schema: z.array(exchangeRateTableSchema) } },
    handler: async ({ query }) => ({ status: 200, body: await listExchangeRateTables(ctx, query) }),
  });

  api.add({
    method: 'get',
    path: '/api/exchange-rates/coverage',
    summary: 'Which currencies can be converted to EUR today, and with the rate table of which day',
    description:
      'A need line in a currency the latest table has no rate for is refused on submission; one whose rate is older than maxAgeDays is accepted, and the aggregation waits until an administrator imports newer rates.',
    tags,
    access: 'user',
    responses: { 200: { description: 'Coverage', schema: rateCoverageSchema } },
    handler: async () => ({ status: 200, body: await getRateCoverage(ctx) }),
  });

  api.add({
    method: 'put',
    path: '/api/exchange-rates/:date',
    summary: 'Record the exchange-rate table of one day (administrator)',
    description:
      'Rates are units of each currency per 1 EUR, as the ECB publishes them. Aggregates use the latest table on or before their day.',
    tags,
    access: 'user',
    params: z.object({ date: z.iso.date({ message: 'must be a date (YYYY-MM-DD)' }) }),
    body: exchangeRateTableSchema.omit({ date: true }),
    responses: {
      201: { description: 'Recorded', schema: exchangeRateTableSchema },
      200: { description: 'Replaced the table of that day', schema: exchangeRateTableSchema },
    },
    handler: async ({ principal, params, body }) => {
      const { table, created } = await saveExchangeRateTable(ctx, principal, { ...body, date: params.date });
      return { status: created ? 201 : 200, body: table };
    },
  });
}
