import { z } from 'zod';

import type { ServiceContext } from '../../services/context.js';
import { exportSurveyResultsCsv } from '../../services/needs/export-survey-results-csv.js';
import { exportSurveyResultsXlsx } from '../../services/needs/export-survey-results-xlsx.js';
import { getSurveyResults } from '../../services/needs/get-survey-results.js';
import { listSurveyRespondents } from '../../services/needs/list-survey-respondents.js';
import {
  exportLanguageQuery,
  respondentsPageSize,
  surveyRespondentsQuery,
  surveyRespondentsSchema,
  surveyResultsSchema,
} from '../../services/needs/survey-results-contracts.js';
import { sendExport, xlsxContentType } from '../export-reply.js';
import type { ApiRoutes } from '../route.js';
import { requestMeta, statementParams } from './statement-routes.js';

const tags = ['Needs assessment'];
const leadOnly =
  'Every participant’s answers: the lead buyer’s only (others 403, or 404 where the statement is hidden).';

/**
 * An export of the survey results as a download. It holds every participant's answers, so no
 * cache may store it (`private, no-store`), whichever the format.
 */

export function surveyResultsRoutes(api: ApiRoutes, ctx: ServiceContext): void {
  api.add({
    method: 'get',
    path: '/api/statements/:statementId/survey-results',
    summary: 'The answers to the needs survey, per question (lead buyer)',
    description: `Per question of the latest survey version: counts per option, yes and no, a numeric summary, the range of dates, how many answered. ${leadOnly}`,
    tags,
    access: 'user',
    params: statementParams,
    responses: { 200: { description: 'Results per question', schema: surveyResultsSchema } },
    handler: async ({ principal, params, req }) => ({
      status: 200,
      body: await getSurveyResults(ctx, principal, params.statementId, requestMeta(req)),
    }),
  });

  api.add({
    method: 'get',
    path: '/api/statements/:statementId/survey-results/respondents',
    summary: 'The participants who answered the needs survey, with their answers (lead buyer)',
    description: `One page of respondents in the order of their names (at most ${respondentsPageSize.max}); pass \`nextCursor\` back as \`cursor\` for the next. ${leadOnly}`,
    tags,
    access: 'user',
    params: statementParams,
    query: surveyRespondentsQuery,
    responses: { 200: { description: 'A page of respondents', schema: surveyRespondentsSchema } },
    handler: async ({ principal, params, query, req }) => ({
      status: 200,
      body: await listSurveyRespondents(ctx, principal, params.statementId, query, requestMeta(req)),
    }),
  });

  api.add({
    method: 'get',
    path: '/api/statements/:statementId/survey-results.xlsx',
    summary: 'The survey results as an Excel workbook (lead buyer)',
    description: `Sheets: the summary per question, one row of answers per respondent, one row per submitted need line. ${leadOnly}`,
    tags,
    access: 'user',
    params: statementParams,
    query: exportLanguageQuery,
    responses: {
      200: {
        description: 'The workbook',
        schema: z.string().meta({ format: 'binary' }),
        contentType: 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet',
      },
    },
    handler: async ({ principal, params, query, req, res }) => {
      const { body, filename } = await exportSurveyResultsXlsx(
        ctx,
        principal,
        params.statementId,
        query.lang,
        requestMeta(req),
      );
      sendExport(res, xlsxContentType, filename, body);
    },
  });

  api.add({
    method: 'get',
    path: '/api/statements/:statementId/survey-results.csv',
    summary: 'The survey results as CSV: one row per respondent (lead buyer)',
    description: `UTF-8 with a byte order mark; headers in \`lang\`. ${leadOnly}`,
    tags,
    access: 'user',
    params: statementParams,
    query: exportLanguageQuery,
    responses: {
      200: {
        description: 'One row per respondent, a column per question',
        schema: z.string(),
        contentType: 'text/csv',
      },
    },
    handler: async ({ principal, params, query, req, res }) => {
      const { csv, filename } = await exportSurveyResultsCsv(
        ctx,
        principal,
        params.statementId,
        query.lang,
        requestMeta(req),
      );
      sendExport(res, 'text/csv; charset=utf-8', filename, csv);
    },
  });
}
