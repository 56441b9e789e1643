import { randomUUID } from 'node:crypto';

import { findNeedsDraft } from '../../db/needs.js';
import { validateNeeds } from '../../db/validate-needs.js';
import type { Principal } from '../../domain/authorization.js';
import { unprocessable } from '../../domain/errors.js';
import type { RequestMeta, ServiceContext } from '../context.js';
import { authorizeStatement } from '../statements/authorize-statement.js';
import { recordBuyerAction } from '../statements/record-buyer-action.js';
import { requireNeedsOpen } from './save-needs-draft.js';

/**
 * Locks the current draft as a new version. Every problem is reported at once and nothing is
 * stored if there is one; the version is recorded only if the stage, the deadline and the buyer's
 * status still allow it when it is written (a deadline passing meanwhile: 409).
 */
export async function submitNeeds(ctx: ServiceContext, principal: Principal, statementId: string, meta: RequestMeta) {
  const facts = await authorizeStatement(ctx, principal, statementId, 'actOnOwnNeeds', meta);
  requireNeedsOpen(facts);
  const draft = await findNeedsDraft(ctx.db, statementId, principal.orgId);
  if (!draft)
    throw unprocessable(
      [{ field: 'draft', rule: 'must be saved before it can be submitted' }],
      'There is nothing to submit yet',
    );
  const checked = await validateNeeds(ctx.db, statementId, { lines: draft.lines, answers: draft.answers });
  if ('problems' in checked) throw unprocessable(checked.problems, 'The needs cannot be submitted as they are');
  const { contentHash } = checked.valid;
  const recorded = await recordBuyerAction(
    ctx,
    principal,
    facts,
    {
      statementId,
      action: 'submitNeeds',
      request: { contentHash },
      // The projection checks the draft again in the transaction: one changed meanwhile is a 409.
      event: (locked) => ({
        kind: 'needs_submitted',
        orgId: principal.orgId,
        versionId: randomUUID(),
        version: (locked.latestVersion ?? 0) + 1,
        surveyVersion: checked.valid.surveyVersion,
        contentHash,
        supersedes: locked.latestSubmittedVersionId ?? null,
      }),
    },
    meta,
  );
  return {
    versionId: recorded.versionId as string,
    version: recorded.version as number,
    contentHash,
    lines: recorded.lines as number,
  };
}
