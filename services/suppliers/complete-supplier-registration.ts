import { appendPlatformAudit } from '../../db/audit.js';
import { consumeSupplierRegistration } from '../../db/credentials.js';
import type { Tx } from '../../db/database.js';
import { findUserByEmail, insertOrganisation, insertUser, markEmailVerified } from '../../db/organisations.js';
import { upsertSubscription } from '../../db/suppliers.js';
import { DomainError } from '../../domain/errors.js';
import { supplierRegistrationSchema } from '../../domain/suppliers.js';
import type { RequestMeta } from '../context.js';

/**
 * Following a registration link creates the supplier organisation, its first user (address
 * confirmed) and its subscription, in the caller's transaction. If the address has meanwhile
 * become a user's (an administrator added it), the registration ends and nothing is created.
 */
export async function completeSupplierRegistration(
  trx: Tx,
  token: string,
  email: string,
  payload: unknown,
  meta: RequestMeta,
): Promise<{ userId: string }> {
  if (!(await consumeSupplierRegistration(trx, token)))
    throw new DomainError(
      'unauthenticated',
      'This link is not valid: it was used already, has expired, or was mistyped',
    );
  if (await findUserByEmail(trx, email)) {
    throw new DomainError('conflict', 'This address belongs to an account now; sign in instead', [
      { field: 'token', rule: 'the address was registered meanwhile' },
    ]);
  }
  const input = supplierRegistrationSchema.parse(payload);
  const org = await insertOrganisation(trx, {
    kind: 'supplier',
    name: input.organisation.name,
    country: input.organisation.country,
    buyer_legal_type: null,
    nuts: null,
    sme: input.organisation.sme,
  });
  const user = await insertUser(trx, {
    organisation_id: org.id,
    email,
    name: input.user.name,
    locale: input.user.locale,
    roles: [],
    is_admin: false,
  }).catch((error: unknown) => {
    // An administrator added the address in the same instant: the unique index decides.
    if ((error as { code?: string }).code === '23505')
      throw new DomainError('conflict', 'This address belongs to an account now; sign in instead', [
        { field: 'token', rule: 'the address was registered meanwhile' },
      ]);
    throw error;
  });
  await markEmailVerified(trx, user.id);
  if (input.subscription)
    await upsertSubscription(trx, { userId: user.id, organisationId: org.id, ...input.subscription });
  await appendPlatformAudit(trx, { userId: user.id, orgId: org.id }, 'supplier_registered', {
    organisationId: org.id,
    country: org.country,
    sme: org.sme,
    userId: user.id,
    ip: meta.ip ?? null,
    subscription: input.subscription ?? null,
  });
  return { userId: user.id };
}
