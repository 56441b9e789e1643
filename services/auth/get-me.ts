import { findOrganisation, findUser } from '../../db/organisations.js';
import { DomainError } from '../../domain/errors.js';
import type { ServiceContext } from '../context.js';
import { toOrganisationView } from '../organisations/organisation-contracts.js';
import type { MeView } from './auth-contracts.js';

export async function getMe(ctx: ServiceContext, userId: string): Promise<MeView> {
  const user = await findUser(ctx.db, userId);
  if (!user) throw new DomainError('not_found', 'User not found');
  const org = await findOrganisation(ctx.db, user.organisation_id);
  return {
    user: {
      id: user.id,
      email: user.email,
      name: user.name,
      organisationId: user.organisation_id,
      locale: user.locale,
      roles: user.roles,
      isAdmin: user.is_admin,
    },
    organisation: toOrganisationView(org!),
  };
}
