import { listUserAccess } from '../../db/credentials.js';
import type { Principal } from '../../domain/authorization.js';
import type { ServiceContext } from '../context.js';
import { requireAdministrator, userAccessView } from './require-admin.js';

export async function listOrganisationUsers(ctx: ServiceContext, principal: Principal, organisationId: string) {
  requireAdministrator(principal);
  return (await listUserAccess(ctx.db, organisationId)).map(userAccessView);
}
