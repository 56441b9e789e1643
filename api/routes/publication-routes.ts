import { z } from 'zod';

import { publishedStatementSchema, publishedStatementSummarySchema } from '../../domain/public-contracts.js';
import type { ServiceContext } from '../../services/context.js';
import { publicDocumentsOf } from '../../services/publication/public-documents.js';
import {
  approvalDecisionSchema,
  approvalRecordedSchema,
  publishingSchema,
  reviseStatementTextRequestSchema,
  signatoriesViewSchema,
  signatoryDecisionRequestSchema,
  signatoryRequestViewSchema,
  statementTextViewSchema,
  textRevisedSchema,
} from '../../services/publication/publication-contracts.js';
import { decideSignatory, getSignatories, requestToSign } from '../../services/publication/signatories.js';
import {
  decideApproval,
  getStatementText,
  proceedWithoutMissing,
  reviseStatementText,
} from '../../services/publication/statement-text.js';
import { atomContentType, jsonContentType, sendPublicDocument } from '../public-document-reply.js';
import type { ApiRoutes } from '../route.js';
import { requestMeta, statementParams } from './statement-routes.js';

const tags = ['Approval and publication'];
const json = z.record(z.string(), z.unknown());

export function publicationRoutes(api: ApiRoutes, ctx: ServiceContext): void {
  api.add({
    method: 'get',
    path: '/api/statements/:statementId/text',
    summary: 'The statement text (current version), its versions and the approvals',
    tags,
    access: 'user',
    params: statementParams,
    responses: { 200: { description: 'The text', schema: statementTextViewSchema } },
    handler: async ({ principal, params, req }) => ({
      status: 200,
      body: await getStatementText(ctx, principal, params.statementId, requestMeta(req)),
    }),
  });

  api.add({
    method: 'put',
    path: '/api/statements/:statementId/text',
    summary: 'Revise the statement text (lead buyer): a new version that needs every approval again',
    tags,
    access: 'user',
    params: statementParams,
    body: reviseStatementTextRequestSchema,
    responses: { 200: { description: 'The new version', schema: textRevisedSchema } },
    handler: async ({ principal, params, body, req }) => ({
      status: 200,
      body: await reviseStatementText(ctx, principal, params.statementId, body, requestMeta(req)),
    }),
  });

  api.add({
    method: 'post',
    path: '/api/statements/:statementId/approval',
    summary: 'Approve the statement text, or ask for changes with a comment (buyers that confirmed their needs)',
    tags,
    access: 'user',
    params: statementParams,
    body: approvalDecisionSchema,
    responses: { 200: { description: 'Recorded', schema: approvalRecordedSchema } },
    handler: async ({ principal, params, body, req }) => ({
      status: 200,
      body: await decideApproval(ctx, principal, params.statementId, body, requestMeta(req)),
    }),
  });

  api.add({
    method: 'post',
    path: '/api/statements/:statementId/approval/proceed',
    summary: 'Publish without those who have not approved, once the approval deadline has passed (lead buyer)',
    description: 'Those who did not approve the current version are not signatories.',
    tags,
    access: 'user',
    params: statementParams,
    responses: { 202: { description: 'Publication follows', schema: publishingSchema } },
    handler: async ({ principal, params, req }) => ({
      status: 202,
      body: await proceedWithoutMissing(ctx, principal, params.statementId, requestMeta(req)),
    }),
  });

  api.add({
    method: 'get',
    path: '/api/statements/:statementId/signatories',
    summary: 'Signatories of a published statement (and, for the lead, requests to join)',
    tags,
    access: 'user',
    params: statementParams,
    responses: { 200: { description: 'Signatories', schema: signatoriesViewSchema } },
    handler: async ({ principal, params, req }) => ({
      status: 200,
      body: await getSignatories(ctx, principal, params.statementId, requestMeta(req)),
    }),
  });

  api.add({
    method: 'post',
    path: '/api/statements/:statementId/signatory-requests',
    summary: 'Ask to join a published statement as a signatory (other buyers)',
    tags,
    access: 'user',
    params: statementParams,
    responses: { 202: { description: 'Asked; the lead buyer decides', schema: signatoryRequestViewSchema } },
    handler: async ({ principal, params, req }) => ({
      status: 202,
      body: await requestToSign(ctx, principal, params.statementId, requestMeta(req)),
    }),
  });

  api.add({
    method: 'post',
    path: '/api/statements/:statementId/signatory-requests/:organisationId',
    summary: 'Accept (a new version is published) or decline a request to sign (lead buyer)',
    tags,
    access: 'user',
    params: statementParams.extend({ organisationId: z.uuid({ message: 'must be an organisation id (UUID)' }) }),
    body: signatoryDecisionRequestSchema,
    responses: { 200: { description: 'Decided', schema: signatoryRequestViewSchema } },
    handler: async ({ principal, params, body, req }) => ({
      status: 200,
      body: await decideSignatory(
        ctx,
        principal,
        params.statementId,
        params.organisationId,
        body.accept,
        requestMeta(req),
      ),
    }),
  });

  api.add({
    method: 'get',
    path: '/api/public/statements',
    summary: 'Published joint statements of demand (public)',
    tags,
    access: 'public',
    beforeSessions: true,
    query: z.object({ limit: z.coerce.number().int().min(1).max(500).default(50) }),
    responses: {
      200: { description: 'Latest version of each, newest first', schema: z.array(publishedStatementSummarySchema) },
    },
    handler: async ({ query, req, res }) =>
      sendPublicDocument(req, res, await publicDocumentsOf(ctx).statementList(query.limit), jsonContentType),
  });

  api.add({
    method: 'get',
    path: '/api/public/statements.atom',
    summary: 'Atom feed of published statements (public)',
    tags,
    access: 'public',
    beforeSessions: true,
    responses: { 200: { description: 'Atom 1.0', schema: z.string(), contentType: 'application/atom+xml' } },
    handler: async ({ req, res }) =>
      sendPublicDocument(req, res, await publicDocumentsOf(ctx).atomFeed(), atomContentType),
  });

  api.add({
    method: 'get',
    path: '/api/public/statements/:statementId',
    summary: 'A published statement (public): text, signatories, aggregated demand, versions',
    tags,
    access: 'public',
    beforeSessions: true,
    params: statementParams,
    responses: { 200: { description: 'The statement', schema: publishedStatementSchema } },
    handler: async ({ params, req, res }) =>
      sendPublicDocument(
        req,
        res,
        await publicDocumentsOf(ctx).statementDocument(params.statementId, 'statement'),
        jsonContentType,
      ),
  });

  api.add({
    method: 'get',
    path: '/api/public/statements/:statementId/ocds.json',
    summary: 'The statement as an OCDS 1.1.5 release package of planning releases, one per published version (public)',
    tags,
    access: 'public',
    beforeSessions: true,
    params: statementParams,
    responses: { 200: { description: 'OCDS release package (EU extension for leadBuyer)', schema: json } },
    handler: async ({ params, req, res }) =>
      sendPublicDocument(
        req,
        res,
        await publicDocumentsOf(ctx).statementDocument(params.statementId, 'ocds'),
        jsonContentType,
      ),
  });
}
