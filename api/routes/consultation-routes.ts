import { z } from 'zod';

import {
  leadAnswerSchema,
  rfiQuestionsSchema,
  supplierQuestionSchema,
  supplierResponseSchema,
} from '../../domain/consultation.js';
import { openConsultationSummarySchema } from '../../domain/public-contracts.js';
import { compareSupplierResponses } from '../../services/consultation/compare-supplier-responses.js';
import {
  consultationResponseViewSchema,
  e1NoticeQuery,
  marketSummaryViewSchema,
  nameConsentRequestSchema,
  nameConsentViewSchema,
  ownQuestionsSchema,
  publicConsultationSchema,
  questionAnsweredSchema,
  questionAskedSchema,
  rfiViewSchema,
  supplierContactViewSchema,
  supplierQuestionViewSchema,
  supplierResponsesComparedSchema,
  supplierResponseViewSchema,
} from '../../services/consultation/consultation-contracts.js';
import { exportE1Notice } from '../../services/consultation/export-e1-notice.js';
import { exportMarketResponsesXlsx } from '../../services/consultation/export-market-responses-xlsx.js';
import { getPublicConsultation } from '../../services/consultation/get-public-consultation.js';
import { listOwnQuestions } from '../../services/consultation/list-own-questions.js';
import {
  consentToNaming,
  getMarketSummary,
  getNameConsent,
  getRfiQuestions,
  listConsultationResponses,
  listContacts,
  setRfiQuestions,
} from '../../services/consultation/manage-consultation.js';
import {
  answerSupplierQuestion,
  askQuestion,
  listSupplierQuestions,
} from '../../services/consultation/supplier-questions.js';
import { getOwnResponse, saveResponse } from '../../services/consultation/supplier-response.js';
import type { ServiceContext } from '../../services/context.js';
import { exportLanguageQuery } from '../../services/needs/survey-results-contracts.js';
import { publicDocumentsOf } from '../../services/publication/public-documents.js';
import { sendExport, xlsxContentType } from '../export-reply.js';
import { jsonContentType, sendPublicDocument } from '../public-document-reply.js';
import type { ApiRoutes } from '../route.js';
import { pageQuery, requestMeta, statementParams } from './statement-routes.js';

const tags = ['Market consultation'];
const questionNumberParams = statementParams.extend({
  number: z.coerce.number().int('must be a whole number').min(1, 'must be 1 or more'),
});

export function consultationRoutes(api: ApiRoutes, ctx: ServiceContext): void {
  api.add({
    method: 'get',
    path: '/api/consultations',
    summary: 'Market consultations open now (public)',
    tags,
    access: 'public',
    beforeSessions: true,
    query: pageQuery,
    responses: {
      200: {
        description: 'Open consultations, the soonest to close first',
        schema: z.array(openConsultationSummarySchema),
      },
    },
    handler: async ({ query, req, res }) =>
      sendPublicDocument(req, res, await publicDocumentsOf(ctx).openConsultations(query), jsonContentType),
  });

  api.add({
    method: 'get',
    path: '/api/consultations/:statementId',
    summary:
      'A market consultation (public, Art. 40): aggregated demand, request for information, deadline, published answers',
    description:
      'No buyer’s own figures (groups of fewer than two buyers are withheld); buyers are named only if they agreed. Answers never name who asked. 404 before market engagement.',
    tags,
    access: 'public',
    params: statementParams,
    responses: { 200: { description: 'The consultation', schema: publicConsultationSchema } },
    handler: async ({ params }) => ({ status: 200, body: await getPublicConsultation(ctx, params.statementId) }),
  });

  api.add({
    method: 'get',
    path: '/api/consultations/:statementId/response',
    summary: 'The caller’s own response (supplier users)',
    tags,
    access: 'user',
    params: statementParams,
    responses: { 200: { description: 'Your organisation’s response', schema: supplierResponseViewSchema } },
    handler: async ({ principal, params, req }) => ({
      status: 200,
      body: await getOwnResponse(ctx, principal, params.statementId, requestMeta(req)),
    }),
  });

  api.add({
    method: 'put',
    path: '/api/consultations/:statementId/response',
    summary: 'Answer the request for information (supplier users); editable until the deadline',
    description:
      '`answers` maps question ids of the request for information to text. 409 `deadline_passed` once closed.',
    tags,
    access: 'user',
    params: statementParams,
    body: supplierResponseSchema,
    responses: { 200: { description: 'Saved', schema: supplierResponseViewSchema } },
    handler: async ({ principal, params, body, req }) => ({
      status: 200,
      body: await saveResponse(ctx, principal, params.statementId, body.answers, requestMeta(req)),
    }),
  });

  api.add({
    method: 'post',
    path: '/api/consultations/:statementId/questions',
    summary: 'Ask the buyers a question (supplier users); the answer is published to all suppliers without naming you',
    tags,
    access: 'user',
    params: statementParams,
    body: supplierQuestionSchema,
    responses: { 201: { description: 'Asked', schema: questionAskedSchema } },
    handler: async ({ principal, params, body, req }) => ({
      status: 201,
      body: await askQuestion(ctx, principal, params.statementId, body.question, requestMeta(req)),
    }),
  });

  api.add({
    method: 'get',
    path: '/api/consultations/:statementId/my-questions',
    summary: 'The questions the caller’s organisation asked, with the answers (supplier users)',
    description: 'Only the caller’s own organisation’s questions, in order; an unanswered one has `answer: null`.',
    tags,
    access: 'user',
    params: statementParams,
    responses: { 200: { description: 'Your organisation’s questions', schema: ownQuestionsSchema } },
    handler: async ({ principal, params, req }) => ({
      status: 200,
      body: await listOwnQuestions(ctx, principal, params.statementId, requestMeta(req)),
    }),
  });

  api.add({
    method: 'get',
    path: '/api/statements/:statementId/consultation/rfi',
    summary: 'The request-for-information questions',
    tags,
    access: 'user',
    params: statementParams,
    responses: { 200: { description: 'The questions', schema: rfiViewSchema } },
    handler: async ({ principal, params, req }) => ({
      status: 200,
      body: await getRfiQuestions(ctx, principal, params.statementId, requestMeta(req)),
    }),
  });

  api.add({
    method: 'put',
    path: '/api/statements/:statementId/consultation/rfi',
    summary: 'Set the request-for-information questions (lead buyer), until the consultation closes',
    tags,
    access: 'user',
    params: statementParams,
    body: rfiQuestionsSchema,
    responses: { 200: { description: 'Saved', schema: rfiViewSchema } },
    handler: async ({ principal, params, body, req }) => ({
      status: 200,
      body: await setRfiQuestions(ctx, principal, params.statementId, body.questions, requestMeta(req)),
    }),
  });

  api.add({
    method: 'get',
    path: '/api/statements/:statementId/consultation/eforms-e1.xml',
    summary: 'The market consultation as an eForms E1 pre-market consultation notice, for TED (lead buyer)',
    description:
      'An eForms SDK 1.15.1 notice of subtype E1 (PriorInformationNotice, notice type pmc) to submit to TED while the consultation runs: the lead as buyers-group lead (OPP-050), the buyers that agreed to be named, CPV codes, place of performance, the answers deadline and where to answer, and which national law governs a joint procurement (in BT-01(f): the SDK does not allow BT-09 in E1 notices). It becomes public: the estimated value only when the public consultation shows it, no buyer’s own figure. `lang` is the language the title and description are written in. The lead buyer’s only (others 403, or 404 where the statement is hidden); 409 `wrong_stage` outside market engagement; 422 when a text is longer than eForms allows.',
    tags,
    access: 'user',
    params: statementParams,
    query: e1NoticeQuery,
    responses: {
      200: {
        description: 'The notice, as an attachment',
        schema: z.string(),
        contentType: 'application/xml',
      },
    },
    handler: async ({ principal, params, query, req, res }) => {
      const { xml, filename } = await exportE1Notice(ctx, principal, params.statementId, query.lang, requestMeta(req));
      res
        .status(200)
        .type('application/xml; charset=utf-8')
        .setHeader('Content-Disposition', `attachment; filename="${filename}"`)
        .setHeader('Cache-Control', 'private, no-store')
        .send(xml);
    },
  });

  api.add({
    method: 'get',
    path: '/api/statements/:statementId/consultation/name-consent',
    summary: 'Whether the signed-in buyer agreed to be named on the public consultation page',
    tags,
    access: 'user',
    params: statementParams,
    responses: { 200: { description: 'The decision', schema: nameConsentViewSchema } },
    handler: async ({ principal, params, req }) => ({
      status: 200,
      body: await getNameConsent(ctx, principal, params.statementId, requestMeta(req)),
    }),
  });

  api.add({
    method: 'put',
    path: '/api/statements/:statementId/consultation/name-consent',
    summary: 'Agree (or not) to be named on the public consultation page (participating buyers)',
    tags,
    access: 'user',
    params: statementParams,
    body: nameConsentRequestSchema,
    responses: { 200: { description: 'Recorded', schema: nameConsentViewSchema } },
    handler: async ({ principal, params, body, req }) => ({
      status: 200,
      body: await consentToNaming(ctx, principal, params.statementId, body.agree, requestMeta(req)),
    }),
  });

  api.add({
    method: 'get',
    path: '/api/statements/:statementId/consultation/responses',
    summary: 'Every supplier’s response (lead buyer, Commission staff)',
    tags,
    access: 'user',
    params: statementParams,
    responses: { 200: { description: 'Responses', schema: z.array(consultationResponseViewSchema) } },
    handler: async ({ principal, params, req }) => ({
      status: 200,
      body: await listConsultationResponses(ctx, principal, params.statementId, requestMeta(req)),
    }),
  });

  api.add({
    method: 'get',
    path: '/api/statements/:statementId/market/responses',
    summary: 'Supplier responses compared, question by question (lead buyer)',
    description:
      'The request-for-information questions in its order, and each responding supplier with its answers in that same order (null where it gave none): the table on the lead’s market page; the workbook below has the same content. The lead buyer’s only (participants, Commission staff and administrators 403; suppliers and outsiders 404 where the statement is hidden; signed out 401).',
    tags,
    access: 'user',
    params: statementParams,
    responses: { 200: { description: 'The comparison', schema: supplierResponsesComparedSchema } },
    handler: async ({ principal, params, req }) => ({
      status: 200,
      body: await compareSupplierResponses(ctx, principal, params.statementId, requestMeta(req)),
    }),
  });

  api.add({
    method: 'get',
    path: '/api/statements/:statementId/market/responses.xlsx',
    summary: 'Supplier responses compared, as an Excel workbook (lead buyer)',
    description:
      'One row per request-for-information question in its order, one column per responding supplier; headers in `lang`. The lead buyer’s only (others 403, or 404 where the statement is hidden).',
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
      const { body, filename } = await exportMarketResponsesXlsx(
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
    path: '/api/statements/:statementId/consultation/questions',
    summary: 'Suppliers’ questions with who asked (lead buyer, Commission staff)',
    tags,
    access: 'user',
    params: statementParams,
    responses: { 200: { description: 'Questions', schema: z.array(supplierQuestionViewSchema) } },
    handler: async ({ principal, params, req }) => ({
      status: 200,
      body: await listSupplierQuestions(ctx, principal, params.statementId, requestMeta(req)),
    }),
  });

  api.add({
    method: 'post',
    path: '/api/statements/:statementId/consultation/questions/:number/answer',
    summary: 'Answer a supplier’s question (lead buyer); published to all suppliers, the asker anonymised',
    tags,
    access: 'user',
    params: questionNumberParams,
    body: leadAnswerSchema,
    responses: { 200: { description: 'Answered and published', schema: questionAnsweredSchema } },
    handler: async ({ principal, params, body, req }) => ({
      status: 200,
      body: await answerSupplierQuestion(
        ctx,
        principal,
        params.statementId,
        params.number,
        body.answer,
        requestMeta(req),
      ),
    }),
  });

  api.add({
    method: 'get',
    path: '/api/statements/:statementId/consultation/contacts',
    summary: 'The log of every contact with suppliers (lead buyer, Commission staff)',
    tags,
    access: 'user',
    params: statementParams,
    query: pageQuery,
    responses: { 200: { description: 'Contacts, oldest first', schema: z.array(supplierContactViewSchema) } },
    handler: async ({ principal, params, query, req }) => ({
      status: 200,
      body: await listContacts(ctx, principal, params.statementId, query, requestMeta(req)),
    }),
  });

  api.add({
    method: 'get',
    path: '/api/statements/:statementId/market-summary',
    summary: 'The market summary stored when the consultation closed',
    tags,
    access: 'user',
    params: statementParams,
    responses: {
      200: {
        description: 'Responses, share of SMEs, countries, answers per question',
        schema: marketSummaryViewSchema,
      },
    },
    handler: async ({ principal, params, req }) => ({
      status: 200,
      body: await getMarketSummary(ctx, principal, params.statementId, requestMeta(req)),
    }),
  });
}
