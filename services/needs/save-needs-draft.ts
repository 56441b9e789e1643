import { appendAudit } from '../../db/audit.js';
import { findNeedsDraft, saveNeedsDraft as saveDraft } from '../../db/needs.js';
import { validateNeeds } from '../../db/validate-needs.js';
import type { Principal, StatementFacts } from '../../domain/authorization.js';
import { DomainError } from '../../domain/errors.js';
import { refusalOf } from '../../domain/participation.js';
import { contentHash } from '../../platform/canonical-json.js';
import type { Stage } from '../../rules/stages.js';
import { statementWorkflowId } from '../../workflows/statement/messages.js';
import type { RequestMeta, ServiceContext } from '../context.js';
import { iso } from '../iso.js';
import { authorizeStatement } from '../statements/authorize-statement.js';
import { scopedUpdateId } from '../statements/idempotency.js';

/**
 * Drafts are the participant's working copy: saved freely while the stage is open, written by
 * the API directly (the high-volume path), audited, and checked so the answer can list what
 * would still stop a submission — without refusing to save it.
 */
/** The stage, the deadline and the participant's own status all allow entering needs now (`domain/participation.ts`). */
export function requireNeedsOpen(facts: StatementFacts): void {
  const refusal = refusalOf(
    'saveNeeds',
    { stage: facts.stage, deadline: facts.deadline ?? null, status: facts.participantStatus },
    Date.now(),
  );
  if (refusal) throw new DomainError(refusal.code, refusal.message, refusal.problems);
}

export async function saveNeedsDraft(
  ctx: ServiceContext,
  principal: Principal,
  statementId: string,
  draft: { lines: unknown[]; answers: Record<string, unknown> },
  meta: RequestMeta,
) {
  const facts = await authorizeStatement(ctx, principal, statementId, 'actOnOwnNeeds', meta);
  requireNeedsOpen(facts);
  // A save repeated with its Idempotency-Key (its answer lost: the API killed, a dropped
  // connection) is recorded once: the draft is the same either way, and so is the audit trail
  // (npm run chaos saw two `needs_draft_saved` entries for one save after an API was killed).
  const eventKey = meta.idempotencyKey
    ? `draft:${await scopedUpdateId(
        ctx,
        { organisationId: principal.orgId, workflowId: statementWorkflowId(statementId), operation: 'saveNeedsDraft' },
        meta.idempotencyKey,
        draft,
      )}`
    : null;
  const savedAt = await ctx.db.transaction().execute(async (trx) => {
    const at = await saveDraft(
      trx,
      { statementId, orgId: principal.orgId, lines: draft.lines, answers: draft.answers, userId: principal.userId },
      eventKey ? { chain: statementId, eventKey } : undefined,
    );
    // Recorded already: the draft the first save wrote is there (its row is what the save met).
    if (at === undefined) return (await findNeedsDraft(trx, statementId, principal.orgId))!.updated_at;
    await appendAudit(trx, {
      chain: statementId,
      eventKey,
      statementId,
      actorUserId: principal.userId,
      actorOrgId: principal.orgId,
      action: 'needs_draft_saved',
      data: { organisationId: principal.orgId, lines: draft.lines.length, draftHash: contentHash(draft) },
      at,
    });
    return at;
  });
  const checked = await validateNeeds(ctx.db, statementId, draft);
  return {
    savedAt: iso(savedAt)!,
    stage: facts.stage as Stage,
    readyToSubmit: 'valid' in checked,
    problems: 'problems' in checked ? checked.problems : [],
  };
}
