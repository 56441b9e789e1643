import { z } from 'zod';

import type { ServiceContext } from '../../services/context.js';
import { confirmNeeds } from '../../services/needs/confirm-needs.js';
import { defineSurvey } from '../../services/needs/define-survey.js';
import { getNeeds } from '../../services/needs/get-needs.js';
import { getNeedsOverview } from '../../services/needs/get-needs-overview.js';
import { getSurvey } from '../../services/needs/get-survey.js';
import {
  confirmNeedsRequestSchema,
  defineSurveyRequestSchema,
  draftSavedSchema,
  needsOverviewQuery,
  needsOverviewSchema,
  needsViewSchema,
  overviewPageSize,
  saveNeedsDraftRequestSchema,
  submittedSchema,
  surveyViewSchema,
  withdrawNeedsRequestSchema,
} from '../../services/needs/needs-contracts.js';
import { saveNeedsDraft } from '../../services/needs/save-needs-draft.js';
import { submitNeeds } from '../../services/needs/submit-needs.js';
import { withdrawNeeds } from '../../services/needs/withdraw-needs.js';
import { closeStage } from '../../services/statements/close-stage.js';
import { extendDeadline } from '../../services/statements/extend-deadline.js';
import {
  buyerActionAnswerSchema,
  extendDeadlineRequestSchema,
  statementViewSchema,
} from '../../services/statements/statement-contracts.js';
import type { ApiRoutes } from '../route.js';
import { needLinesSheetRoutes } from './need-lines-sheet-routes.js';
import { requestMeta, statementParams } from './statement-routes.js';

const tags = ['Needs assessment'];

export function needsRoutes(api: ApiRoutes, ctx: ServiceContext): void {
  needLinesSheetRoutes(api, ctx);

  api.add({
    method: 'put',
    path: '/api/statements/:statementId/survey',
    summary: 'Define the needs survey’s own questions (lead buyer)',
    description:
      'In draft this rewrites the survey; once the needs assessment is open it creates a new version and tells the participants.',
    tags,
    access: 'user',
    params: statementParams,
    body: defineSurveyRequestSchema,
    responses: { 200: { description: 'The current survey version', schema: surveyViewSchema } },
    handler: async ({ principal, params, body, req }) => ({
      status: 200,
      body: await defineSurvey(ctx, principal, params.statementId, body.questions, requestMeta(req)),
    }),
  });

  api.add({
    method: 'get',
    path: '/api/statements/:statementId/survey',
    summary: 'The needs survey (latest version, or a given one)',
    tags,
    access: 'user',
    params: statementParams,
    query: z.object({ version: z.coerce.number().int().min(1).optional() }),
    responses: { 200: { description: 'A survey version', schema: surveyViewSchema } },
    handler: async ({ principal, params, query, req }) => ({
      status: 200,
      body: await getSurvey(ctx, principal, params.statementId, requestMeta(req), query.version),
    }),
  });

  api.add({
    method: 'put',
    path: '/api/statements/:statementId/needs/draft',
    summary: 'Save the caller’s organisation’s draft needs (any time while the stage is open)',
    description: 'Saving never fails on content; the answer lists what would still stop a submission.',
    tags,
    access: 'user',
    params: statementParams,
    body: saveNeedsDraftRequestSchema,
    responses: { 200: { description: 'Saved', schema: draftSavedSchema } },
    handler: async ({ principal, params, body, req }) => ({
      status: 200,
      body: await saveNeedsDraft(ctx, principal, params.statementId, body, requestMeta(req)),
    }),
  });

  api.add({
    method: 'post',
    path: '/api/statements/:statementId/needs/submit',
    summary: 'Submit the saved draft: locks it as a new version (the latest version counts)',
    tags,
    access: 'user',
    params: statementParams,
    responses: { 200: { description: 'The locked version', schema: submittedSchema } },
    handler: async ({ principal, params, req }) => ({
      status: 200,
      body: await submitNeeds(ctx, principal, params.statementId, requestMeta(req)),
    }),
  });

  api.add({
    method: 'post',
    path: '/api/statements/:statementId/needs/withdraw',
    summary: 'Withdraw the caller’s organisation from the statement, with a reason',
    tags,
    access: 'user',
    params: statementParams,
    body: withdrawNeedsRequestSchema,
    responses: {
      200: { description: 'The organisation’s standing and what it may do next', schema: buyerActionAnswerSchema },
    },
    handler: async ({ principal, params, body, req }) => ({
      status: 200,
      body: await withdrawNeeds(ctx, principal, params.statementId, body.reason, requestMeta(req)),
    }),
  });

  api.add({
    method: 'post',
    path: '/api/statements/:statementId/needs/confirm',
    summary: 'Confirm (sign off) the organisation’s latest submitted version',
    tags,
    access: 'user',
    params: statementParams,
    body: confirmNeedsRequestSchema,
    responses: {
      200: { description: 'The organisation’s standing and what it may do next', schema: buyerActionAnswerSchema },
    },
    handler: async ({ principal, params, body, req }) => ({
      status: 200,
      body: await confirmNeeds(ctx, principal, params.statementId, body.versionId, requestMeta(req)),
    }),
  });

  api.add({
    method: 'get',
    path: '/api/statements/:statementId/needs/:organisationId',
    summary: 'One buyer’s needs: its draft (own organisation only) and submitted versions',
    description: 'Visible to that buyer and to the lead buyer only.',
    tags,
    access: 'user',
    params: statementParams.extend({ organisationId: z.uuid({ message: 'must be an organisation id (UUID)' }) }),
    responses: { 200: { description: 'Needs', schema: needsViewSchema } },
    handler: async ({ principal, params, req }) => ({
      status: 200,
      body: await getNeeds(ctx, principal, params.statementId, params.organisationId, requestMeta(req)),
    }),
  });

  api.add({
    method: 'get',
    path: '/api/statements/:statementId/needs-overview',
    summary: 'Who has done what, with deadlines (lead buyer, Commission staff)',
    description:
      'Counts of every participant by status, and one page of participants in the order of their names: pass `nextCursor` back as `cursor` for the next one (null on the last page). ' +
      `At most ${overviewPageSize.max} participants per page; \`status\` keeps only those in the statuses named.`,
    tags,
    access: 'user',
    params: statementParams,
    query: needsOverviewQuery,
    responses: { 200: { description: 'Overview', schema: needsOverviewSchema } },
    handler: async ({ principal, params, query, req }) => ({
      status: 200,
      body: await getNeedsOverview(ctx, principal, params.statementId, query, requestMeta(req)),
    }),
  });

  api.add({
    method: 'post',
    path: '/api/statements/:statementId/deadline',
    summary: 'Extend the current stage’s deadline (lead buyer); everyone affected is told',
    tags: ['Statements'],
    access: 'user',
    params: statementParams,
    body: extendDeadlineRequestSchema,
    responses: { 200: { description: 'The statement', schema: statementViewSchema } },
    handler: async ({ principal, params, body, req }) => ({
      status: 200,
      body: await extendDeadline(ctx, principal, params.statementId, body.deadline, requestMeta(req)),
    }),
  });

  api.add({
    method: 'post',
    path: '/api/statements/:statementId/close-stage',
    summary: 'Close the current stage before its deadline (lead buyer)',
    tags: ['Statements'],
    access: 'user',
    params: statementParams,
    responses: { 200: { description: 'The statement, in its next stage', schema: statementViewSchema } },
    handler: async ({ principal, params, req }) => ({
      status: 200,
      body: await closeStage(ctx, principal, params.statementId, requestMeta(req)),
    }),
  });
}
