import { findNeedsDraft } from '../../db/needs.js';
import type { Principal } from '../../domain/authorization.js';
import { DomainError, unprocessable } from '../../domain/errors.js';
import { submitNeedsUpdate } from '../../workflows/statement/messages.js';
import type { RequestMeta, ServiceContext } from '../context.js';
import { actorOf, authorizeStatement } from '../statements/authorize-statement.js';
import { updateStatementProcess } from '../statements/statement-process.js';
import { requireNeedsOpen } from './save-needs-draft.js';
import { validateNeeds } from '../../db/validate-needs.js';

/**
 * Locks the current draft as a new version. Every problem is reported at once and nothing is
 * stored if there is one; the workflow then refuses late or foreign submissions.
 */
export async function submitNeeds(ctx: ServiceContext, principal: Principal, statementId: string, meta: RequestMeta) {
  const facts = await authorizeStatement(ctx, principal, statementId, 'actOnOwnNeeds', meta);
  await requireNeedsOpen(ctx, statementId, facts);
  const draft = await findNeedsDraft(ctx.db, statementId, principal.orgId);
  if (!draft) throw unprocessable([{ field: 'draft', rule: 'must be saved before it can be submitted' }], 'There is nothing to submit yet');
  const checked = await validateNeeds(ctx.db, statementId, { lines: draft.lines, answers: draft.answers });
  if ('problems' in checked) throw unprocessable(checked.problems, 'The needs cannot be submitted as they are');
  const result = await updateStatementProcess(
    ctx,
    statementId,
    submitNeedsUpdate,
    { actor: actorOf(principal, facts), contentHash: checked.valid.contentHash },
    meta.idempotencyKey,
  );
  if (!result) throw new DomainError('conflict', 'The submission was not accepted');
  return { ...result, contentHash: checked.valid.contentHash, lines: checked.valid.lines.length };
}
