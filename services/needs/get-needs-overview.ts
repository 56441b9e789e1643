import { needsOverview } from '../../db/needs.js';
import { findStatement } from '../../db/statements.js';
import { canReadNeedsOf, canReadReasonOf, type Principal } from '../../domain/authorization.js';
import type { RequestMeta, ServiceContext } from '../context.js';
import { iso } from '../iso.js';
import { authorizeStatement } from '../statements/authorize-statement.js';

/** Who has done what, against which deadline: statuses and dates, never the content; a reason and a version's id are the lead's to read. */
export async function getNeedsOverview(
  ctx: ServiceContext,
  principal: Principal,
  statementId: string,
  meta: RequestMeta,
) {
  const facts = await authorizeStatement(ctx, principal, statementId, 'viewNeedsOverview', meta);
  const [statement, rows] = await Promise.all([findStatement(ctx.db, statementId), needsOverview(ctx.db, statementId)]);
  return {
    stage: statement!.stage,
    deadline: iso(statement!.stage_deadline),
    participants: rows.map((r) => {
      const latest = r.latest as unknown as {
        id: string;
        version: number;
        status: string;
        submittedAt: string;
        confirmedAt: string | null;
        lines: number;
      } | null;
      return {
        organisationId: r.organisation_id,
        name: r.name,
        country: r.country,
        status: r.status,
        statusReason: canReadReasonOf(principal, facts, r.organisation_id) ? r.status_reason : null,
        draftSavedAt: iso(r.draft_saved_at),
        latestVersion: latest
          ? ((own) => ({
              id: own ? latest.id : null,
              version: latest.version,
              status: latest.status,
              lines: own ? latest.lines : null,
              submittedAt: iso(latest.submittedAt)!,
              confirmedAt: iso(latest.confirmedAt),
            }))(canReadNeedsOf(principal, facts, r.organisation_id).allowed)
          : null,
      };
    }),
  };
}
