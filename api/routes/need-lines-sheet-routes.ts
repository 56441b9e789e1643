import type { Response } from 'express';
import { z } from 'zod';

import type { ServiceContext } from '../../services/context.js';
import { exportNeedLines } from '../../services/needs/export-need-lines.js';
import { getNeedLinesTemplate } from '../../services/needs/get-need-lines-template.js';
import { importNeedLinesSheet } from '../../services/needs/import-need-lines-sheet.js';
import { needLinesImportedSchema, sheetLanguageQuery } from '../../services/needs/need-lines-sheet-contracts.js';
import { maxSheetBytes, xlsxType } from '../../services/needs/need-lines-workbook.js';
import type { ApiRoutes } from '../route.js';
import { requestMeta, statementParams } from './statement-routes.js';

const tags = ['Needs assessment'];
const workbook = { description: 'The workbook', schema: z.string().meta({ format: 'binary' }), contentType: xlsxType };

/** A workbook as a download; a buyer's lines are confidential, so no cache keeps them (nor the template, alike). */
function sendWorkbook(res: Response, filename: string, body: Buffer): void {
  res
    .status(200)
    .type(xlsxType)
    .setHeader('Content-Disposition', `attachment; filename="${filename}"`)
    .setHeader('Cache-Control', 'private, no-store')
    .send(body);
}

/** Need lines from and to spreadsheets (issue 18): the template, the upload that fills a draft, a buyer's lines. */
export function needLinesSheetRoutes(api: ApiRoutes, ctx: ServiceContext): void {
  api.add({
    method: 'get',
    path: '/api/statements/:statementId/needs-template.xlsx',
    summary: 'The need-line template to fill in a spreadsheet (participating buyers, the lead)',
    description:
      'A sheet of need-line columns, headers in `lang`, with lists and whole-number checks where Excel has them, and a sheet explaining each column.',
    tags,
    access: 'user',
    params: statementParams,
    query: sheetLanguageQuery,
    responses: { 200: workbook },
    handler: async ({ principal, params, query, req, res }) => {
      const { body, filename } = await getNeedLinesTemplate(
        ctx,
        principal,
        params.statementId,
        query.lang,
        requestMeta(req),
      );
      sendWorkbook(res, filename, body);
    },
  });

  api.add({
    method: 'post',
    path: '/api/statements/:statementId/needs/draft/sheet',
    summary: 'Fill the caller’s draft with the need lines of a filled template',
    description:
      'Every row is checked as a submission is (numbers typed as text are read in `lang`’s convention; one that could be read two ways, like "390.000" in English, is refused). ' +
      'Any problem: 422, each problem with its `row`, `column` header and `rule`, and nothing is saved. ' +
      'Otherwise the lines replace the draft’s (its survey answers stay), through the draft save: repeated with its Idempotency-Key, it is recorded once.',
    tags,
    access: 'user',
    params: statementParams,
    query: sheetLanguageQuery,
    upload: {
      contentType: xlsxType,
      maxBytes: maxSheetBytes,
      description: `The filled workbook (.xlsx), at most ${maxSheetBytes / 1024 / 1024} MB`,
    },
    responses: { 200: { description: 'The draft, filled', schema: needLinesImportedSchema } },
    handler: async ({ principal, params, query, req, file }) => ({
      status: 200,
      body: await importNeedLinesSheet(ctx, principal, params.statementId, file, query.lang, requestMeta(req)),
    }),
  });

  api.add({
    method: 'get',
    path: '/api/statements/:statementId/needs/:organisationId/lines.xlsx',
    summary: 'One buyer’s need lines as a spreadsheet, in the template’s columns',
    description:
      'That buyer (its draft, else its latest version) and the lead buyer (the latest version submitted) only; others 403, or 404 where the statement is hidden.',
    tags,
    access: 'user',
    params: statementParams.extend({ organisationId: z.uuid({ message: 'must be an organisation id (UUID)' }) }),
    query: sheetLanguageQuery,
    responses: { 200: workbook },
    handler: async ({ principal, params, query, req, res }) => {
      const { body, filename } = await exportNeedLines(
        ctx,
        principal,
        params.statementId,
        params.organisationId,
        query.lang,
        requestMeta(req),
      );
      sendWorkbook(res, filename, body);
    },
  });
}
