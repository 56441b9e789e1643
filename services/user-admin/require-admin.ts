import { findUserAccess, type UserAccessRow } from '../../db/credentials.js';
import type { Tx } from '../../db/database.js';
import type { Principal } from '../../domain/authorization.js';
import { DomainError, unprocessable } from '../../domain/errors.js';

export function requireAdministrator(principal: Principal): void {
  if (!principal.isAdmin) throw new DomainError('forbidden', 'Only an administrator may manage users');
}

/** The target user, locked; an administrator does not lock themself out. */
export async function lockTargetUser(trx: Tx, principal: Principal, userId: string): Promise<UserAccessRow> {
  const user = await findUserAccess(trx, userId, true);
  if (!user) throw new DomainError('not_found', 'No user with this id');
  if (user.id === principal.userId)
    throw unprocessable(
      [{ field: 'userId', rule: 'must not be your own account' }],
      'Administrators cannot disable or remove themselves',
    );
  return user;
}

export const userAccessView = (u: UserAccessRow) => ({
  id: u.id,
  organisationId: u.organisation_id,
  email: u.email,
  name: u.name,
  roles: u.roles,
  isAdmin: u.is_admin,
  disabledAt: u.disabled_at ? u.disabled_at.toISOString() : null,
  removedAt: u.removed_at ? u.removed_at.toISOString() : null,
});
