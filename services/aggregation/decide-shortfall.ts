import type { Principal } from '../../domain/authorization.js';
import { decideShortfallUpdate, type ShortfallDecision } from '../../workflows/statement/messages.js';
import type { RequestMeta, ServiceContext } from '../context.js';
import { actorOf, authorizeStatement } from '../statements/authorize-statement.js';
import { keepFreeText } from '../statements/free-text.js';
import { statementViewFor } from '../statements/get-statement.js';
import { updateStatementProcess } from '../statements/statement-process.js';

/** The lead's answer to a shortfall: extend the needs assessment, proceed with a justification, or abandon. */
export async function decideShortfall(
  ctx: ServiceContext,
  principal: Principal,
  statementId: string,
  decision: ShortfallDecision,
  meta: RequestMeta,
) {
  const facts = await authorizeStatement(ctx, principal, statementId, 'decideShortfall', meta);
  // A justification or reason is kept in PostgreSQL; the workflow gets its id and hash.
  const kept =
    decision.decision === 'proceed' && typeof decision.justification === 'string'
      ? {
          ...decision,
          justification: await keepFreeText(
            ctx,
            statementId,
            principal,
            'shortfall_justification',
            decision.justification,
          ),
        }
      : decision.decision === 'abandon' && typeof decision.reason === 'string'
        ? {
            ...decision,
            reason: await keepFreeText(ctx, statementId, principal, 'shortfall_abandoned', decision.reason),
          }
        : decision;
  await updateStatementProcess(
    ctx,
    statementId,
    decideShortfallUpdate,
    { actor: actorOf(principal, facts), ...kept },
    meta.idempotencyKey,
  );
  return statementViewFor(ctx, statementId, principal);
}
