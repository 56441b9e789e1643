import { z } from 'zod';

import type { ServiceContext } from '../../services/context.js';
import { setUserEnabled } from '../../services/user-admin/disable-user.js';
import { listOrganisationUsers } from '../../services/user-admin/list-organisation-users.js';
import { removeMembership } from '../../services/user-admin/remove-membership.js';
import { revokeUserCredentials } from '../../services/user-admin/revoke-user-credentials.js';
import {
  credentialsRevokedSchema,
  revokeCredentialsRequestSchema,
  userAccessSchema,
} from '../../services/user-admin/user-admin-contracts.js';
import type { ApiRoutes } from '../route.js';
import { requestMeta } from './statement-routes.js';

const tags = ['User administration'];

/** Administrators manage who may sign in: disable, enable, remove from an organisation, revoke credentials. Each is audited on the platform chain. */
export function userAdminRoutes(api: ApiRoutes, ctx: ServiceContext): void {
  api.add({
    method: 'get',
    path: '/api/admin/organisations/:organisationId/users',
    summary: 'An organisation’s users with their access state (administrators)',
    tags,
    access: 'user',
    params: z.object({ organisationId: z.uuid() }),
    responses: { 200: { description: 'Users, removed ones included', schema: z.array(userAccessSchema) } },
    handler: async ({ principal, params }) => ({
      status: 200,
      body: await listOrganisationUsers(ctx, principal, params.organisationId),
    }),
  });

  for (const [verb, enabled] of [
    ['disable', false],
    ['enable', true],
  ] as const) {
    api.add({
      method: 'post',
      path: `/api/admin/users/:userId/${verb}`,
      summary: enabled
        ? 'Enable a disabled user again (administrators)'
        : 'Disable a user: every session ends, every API token and sign-in link is revoked (administrators)',
      description: enabled
        ? 'Gives back no session or token: the user signs in again.'
        : 'Administrators cannot disable themselves (422).',
      tags,
      access: 'user',
      params: z.object({ userId: z.uuid() }),
      responses: { 200: { description: 'The user’s access now', schema: userAccessSchema } },
      handler: async ({ principal, params, req }) => ({
        status: 200,
        body: await setUserEnabled(ctx, principal, params.userId, enabled, requestMeta(req)),
      }),
    });
  }

  api.add({
    method: 'delete',
    path: '/api/admin/organisations/:organisationId/users/:userId',
    summary: 'Remove a user from its organisation (administrators)',
    description:
      'The user keeps its place in the history but loses its roles and every credential, and cannot sign in.',
    tags,
    access: 'user',
    params: z.object({ organisationId: z.uuid(), userId: z.uuid() }),
    responses: { 200: { description: 'The user’s access now', schema: userAccessSchema } },
    handler: async ({ principal, params, req }) => ({
      status: 200,
      body: await removeMembership(ctx, principal, params.organisationId, params.userId, requestMeta(req)),
    }),
  });

  api.add({
    method: 'post',
    path: '/api/admin/users/:userId/revoke-credentials',
    summary: 'End a user’s sessions and/or revoke its API tokens (administrators)',
    tags,
    access: 'user',
    params: z.object({ userId: z.uuid() }),
    body: revokeCredentialsRequestSchema,
    responses: { 200: { description: 'What was revoked', schema: credentialsRevokedSchema } },
    handler: async ({ principal, params, body, req }) => ({
      status: 200,
      body: await revokeUserCredentials(ctx, principal, params.userId, body, requestMeta(req)),
    }),
  });
}
