import { findNeedsDraft, listNeedVersions } from '../../db/needs.js';
import type { Principal } from '../../domain/authorization.js';
import type { RequestMeta, ServiceContext } from '../context.js';
import { iso } from '../iso.js';
import { authorizeNeedsRead } from './needs-access.js';

/** One buyer's needs: its draft and every version it submitted (its own users and the lead only). */
export async function getNeeds(
  ctx: ServiceContext,
  principal: Principal,
  statementId: string,
  orgId: string,
  meta: RequestMeta,
) {
  await authorizeNeedsRead(ctx, principal, statementId, orgId, meta);
  const [draft, versions] = await Promise.all([
    findNeedsDraft(ctx.db, statementId, orgId),
    listNeedVersions(ctx.db, statementId, orgId),
  ]);
  return {
    organisationId: orgId,
    // The lead sees what was submitted; a draft stays the buyer's own working copy.
    draft:
      draft && principal.orgId === orgId
        ? {
            lines: draft.lines as unknown[],
            answers: draft.answers as Record<string, unknown>,
            savedAt: iso(draft.updated_at)!,
          }
        : null,
    versions: versions.map((v) => ({
      id: v.id,
      version: v.version,
      status: v.status,
      surveyVersion: v.survey_version,
      lines: v.lines as unknown[],
      answers: v.answers,
      contentHash: v.content_hash,
      submittedAt: iso(v.submitted_at)!,
      confirmedAt: iso(v.confirmed_at),
    })),
  };
}
