import { z } from 'zod';

import { listOrganisations } from '../../db/organisations.js';
import { DomainError } from '../../domain/errors.js';
import { organisationCorrectionSchema, userCorrectionSchema } from '../../domain/organisation-corrections.js';
import { anyCountrySchema } from '../../domain/organisations.js';
import { text } from '../../rules/text-policy.js';
import type { ServiceContext } from '../../services/context.js';
import {
  correctOrganisation,
  getOrganisationForAdministrator,
} from '../../services/organisations/correct-organisation.js';
import { correctUser } from '../../services/organisations/correct-user.js';
import {
  organisationAdminViewSchema,
  organisationCorrectedSchema,
  userCorrectedSchema,
} from '../../services/organisations/organisation-admin-contracts.js';
import {
  addUserRequestSchema,
  organisationViewSchema,
  registerOrganisationRequestSchema,
  toOrganisationView,
  userViewSchema,
} from '../../services/organisations/organisation-contracts.js';
import { addUser, registerOrganisation } from '../../services/organisations/register-organisation.js';
import type { ApiRoutes } from '../route.js';
import { pageQuery, requestMeta } from './statement-routes.js';

const tags = ['Organisations'];

export function organisationRoutes(api: ApiRoutes, ctx: ServiceContext): void {
  api.add({
    method: 'get',
    path: '/api/organisations',
    summary: 'Find organisations (buyers, Commission staff and administrators)',
    tags,
    access: 'user',
    query: pageQuery.extend({
      kind: z.enum(['buyer', 'supplier', 'commission']).optional(),
      country: anyCountrySchema.optional(),
      search: text('line', { max: 100 }).optional(),
    }),
    responses: { 200: { description: 'Organisations by name', schema: z.array(organisationViewSchema) } },
    handler: async ({ principal, query }) => {
      if (principal.orgKind === 'supplier' && !principal.isAdmin) {
        throw new DomainError('forbidden', 'Suppliers cannot browse the directory of organisations');
      }
      const rows = await listOrganisations(ctx.db, query);
      return { status: 200, body: rows.map(toOrganisationView) };
    },
  });

  api.add({
    method: 'post',
    path: '/api/organisations',
    summary: 'Register an organisation (administrator)',
    tags,
    access: 'user',
    body: registerOrganisationRequestSchema,
    responses: { 201: { description: 'Registered', schema: organisationViewSchema } },
    handler: async ({ principal, body }) => ({ status: 201, body: await registerOrganisation(ctx, principal, body) }),
  });

  api.add({
    method: 'post',
    path: '/api/organisations/:organisationId/users',
    summary: 'Add a user to an organisation (administrator)',
    tags,
    access: 'user',
    params: z.object({ organisationId: z.uuid() }),
    body: addUserRequestSchema,
    responses: { 201: { description: 'Added', schema: userViewSchema } },
    handler: async ({ principal, params, body }) => ({
      status: 201,
      body: await addUser(ctx, principal, params.organisationId, body),
    }),
  });

  api.add({
    method: 'get',
    path: '/api/admin/organisations/:organisationId',
    summary:
      'An organisation with its users, its corrections and the running statements that counted it (administrators)',
    tags,
    access: 'user',
    params: z.object({ organisationId: z.uuid({ message: 'must be an organisation id (UUID)' }) }),
    responses: {
      200: { description: 'The organisation as administrators see it', schema: organisationAdminViewSchema },
    },
    handler: async ({ principal, params }) => ({
      status: 200,
      body: await getOrganisationForAdministrator(ctx, principal, params.organisationId),
    }),
  });

  api.add({
    method: 'patch',
    path: '/api/admin/organisations/:organisationId',
    summary: 'Correct an organisation: name, country, buyer legal type, NUTS, SME (administrators, with a reason)',
    description:
      'The buyer legal type decides the EU threshold (central or sub-central authority, Directive 2014/24/EU Art. 2(1)(2)-(3) and Art. 4) and the country the countries counted (Art. 39): correcting either re-runs the checks of every statement in shortfall, market engagement or approval that counted the organisation, in the same transaction, and e-mails its lead. Audited on the platform chain with the reason and the values before and after. Send an Idempotency-Key to retry safely.',
    tags,
    access: 'user',
    params: z.object({ organisationId: z.uuid({ message: 'must be an organisation id (UUID)' }) }),
    body: organisationCorrectionSchema,
    responses: { 200: { description: 'Corrected', schema: organisationCorrectedSchema } },
    handler: async ({ principal, params, body, req }) => ({
      status: 200,
      body: await correctOrganisation(ctx, principal, params.organisationId, body, requestMeta(req)),
    }),
  });

  api.add({
    method: 'patch',
    path: '/api/admin/users/:userId',
    summary: 'Correct a user: name, language, signatory role (administrators, with a reason)',
    description:
      'Audited on the platform chain with the reason and the values before and after. A removed user cannot be corrected (409). Send an Idempotency-Key to retry safely.',
    tags,
    access: 'user',
    params: z.object({ userId: z.uuid({ message: 'must be a user id (UUID)' }) }),
    body: userCorrectionSchema,
    responses: { 200: { description: 'Corrected', schema: userCorrectedSchema } },
    handler: async ({ principal, params, body, req }) => ({
      status: 200,
      body: await correctUser(ctx, principal, params.userId, body, requestMeta(req)),
    }),
  });
}
