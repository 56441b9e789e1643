import { once } from 'node:events';

import { z } from 'zod';

import { countrySchema } from '../../domain/organisations.js';
import { cpvDivisionSchema, groupingSchema } from '../../domain/pilot-tracking.js';
import { stages } from '../../rules/stages.js';
import { text } from '../../rules/text-policy.js';
import type { ServiceContext } from '../../services/context.js';
import {
  dashboardSchema,
  groupingListSchema,
  groupingViewSchema,
  pilotCursorSchema,
  pilotDetailSchema,
  pilotPageSize,
} from '../../services/dashboard/dashboard-contracts.js';
import { exportOcdsPackage } from '../../services/dashboard/export-ocds-package.js';
import { exportPilotsCsv } from '../../services/dashboard/export-pilots-csv.js';
import { exportPilotsXlsx, xlsxType } from '../../services/dashboard/export-pilots-xlsx.js';
import { getDashboard } from '../../services/dashboard/get-dashboard.js';
import { getPilot } from '../../services/dashboard/get-pilot.js';
import { listPilotGroupings } from '../../services/dashboard/list-groupings.js';
import { exportLanguages } from '../../services/dashboard/pilot-export-rows.js';
import { setGrouping } from '../../services/dashboard/set-grouping.js';
import type { ApiRoutes } from '../route.js';
import { viewerLanguage } from '../viewer-language.js';
import { requestMeta, statementParams } from './statement-routes.js';

const tags = ['Pilot tracking'];

const booleanQuery = z.enum(['true', 'false'], { error: 'must be true or false' }).transform((v) => v === 'true');

export const pilotFilterQuery = z.object({
  grouping: text('name', {
    min: 1,
    max: 200,
    description: 'Name of a community of practice or working group',
  }).optional(),
  sector: cpvDivisionSchema.optional(),
  country: countrySchema.optional().meta({ description: 'Pilots with a participating buyer from this country' }),
  stage: z.enum(stages).optional(),
  overdue: booleanQuery.optional(),
  stuck: booleanQuery
    .optional()
    .meta({ description: 'Pilots whose process cannot go on until someone acts (true), or the others (false)' }),
});

/** The filters, and the language of an export's headers and words. */
const pilotExportQuery = pilotFilterQuery.extend({
  lang: z.enum(exportLanguages, { error: 'must be en, fr or de' }).optional().meta({
    description:
      'Language of the headers and of yes/no; without it, the jd_locale cookie, else Accept-Language, else English',
  }),
});

export function dashboardRoutes(api: ApiRoutes, ctx: ServiceContext): void {
  api.add({
    method: 'get',
    path: '/api/dashboard',
    summary:
      'The pilots a page at a time: stage, deadline, participants, value and verdicts, with totals over all of them (Commission staff)',
    description:
      'Commission staff and administrators only. Aggregates and statuses only: no buyer’s need lines. Counts by stage ignore the `stage` filter; totals and charts honour every filter; ' +
      '`pilots` is one page of the matching pilots, newest first: pass `nextCursor` back as `cursor` for the next one (null on the last page). ' +
      `At most ${pilotPageSize.max} pilots per page; the CSV export has them all.`,
    tags,
    access: 'user',
    query: pilotFilterQuery.extend({
      limit: z.coerce
        .number({ error: 'must be a whole number' })
        .int({ error: 'must be a whole number' })
        .min(1, { error: 'must be at least 1' })
        .max(pilotPageSize.max, { error: `must be at most ${pilotPageSize.max}` })
        .default(pilotPageSize.default)
        .meta({ description: `Pilots per page (default ${pilotPageSize.default}, at most ${pilotPageSize.max})` }),
      cursor: pilotCursorSchema.optional(),
    }),
    responses: { 200: { description: 'The dashboard', schema: dashboardSchema } },
    handler: async ({ principal, query, req }) => ({
      status: 200,
      body: await getDashboard(ctx, principal, query, requestMeta(req)),
    }),
  });

  api.add({
    method: 'get',
    path: '/api/dashboard/pilots.csv',
    summary: 'The pilot table as CSV, every pilot matching the filters (Commission staff)',
    description:
      'Streamed as it is read, a page of pilots at a time, so any number of pilots comes in one file. UTF-8 with a byte order mark; ' +
      'headers and yes/no in `lang`; separated by `,` with a decimal point in English, by `;` with a decimal comma in French and German (as their Excel expects).',
    tags,
    access: 'user',
    query: pilotExportQuery,
    responses: { 200: { description: 'One row per pilot', schema: z.string(), contentType: 'text/csv' } },
    handler: async ({ principal, query, req, res }) => {
      const { lang, ...filter } = query;
      const { chunks, filename } = await exportPilotsCsv(
        ctx,
        principal,
        filter,
        viewerLanguage(lang, req, exportLanguages),
        requestMeta(req),
      );
      res
        .status(200)
        .type('text/csv; charset=utf-8')
        .setHeader('Content-Disposition', `attachment; filename="${filename}"`)
        .setHeader('Vary', 'Accept-Language, Cookie');
      try {
        for await (const chunk of chunks) {
          if (res.destroyed) break;
          if (!res.write(chunk)) await Promise.race([once(res, 'drain'), once(res, 'close')]);
        }
        res.end();
      } catch (error) {
        // The status line has gone: a cut connection is the only way left to say the file is incomplete.
        ctx.logger.error({ err: error }, 'pilot CSV export ended early');
        res.destroy(error as Error);
      } finally {
        await chunks.return(undefined);
      }
    },
  });

  api.add({
    method: 'get',
    path: '/api/dashboard/pilots.xlsx',
    summary: 'The pilot table as an Excel workbook, every pilot matching the filters (Commission staff)',
    description:
      'The rows and columns of the CSV export: headers and yes/no in `lang`, counts and amounts as numbers, times as dates (UTC), the header row frozen.',
    tags,
    access: 'user',
    query: pilotExportQuery,
    responses: {
      200: { description: 'One row per pilot', schema: z.string().meta({ format: 'binary' }), contentType: xlsxType },
    },
    handler: async ({ principal, query, req, res }) => {
      const { lang, ...filter } = query;
      const { body, filename } = await exportPilotsXlsx(
        ctx,
        principal,
        filter,
        viewerLanguage(lang, req, exportLanguages),
        requestMeta(req),
      );
      res
        .status(200)
        .type(xlsxType)
        .setHeader('Content-Disposition', `attachment; filename="${filename}"`)
        .setHeader('Vary', 'Accept-Language, Cookie')
        .send(body);
    },
  });

  api.add({
    method: 'get',
    path: '/api/dashboard/published.ocds.json',
    summary: 'Every published statement as an OCDS 1.1.5 planning release, in one release package (Commission staff)',
    description:
      'With no published statement yet, `releases` is empty (the OCDS package schema itself wants at least one).',
    tags,
    access: 'user',
    responses: { 200: { description: 'OCDS release package', schema: z.record(z.string(), z.unknown()) } },
    handler: async ({ principal, req }) => ({
      status: 200,
      body: await exportOcdsPackage(ctx, principal, requestMeta(req)),
    }),
  });

  api.add({
    method: 'get',
    path: '/api/dashboard/groupings',
    summary: 'Programme groupings in use, with their number of pilots (Commission staff)',
    tags,
    access: 'user',
    responses: { 200: { description: 'Groupings', schema: groupingListSchema } },
    handler: async ({ principal, req }) => ({
      status: 200,
      body: await listPilotGroupings(ctx, principal, requestMeta(req)),
    }),
  });

  api.add({
    method: 'get',
    path: '/api/dashboard/pilots/:statementId',
    summary: 'One pilot with its timeline: when it entered and left each stage (Commission staff)',
    tags,
    access: 'user',
    params: statementParams,
    responses: { 200: { description: 'The pilot', schema: pilotDetailSchema } },
    handler: async ({ principal, params, req }) => ({
      status: 200,
      body: await getPilot(ctx, principal, params.statementId, requestMeta(req)),
    }),
  });

  api.add({
    method: 'put',
    path: '/api/statements/:statementId/grouping',
    summary: 'Place a statement in a programme grouping and sector (lead buyer or Commission staff)',
    description: 'Recorded in the statement’s audit log as `grouping_set`.',
    tags,
    access: 'user',
    params: statementParams,
    body: groupingSchema,
    responses: { 200: { description: 'The grouping', schema: groupingViewSchema } },
    handler: async ({ principal, params, body, req }) => ({
      status: 200,
      body: await setGrouping(ctx, principal, params.statementId, body, requestMeta(req)),
    }),
  });
}
