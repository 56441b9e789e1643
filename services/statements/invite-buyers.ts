import { findOrganisations } from '../../db/organisations.js';
import type { Principal } from '../../domain/authorization.js';
import { unprocessable } from '../../domain/errors.js';
import { inviteBuyersUpdate } from '../../workflows/statement/messages.js';
import type { RequestMeta, ServiceContext } from '../context.js';
import { actorOf, authorizeStatement } from './authorize-statement.js';
import { statementViewFor } from './get-statement.js';
import type { StatementView } from './statement-contracts.js';
import { updateStatementProcess } from './statement-process.js';

export async function inviteBuyers(
  ctx: ServiceContext,
  principal: Principal,
  statementId: string,
  organisationIds: string[],
  meta: RequestMeta,
): Promise<{ invited: string[]; alreadyInvited: string[]; statement: StatementView }> {
  const facts = await authorizeStatement(ctx, principal, statementId, 'invite', meta);
  const unique = [...new Set(organisationIds)];
  const found = new Map((await findOrganisations(ctx.db, unique)).map((o) => [o.id, o]));
  const problems = organisationIds.flatMap((id, i) => {
    const org = found.get(id);
    if (!org) return [{ field: `organisationIds[${i}]`, rule: 'must be the id of a registered organisation' }];
    if (org.kind !== 'buyer') return [{ field: `organisationIds[${i}]`, rule: 'must be a buyer organisation' }];
    return [];
  });
  if (problems.length > 0) throw unprocessable(problems, 'Only registered buyer organisations can be invited');
  const result = await updateStatementProcess(
    ctx,
    statementId,
    inviteBuyersUpdate,
    { actor: actorOf(principal, facts), orgIds: unique },
    meta.idempotencyKey,
  );
  return {
    invited: result.invited,
    alreadyInvited: result.alreadyInvited,
    statement: await statementViewFor(ctx, statementId, principal),
  };
}
