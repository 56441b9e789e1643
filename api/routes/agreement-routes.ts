import { z } from 'zod';

import { procurementRouteSchema } from '../../domain/cross-border.js';
import {
  agreementProposalSchema,
  agreementVersionViewSchema,
  agreementViewSchema,
  cancelAgreementRequestSchema,
  centralPurchasingBodyListSchema,
  commentOnAgreementRequestSchema,
  extendSignatureDeadlineRequestSchema,
  procurementRouteViewSchema,
  respondToAgreementRequestSchema,
  signAgreementRequestSchema,
  startAgreementRequestSchema,
  withdrawFromAgreementRequestSchema,
} from '../../services/agreement/agreement-contracts.js';
import { cancelAgreement } from '../../services/agreement/cancel-agreement.js';
import { commentOnAgreement } from '../../services/agreement/comment-on-agreement.js';
import { extendSignatureDeadline } from '../../services/agreement/extend-signature-deadline.js';
import { getAgreement } from '../../services/agreement/get-agreement.js';
import { getAgreementAudit } from '../../services/agreement/get-agreement-audit.js';
import { getAgreementDocument } from '../../services/agreement/get-agreement-document.js';
import { getAgreementVersion } from '../../services/agreement/get-agreement-version.js';
import { inviteSignatories } from '../../services/agreement/invite-signatories.js';
import {
  chooseProcurementRoute,
  getProcurementRoute,
  listCentralPurchasingBodies,
} from '../../services/agreement/procurement-route.js';
import { proposeAgreementVersion } from '../../services/agreement/propose-agreement-version.js';
import { respondToAgreement } from '../../services/agreement/respond-to-agreement.js';
import { signAgreement } from '../../services/agreement/sign-agreement.js';
import { startAgreement } from '../../services/agreement/start-agreement.js';
import { withdrawFromAgreement } from '../../services/agreement/withdraw-from-agreement.js';
import { auditLogSchema, auditPageQuery } from '../../services/audit/audit-contracts.js';
import { exportAgreementAudit } from '../../services/audit/export-agreement-audit.js';
import type { ServiceContext } from '../../services/context.js';
import type { ApiRoutes } from '../route.js';
import { auditExportDescription, sendAuditExport } from './audit-export-reply.js';
import { requestMeta, statementParams } from './statement-routes.js';

const tags = ['Agreement'];
const base = '/api/statements/:statementId/agreement';
const versionParams = statementParams.extend({
  version: z.coerce.number().int('must be a version number').min(1, 'must be a version number'),
});
const ok = (description: string) => ({ 200: { description, schema: agreementViewSchema } });

/** The joint procurement agreement of a published statement (Directive 2014/24/EU Art. 38-39). */
export function agreementRoutes(api: ApiRoutes, ctx: ServiceContext): void {
  api.add({
    method: 'get',
    path: '/api/central-purchasing-bodies',
    summary: 'Buyer organisations recorded as central purchasing bodies (eForms OPP-051/OPP-052), by name',
    description: 'For buyers choosing a statement’s procurement route (Directive 2014/24/EU Art. 37, Art. 39(2)-(3)).',
    tags,
    access: 'user',
    responses: { 200: { description: 'The central purchasing bodies', schema: centralPurchasingBodyListSchema } },
    handler: async ({ principal }) => ({ status: 200, body: await listCentralPurchasingBodies(ctx, principal) }),
  });

  api.add({
    method: 'get',
    path: '/api/statements/:statementId/procurement-route',
    summary:
      'How the demand will be procured: jointly (Art. 38, 39(4)) or through a central purchasing body (Art. 37, 39(2)-(3))',
    tags,
    access: 'user',
    params: statementParams,
    responses: { 200: { description: 'The route', schema: procurementRouteViewSchema } },
    handler: async ({ principal, params, req }) => ({
      status: 200,
      body: await getProcurementRoute(ctx, principal, params.statementId, requestMeta(req)),
    }),
  });

  api.add({
    method: 'put',
    path: '/api/statements/:statementId/procurement-route',
    summary: 'Choose the procurement route before the demand is aggregated (lead buyer)',
    description:
      'On the central purchasing body route, a buyer recorded as a CPB (eForms OPP-051 awarding or OPP-052 acquiring) runs the procurement under the national provisions of its Member State, and no Art. 39(4) agreement is started (Directive 2014/24/EU Art. 37, Art. 39(2)-(3)). A CPB that only acquires supplies and services cannot take a statement with works (Art. 2(1)(14), Art. 37(1)). Recorded in the statement’s audit log as `procurement_route_chosen`.',
    tags,
    access: 'user',
    params: statementParams,
    body: procurementRouteSchema,
    responses: { 200: { description: 'The route', schema: procurementRouteViewSchema } },
    handler: async ({ principal, params, body, req }) => ({
      status: 200,
      body: await chooseProcurementRoute(ctx, principal, params.statementId, body, requestMeta(req)),
    }),
  });

  api.add({
    method: 'post',
    path: base,
    summary: 'Start the agreement of a published statement (lead buyer)',
    description:
      'The statement’s signatories are invited to opt in; the lead buyer is a party from the start. Parties in two or more Member States make an Art. 39 cross-border agreement, otherwise Art. 38. Refused (409) when the statement’s procurement goes through a central purchasing body: no Art. 39(4) agreement is needed then (Art. 39(2)-(3)).',
    tags,
    access: 'user',
    params: statementParams,
    body: startAgreementRequestSchema,
    responses: { 201: { description: 'Started', schema: agreementViewSchema } },
    handler: async ({ principal, params, body, req }) => ({
      status: 201,
      body: await startAgreement(ctx, principal, params.statementId, body, requestMeta(req)),
      headers: { Location: `/api/statements/${params.statementId}/agreement` },
    }),
  });

  api.add({
    method: 'get',
    path: base,
    summary: 'The agreement: parties, versions with their hashes, signatures',
    tags,
    access: 'user',
    params: statementParams,
    responses: ok('The agreement'),
    handler: async ({ principal, params, req }) => ({
      status: 200,
      body: await getAgreement(ctx, principal, params.statementId, requestMeta(req)),
    }),
  });

  api.add({
    method: 'post',
    path: `${base}/invitations`,
    summary: 'Invite the statement’s signatories that are not in the agreement yet, e.g. late signatories (lead buyer)',
    tags,
    access: 'user',
    params: statementParams,
    responses: ok('The agreement'),
    handler: async ({ principal, params, req }) => ({
      status: 200,
      body: await inviteSignatories(ctx, principal, params.statementId, requestMeta(req)),
    }),
  });

  for (const [action, accept] of [
    ['join', true],
    ['decline', false],
  ] as const) {
    api.add({
      method: 'post',
      path: `${base}/${action}`,
      summary: accept
        ? 'Opt in: the caller’s organisation becomes a party (a signatory of the statement)'
        : 'Decline to be a party to the agreement',
      tags,
      access: 'user',
      params: statementParams,
      body: respondToAgreementRequestSchema,
      responses: ok('The agreement'),
      handler: async ({ principal, params, body, req }) => ({
        status: 200,
        body: await respondToAgreement(
          ctx,
          principal,
          params.statementId,
          { accept, reason: body.reason },
          requestMeta(req),
        ),
      }),
    });
  }

  api.add({
    method: 'post',
    path: `${base}/versions`,
    summary:
      'Propose the terms as the next version (lead buyer): the draft, or an amendment that clears every signature',
    description:
      'Checked against the parties and their confirmed needs: the lead is a party; the applicable law is that of a party’s country or of a joint entity’s seat; every party has a distribution; quantities match the confirmed needs or carry a recorded deviation. A broken rule answers 422 naming the field.',
    tags,
    access: 'user',
    params: statementParams,
    body: agreementProposalSchema,
    responses: { 201: { description: 'The agreement with its new current version', schema: agreementViewSchema } },
    handler: async ({ principal, params, body, req }) => ({
      status: 201,
      body: await proposeAgreementVersion(ctx, principal, params.statementId, body, requestMeta(req)),
    }),
  });

  api.add({
    method: 'get',
    path: `${base}/versions/:version`,
    summary: 'One version: its terms, comments and signatures',
    tags,
    access: 'user',
    params: versionParams,
    responses: { 200: { description: 'The version', schema: agreementVersionViewSchema } },
    handler: async ({ principal, params, req }) => ({
      status: 200,
      body: await getAgreementVersion(ctx, principal, params.statementId, params.version, requestMeta(req)),
    }),
  });

  api.add({
    method: 'post',
    path: `${base}/versions/:version/comments`,
    summary: 'Comment on a version (a party)',
    tags,
    access: 'user',
    params: versionParams,
    body: commentOnAgreementRequestSchema,
    responses: { 201: { description: 'The version with its comments', schema: agreementVersionViewSchema } },
    handler: async ({ principal, params, body, req }) => ({
      status: 201,
      body: await commentOnAgreement(
        ctx,
        principal,
        params.statementId,
        { version: params.version, clause: body.clause, text: body.text },
        requestMeta(req),
      ),
    }),
  });

  for (const format of ['pdf', 'html'] as const) {
    api.add({
      method: 'get',
      path: `${base}/versions/:version/document.${format}`,
      summary: `The version’s document as ${format.toUpperCase()} (parties only)`,
      description:
        'Headers `X-Content-Hash` (what is signed) and `X-Pdf-Hash` (SHA-256 of the PDF) give the recorded hashes.',
      tags,
      access: 'user',
      params: versionParams,
      responses: {
        200: {
          description: 'The document',
          schema: z.string(),
          contentType: format === 'pdf' ? 'application/pdf' : 'text/html',
        },
      },
      handler: async ({ principal, params, req, res }) => {
        const doc = await getAgreementDocument(
          ctx,
          principal,
          params.statementId,
          params.version,
          format,
          requestMeta(req),
        );
        res
          .status(200)
          .type(format === 'pdf' ? 'application/pdf' : 'text/html; charset=utf-8')
          .setHeader(
            'Content-Disposition',
            `${format === 'pdf' ? 'attachment' : 'inline'}; filename="agreement-${params.statementId}-v${doc.version}.${format}"`,
          )
          .setHeader('X-Content-Hash', doc.contentHash)
          .setHeader('X-Pdf-Hash', doc.pdfHash)
          .setHeader('ETag', `"${format === 'pdf' ? doc.pdfHash : doc.contentHash}"`)
          .send(doc.body);
      },
    });
  }

  api.add({
    method: 'post',
    path: `${base}/sign`,
    summary: 'Sign the current version, by its id and content hash (the party’s authorised signatory)',
    description:
      'A user without the `signatory` role answers 403; a version that is not the current one answers 409. The last signature puts the agreement into force.',
    tags,
    access: 'user',
    params: statementParams,
    body: signAgreementRequestSchema,
    responses: ok('The agreement'),
    handler: async ({ principal, params, body, req }) => ({
      status: 200,
      body: await signAgreement(ctx, principal, params.statementId, body, requestMeta(req)),
    }),
  });

  api.add({
    method: 'post',
    path: `${base}/withdraw`,
    summary: 'Withdraw from the agreement before signing (a party other than the lead)',
    tags,
    access: 'user',
    params: statementParams,
    body: withdrawFromAgreementRequestSchema,
    responses: ok('The agreement'),
    handler: async ({ principal, params, body, req }) => ({
      status: 200,
      body: await withdrawFromAgreement(ctx, principal, params.statementId, body.reason, requestMeta(req)),
    }),
  });

  api.add({
    method: 'post',
    path: `${base}/deadline`,
    summary: 'Set a later signature deadline (lead buyer)',
    tags,
    access: 'user',
    params: statementParams,
    body: extendSignatureDeadlineRequestSchema,
    responses: ok('The agreement'),
    handler: async ({ principal, params, body, req }) => ({
      status: 200,
      body: await extendSignatureDeadline(ctx, principal, params.statementId, body.deadline, requestMeta(req)),
    }),
  });

  api.add({
    method: 'post',
    path: `${base}/cancel`,
    summary: 'Cancel the agreement before it enters into force (lead buyer)',
    tags,
    access: 'user',
    params: statementParams,
    body: cancelAgreementRequestSchema,
    responses: ok('The agreement'),
    handler: async ({ principal, params, body, req }) => ({
      status: 200,
      body: await cancelAgreement(ctx, principal, params.statementId, body.reason, requestMeta(req)),
    }),
  });

  api.add({
    method: 'get',
    path: `${base}/audit`,
    summary:
      'The agreement’s audit log, a page at a time (newest first by default), with the verification of its hash chain from the same snapshot',
    tags,
    access: 'user',
    params: statementParams,
    query: auditPageQuery,
    responses: { 200: { description: 'Audit log', schema: auditLogSchema } },
    handler: async ({ principal, params, query, req }) => ({
      status: 200,
      body: await getAgreementAudit(ctx, principal, params.statementId, query, requestMeta(req)),
    }),
  });

  for (const format of ['jsonl', 'csv'] as const) {
    api.add({
      method: 'get',
      path: `${base}/audit.${format}`,
      summary: `The agreement’s whole audit trail as ${format === 'csv' ? 'CSV' : 'JSON Lines'}, with the head it was verified up to`,
      description: auditExportDescription,
      tags,
      access: 'user',
      params: statementParams,
      responses: {
        200: {
          description: 'The audit trail',
          schema: z.string(),
          contentType: format === 'csv' ? 'text/csv' : 'application/x-ndjson',
        },
      },
      handler: async ({ principal, params, req, res }) => {
        const file = await exportAgreementAudit(ctx, principal, params.statementId, format, requestMeta(req));
        await sendAuditExport(res, file);
      },
    });
  }
}
