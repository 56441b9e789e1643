import { appendPlatformAudit } from '../../db/audit.js';
import { findOrganisation, findUserByEmail, insertOrganisation, insertUser } from '../../db/organisations.js';
import type { Principal } from '../../domain/authorization.js';
import { DomainError, unprocessable } from '../../domain/errors.js';
import type { ServiceContext } from '../context.js';
import { type OrganisationView, toOrganisationView } from './organisation-contracts.js';

export interface NewOrganisationInput {
  kind: 'buyer' | 'supplier' | 'commission';
  name: string;
  country: string;
  buyerLegalType?: string | undefined;
  nuts?: string | undefined;
  sme?: boolean | undefined;
  centralPurchasingBody?: { awarding: boolean; acquiring: boolean } | undefined;
}

function requireAdmin(principal: Principal): void {
  if (!principal.isAdmin)
    throw new DomainError('forbidden', 'Only an administrator may register organisations and users');
}

export async function registerOrganisation(
  ctx: ServiceContext,
  principal: Principal,
  input: NewOrganisationInput,
): Promise<OrganisationView> {
  requireAdmin(principal);
  if (input.kind === 'buyer' && !input.buyerLegalType) {
    throw unprocessable([{ field: 'buyerLegalType', rule: 'is required for a buyer organisation' }]);
  }
  if (input.kind === 'supplier' && input.sme === undefined) {
    throw unprocessable([{ field: 'sme', rule: 'is required for a supplier organisation' }]);
  }
  const org = await ctx.db.transaction().execute(async (trx) => {
    const created = await insertOrganisation(trx, {
      kind: input.kind,
      name: input.name,
      country: input.country,
      buyer_legal_type: input.kind === 'buyer' ? input.buyerLegalType! : null,
      nuts: input.nuts ?? null,
      sme: input.kind === 'supplier' ? input.sme! : null,
      awarding_cpb: input.kind === 'buyer' && (input.centralPurchasingBody?.awarding ?? false),
      acquiring_cpb: input.kind === 'buyer' && (input.centralPurchasingBody?.acquiring ?? false),
    });
    await appendPlatformAudit(trx, principal, 'organisation_registered', {
      organisationId: created.id,
      kind: created.kind,
      name: created.name,
      country: created.country,
    });
    return created;
  });
  return toOrganisationView(org);
}

export interface NewUserInput {
  email: string;
  name: string;
  locale: string;
  roles: string[];
  isAdmin?: boolean | undefined;
}

export async function addUser(ctx: ServiceContext, principal: Principal, organisationId: string, input: NewUserInput) {
  requireAdmin(principal);
  if (!(await findOrganisation(ctx.db, organisationId))) throw new DomainError('not_found', 'Organisation not found');
  if (await findUserByEmail(ctx.db, input.email)) {
    throw new DomainError('conflict', 'A user with this e-mail address exists already', [
      { field: 'email', rule: 'must be unique' },
    ]);
  }
  return ctx.db.transaction().execute(async (trx) => {
    const user = await insertUser(trx, {
      organisation_id: organisationId,
      email: input.email,
      name: input.name,
      locale: input.locale,
      roles: input.roles,
      is_admin: input.isAdmin ?? false,
    });
    await appendPlatformAudit(trx, principal, 'user_added', {
      userId: user.id,
      organisationId,
      roles: input.roles,
      isAdmin: user.is_admin,
    });
    return {
      id: user.id,
      email: user.email,
      name: user.name,
      organisationId,
      locale: user.locale,
      roles: user.roles,
      isAdmin: user.is_admin,
    };
  });
}
