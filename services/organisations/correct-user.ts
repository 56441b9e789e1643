import { randomUUID } from 'node:crypto';

import { appendAudit, PLATFORM_CHAIN, recordedAuditData } from '../../db/audit.js';
import { findUserAccess } from '../../db/credentials.js';
import { findUser, updateUser } from '../../db/organisations.js';
import { canAdministerOrganisations, type Principal } from '../../domain/authorization.js';
import { DomainError, unprocessable } from '../../domain/errors.js';
import { type UserChange, type UserCorrection, userCorrectionChanges } from '../../domain/organisation-corrections.js';
import { contentHash } from '../../platform/canonical-json.js';
import type { RequestMeta, ServiceContext } from '../context.js';
import { idempotencyKeyReused } from '../statements/idempotency.js';
import { userAccessView } from '../user-admin/require-admin.js';

/**
 * An administrator corrects a user of an organisation (name, language, signatory role), with a
 * reason kept on the platform audit chain with the values before and after. A retry with the same
 * Idempotency-Key changes nothing twice.
 */
export async function correctUser(
  ctx: ServiceContext,
  principal: Principal,
  userId: string,
  input: UserCorrection,
  meta: RequestMeta,
) {
  const decision = canAdministerOrganisations(principal);
  if (!decision.allowed) throw new DomainError(decision.code, 'Only an administrator may read and correct users');
  const requestHash = contentHash({ userId, input });
  const eventKey = `user-corrected:${userId}:${meta.idempotencyKey ?? randomUUID()}`;
  return ctx.db.transaction().execute(async (trx) => {
    const current = await findUserAccess(trx, userId, true);
    if (!current) throw new DomainError('not_found', 'No user with this id');
    const earlier = await recordedAuditData(trx, PLATFORM_CHAIN, eventKey);
    if (earlier) {
      if (earlier.requestHash !== requestHash)
        throw unprocessable([idempotencyKeyReused], 'This Idempotency-Key was already used for a different request');
      return { user: userAccessView(current), changes: earlier.changes as UserChange[], reason: input.reason };
    }
    if (current.removed_at)
      throw new DomainError('conflict', 'This user was removed from its organisation', [
        { field: 'userId', rule: 'must be a user still in its organisation' },
      ]);
    const { locale } = (await findUser(trx, userId))!;
    const changes = userCorrectionChanges({ name: current.name, locale, roles: current.roles }, input);
    if (changes.length === 0)
      throw unprocessable(
        [
          {
            field: 'body',
            rule: 'must change at least one of name, locale, roles (the values given are the current ones)',
          },
        ],
        'The correction changes nothing',
      );
    const patch: { name?: string; locale?: string; roles?: string[] } = {};
    for (const c of changes) {
      if (c.field === 'roles') patch.roles = c.to as string[];
      else patch[c.field] = c.to as string;
    }
    await updateUser(trx, userId, patch);
    await appendAudit(trx, {
      chain: PLATFORM_CHAIN,
      eventKey,
      statementId: null,
      actorUserId: principal.userId,
      actorOrgId: principal.orgId,
      action: 'user_corrected',
      data: { userId, organisationId: current.organisation_id, changes, reason: input.reason, requestHash },
      at: new Date(),
    });
    const after = (await findUserAccess(trx, userId))!;
    return { user: userAccessView(after), changes, reason: input.reason };
  });
}
