import { appendAudit, PLATFORM_CHAIN } from '../../db/audit.js';
import { findUserByEmail, insertOrganisation, insertUser } from '../../db/organisations.js';
import { DomainError } from '../../domain/errors.js';
import type { ServiceContext } from '../context.js';

export interface FirstAdministratorInput {
  email: string;
  name: string;
  organisationName: string;
  country: string;
}

/**
 * Bootstraps a production installation: the operator organisation and its first administrator,
 * who then registers everyone else through the API. Run from the command line by whoever has the
 * database (there is nobody yet to authorise it); running it again for the same address is a no-op.
 */
export async function createFirstAdministrator(
  ctx: Pick<ServiceContext, 'db'>,
  input: FirstAdministratorInput,
): Promise<{ userId: string; created: boolean }> {
  const email = input.email.trim().toLowerCase();
  const existing = await findUserByEmail(ctx.db, email);
  if (existing) {
    if (!existing.is_admin)
      throw new DomainError('conflict', `${email} exists already and is not an administrator`, [
        { field: 'email', rule: 'must not belong to an existing user who is not an administrator' },
      ]);
    return { userId: existing.id, created: false };
  }
  return ctx.db.transaction().execute(async (trx) => {
    const org = await insertOrganisation(trx, {
      kind: 'operator',
      name: input.organisationName,
      country: input.country,
      buyer_legal_type: null,
      nuts: null,
      sme: null,
    });
    const user = await insertUser(trx, {
      organisation_id: org.id,
      email,
      name: input.name,
      locale: 'en',
      roles: [],
      is_admin: true,
    });
    await appendAudit(trx, {
      chain: PLATFORM_CHAIN,
      eventKey: `first-administrator:${email}`,
      statementId: null,
      actorUserId: null,
      actorOrgId: null,
      action: 'first_administrator_created',
      data: { organisationId: org.id, userId: user.id, email },
      at: new Date(),
    });
    return { userId: user.id, created: true };
  });
}
