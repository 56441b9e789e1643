import { randomUUID } from 'node:crypto';

import type { Db } from '../../db/database.js';
import { insertOrganisation, insertUser } from '../../db/organisations.js';
import type { Organisation, User } from '../../db/schema.js';

/**
 * Every kind of caller the authorisation matrix and the fuzz test play (no vitest import here,
 * so `npm run fuzz` can use it outside the test runner):
 *
 *   anon        nobody signed in
 *   supplier    a supplier's user
 *   outsider    a buyer's user (with the signatory role) whose organisation was never invited
 *   participant a participating buyer's user with the signatory role
 *   lead        the lead buyer's user with the signatory role
 *   clerk       another user of the participant's organisation, without the signatory role
 *   commission  Commission staff
 *   admin       an administrator (of the operator's organisation)
 *   declined    a buyer that declined its invitation
 *   withdrawn   a buyer that accepted, then withdrew during the needs assessment
 */
export const roles = [
  'anon',
  'supplier',
  'outsider',
  'participant',
  'lead',
  'clerk',
  'commission',
  'admin',
  'declined',
  'withdrawn',
] as const;
export type Role = (typeof roles)[number];
export type SignedInRole = Exclude<Role, 'anon'>;

export interface Cast {
  orgs: Record<
    'lead' | 'participant' | 'outsider' | 'declined' | 'withdrawn' | 'supplier' | 'commission' | 'operator',
    Organisation
  >;
  users: Record<SignedInRole, User>;
  /** A user of the participant's organisation that no caller plays: the target of the administrators' acts. */
  victim: User;
}

/**
 * The organisations and users behind the roles: the lead in Finland and the participant in Sweden
 * (so an agreement across borders is possible). `prefix` names the organisations ("Matrix
 * Helsinki"), `userPrefix` the users; e-mail addresses are unique per call.
 */
export async function makeCast(db: Db, options: { prefix: string; userPrefix: string }): Promise<Cast> {
  const org = (kind: Organisation['kind'], country: string, name: string) =>
    insertOrganisation(db, {
      kind,
      name: `${options.prefix} ${name}`,
      country,
      buyer_legal_type: kind === 'buyer' ? 'la' : null,
      sme: kind === 'supplier' ? true : null,
    });
  const orgs: Cast['orgs'] = {
    lead: await org('buyer', 'FI', 'Helsinki'),
    participant: await org('buyer', 'SE', 'Stockholm'),
    outsider: await org('buyer', 'EE', 'Tallinn'),
    declined: await org('buyer', 'NO', 'Oslo'),
    withdrawn: await org('buyer', 'LV', 'Riga'),
    supplier: await org('supplier', 'DE', 'Supplier GmbH'),
    commission: await org('commission', 'BE', 'Commission'),
    operator: await org('operator', 'BE', 'Operator'),
  };
  const user = (orgId: string, label: string, extra: { roles?: string[]; isAdmin?: boolean } = {}) =>
    insertUser(db, {
      organisation_id: orgId,
      email: `${options.userPrefix}-${label}-${randomUUID().slice(0, 8)}@test.example`,
      name: `${options.userPrefix}-${label}`,
      locale: 'en',
      roles: extra.roles ?? [],
      is_admin: extra.isAdmin ?? false,
    });
  const users: Cast['users'] = {
    supplier: await user(orgs.supplier.id, 'supplier'),
    outsider: await user(orgs.outsider.id, 'outsider', { roles: ['signatory'] }),
    participant: await user(orgs.participant.id, 'participant', { roles: ['signatory'] }),
    lead: await user(orgs.lead.id, 'lead', { roles: ['signatory'] }),
    clerk: await user(orgs.participant.id, 'clerk'),
    commission: await user(orgs.commission.id, 'commission'),
    admin: await user(orgs.operator.id, 'admin', { isAdmin: true }),
    declined: await user(orgs.declined.id, 'declined', { roles: ['signatory'] }),
    withdrawn: await user(orgs.withdrawn.id, 'withdrawn', { roles: ['signatory'] }),
  };
  const victim = await user(orgs.participant.id, 'victim');
  return { orgs, users, victim };
}
