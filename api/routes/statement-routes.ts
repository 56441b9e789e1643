import type { Request } from 'express';
import { z } from 'zod';

import { DomainError } from '../../domain/errors.js';
import { statementDetailsSchema } from '../../domain/statement.js';
import { stages } from '../../rules/stages.js';
import { normaliseText, text, textProblem } from '../../rules/text-policy.js';
import { auditLogSchema, auditPageQuery } from '../../services/audit/audit-contracts.js';
import { exportStatementAudit } from '../../services/audit/export-statement-audit.js';
import type { RequestMeta, ServiceContext } from '../../services/context.js';
import { answerInvitation } from '../../services/statements/answer-invitation.js';
import { cancelStatement } from '../../services/statements/cancel-statement.js';
import { createStatement } from '../../services/statements/create-statement.js';
import { editStatement } from '../../services/statements/edit-statement.js';
import { getAuditLog } from '../../services/statements/get-audit-log.js';
import { getLiveState } from '../../services/statements/get-live-state.js';
import { getStatement } from '../../services/statements/get-statement.js';
import { inviteBuyers } from '../../services/statements/invite-buyers.js';
import { listStatements } from '../../services/statements/list-statements.js';
import { openNeedsAssessment } from '../../services/statements/open-needs-assessment.js';
import {
  buyerActionAnswerSchema,
  cancelStatementRequestSchema,
  declineInvitationRequestSchema,
  editStatementRequestSchema,
  invitationsSentSchema,
  inviteBuyersRequestSchema,
  liveStateSchema,
  openNeedsAssessmentRequestSchema,
  statementSummarySchema,
  statementViewSchema,
} from '../../services/statements/statement-contracts.js';
import type { ApiRoutes } from '../route.js';
import { auditExportDescription, sendAuditExport } from './audit-export-reply.js';

export const statementParams = z.object({ statementId: z.uuid({ message: 'must be a statement id (UUID)' }) });
export const pageQuery = z.object({
  limit: z.coerce.number().int().min(1).max(500).default(50),
  offset: z.coerce.number().int().min(0).default(0),
});

/** The `Idempotency-Key` header is text a client typed or generated: one line of at most 200 characters. */
export const idempotencyKeyLimits = { min: 1, max: 200 } as const;
const idempotencyKeyHeader = z.object({
  'Idempotency-Key': text('line', {
    ...idempotencyKeyLimits,
    description: 'Makes a retry of this request safe (any value unique to the request, e.g. a UUID)',
  }).optional(),
});

export function requestMeta(req: Request): RequestMeta {
  const key = req.get('idempotency-key');
  const broken = key === undefined ? undefined : textProblem('line', key, idempotencyKeyLimits);
  if (broken)
    throw new DomainError('invalid_input', 'The request is not valid', [
      { field: 'Idempotency-Key', rule: broken.message },
    ]);
  return {
    ip: req.ip,
    method: req.method,
    path: req.originalUrl,
    idempotencyKey: key === undefined ? undefined : normaliseText(key),
  };
}

const tags = ['Statements'];

export function statementRoutes(api: ApiRoutes, ctx: ServiceContext): void {
  api.add({
    method: 'post',
    path: '/api/statements',
    summary: 'Create a joint statement of demand (the caller’s organisation leads it)',
    description:
      'Send an `Idempotency-Key` header to make retries safe: a retry with the same key and body answers like the first request, with the same statement; the same key with a different body is refused (422).',
    tags,
    access: 'user',
    headers: idempotencyKeyHeader,
    body: statementDetailsSchema,
    responses: {
      201: {
        description: 'Created in draft (or created by an earlier request with the same Idempotency-Key)',
        schema: statementViewSchema,
      },
    },
    handler: async ({ principal, body, req }) => {
      // req.body as sent: the schema keeps a CPV code's 8 digits, the list check needs its check digit too.
      const statement = await createStatement(ctx, principal, body, requestMeta(req), req.body);
      return { status: 201, body: statement, headers: { Location: `/api/statements/${statement.id}` } };
    },
  });

  api.add({
    method: 'get',
    path: '/api/statements',
    summary: 'List the statements the caller may see',
    tags,
    access: 'user',
    query: pageQuery.extend({ stage: z.enum(stages).optional() }),
    responses: { 200: { description: 'Statements, newest first', schema: z.array(statementSummarySchema) } },
    handler: async ({ principal, query }) => ({ status: 200, body: await listStatements(ctx, principal, query) }),
  });

  api.add({
    method: 'get',
    path: '/api/statements/:statementId',
    summary: 'Read a statement with its participants’ statuses',
    tags,
    access: 'user',
    params: statementParams,
    responses: { 200: { description: 'The statement', schema: statementViewSchema } },
    handler: async ({ principal, params, req }) => ({
      status: 200,
      body: await getStatement(ctx, principal, params.statementId, requestMeta(req)),
    }),
  });

  api.add({
    method: 'patch',
    path: '/api/statements/:statementId',
    summary: 'Edit a statement in draft (lead buyer)',
    tags,
    access: 'user',
    params: statementParams,
    body: editStatementRequestSchema,
    responses: { 200: { description: 'The edited statement', schema: statementViewSchema } },
    handler: async ({ principal, params, body, req }) => ({
      status: 200,
      body: await editStatement(ctx, principal, params.statementId, body, requestMeta(req), req.body),
    }),
  });

  api.add({
    method: 'post',
    path: '/api/statements/:statementId/invitations',
    summary: 'Invite buyer organisations (lead buyer)',
    tags,
    access: 'user',
    params: statementParams,
    body: inviteBuyersRequestSchema,
    responses: {
      200: {
        description: 'Who was invited now and who had been invited before',
        schema: invitationsSentSchema,
      },
    },
    handler: async ({ principal, params, body, req }) => ({
      status: 200,
      body: await inviteBuyers(ctx, principal, params.statementId, body.organisationIds, requestMeta(req)),
    }),
  });

  api.add({
    method: 'post',
    path: '/api/statements/:statementId/invitation/accept',
    summary: 'Accept the invitation for the caller’s organisation',
    tags,
    access: 'user',
    params: statementParams,
    responses: {
      200: { description: 'The organisation’s standing and what it may do next', schema: buyerActionAnswerSchema },
    },
    handler: async ({ principal, params, req }) => ({
      status: 200,
      body: await answerInvitation(ctx, principal, params.statementId, { accept: true }, requestMeta(req)),
    }),
  });

  api.add({
    method: 'post',
    path: '/api/statements/:statementId/invitation/decline',
    summary: 'Decline the invitation for the caller’s organisation',
    tags,
    access: 'user',
    params: statementParams,
    body: declineInvitationRequestSchema,
    responses: {
      200: { description: 'The organisation’s standing and what it may do next', schema: buyerActionAnswerSchema },
    },
    handler: async ({ principal, params, body, req }) => ({
      status: 200,
      body: await answerInvitation(
        ctx,
        principal,
        params.statementId,
        { accept: false, reason: body.reason },
        requestMeta(req),
      ),
    }),
  });

  api.add({
    method: 'post',
    path: '/api/statements/:statementId/needs-assessment/open',
    summary: 'Open the needs assessment (lead buyer)',
    description: 'Without a deadline, the stage lasts the duration in the statement’s schedule.',
    tags,
    access: 'user',
    params: statementParams,
    body: openNeedsAssessmentRequestSchema,
    responses: { 200: { description: 'The statement, now in needs assessment', schema: statementViewSchema } },
    handler: async ({ principal, params, body, req }) => ({
      status: 200,
      body: await openNeedsAssessment(ctx, principal, params.statementId, body, requestMeta(req)),
    }),
  });

  api.add({
    method: 'post',
    path: '/api/statements/:statementId/cancel',
    summary: 'Cancel the statement with a reason (lead buyer or administrator)',
    tags,
    access: 'user',
    params: statementParams,
    body: cancelStatementRequestSchema,
    responses: { 200: { description: 'The cancelled statement', schema: statementViewSchema } },
    handler: async ({ principal, params, body, req }) => ({
      status: 200,
      body: await cancelStatement(ctx, principal, params.statementId, body.reason, requestMeta(req)),
    }),
  });

  api.add({
    method: 'get',
    path: '/api/statements/:statementId/live',
    summary: 'The live process state, straight from the workflow',
    tags,
    access: 'user',
    params: statementParams,
    responses: { 200: { description: 'Live state', schema: liveStateSchema } },
    handler: async ({ principal, params, req }) => ({
      status: 200,
      body: await getLiveState(ctx, principal, params.statementId, requestMeta(req)),
    }),
  });

  api.add({
    method: 'get',
    path: '/api/statements/:statementId/audit',
    summary: 'The statement’s audit log, a page at a time, and the verification of its hash chain',
    description:
      'Newest first by default; follow `page.nextCursor` with `cursor` for older events. The page, the verification and `head` come from one snapshot: `head` is what the verification covers.',
    tags,
    access: 'user',
    params: statementParams,
    query: auditPageQuery,
    responses: { 200: { description: 'Audit log', schema: auditLogSchema } },
    handler: async ({ principal, params, query, req }) => ({
      status: 200,
      body: await getAuditLog(ctx, principal, params.statementId, query, requestMeta(req)),
    }),
  });

  for (const format of ['jsonl', 'csv'] as const) {
    api.add({
      method: 'get',
      path: `/api/statements/:statementId/audit.${format}`,
      summary: `The statement’s whole audit trail as ${format === 'csv' ? 'CSV' : 'JSON Lines'}, with the head it was verified up to`,
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
        const file = await exportStatementAudit(ctx, principal, params.statementId, format, requestMeta(req));
        await sendAuditExport(res, file);
      },
    });
  }
}
