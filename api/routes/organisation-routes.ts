import { z } from 'zod';

import { listOrganisations } from '../../db/organisations.js';
import { DomainError } from '../../domain/errors.js';
import { anyCountrySchema } from '../../domain/organisations.js';
import { text } from '../../rules/text-policy.js';
import type { ServiceContext } from '../../services/context.js';
import {
  addUserRequestSchema,
  organisationViewSchema,
  registerOrganisationRequestSchema,
  toOrganisationView,
  userViewSchema,
} from '../../services/organisations/organisation-contracts.js';
import { addUser, registerOrganisation } from '../../services/organisations/register-organisation.js';
import type { ApiRoutes } from '../route.js';
import { pageQuery } from './statement-routes.js';

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
}
