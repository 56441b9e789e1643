import { needsOverviewPage } from '../../db/needs.js';
import { canReadNeedsOf, canReadReasonOf, type Principal } from '../../domain/authorization.js';
import { leavingOf } from '../../domain/leaving.js';
import type { ParticipantStatus } from '../../rules/stages.js';
import type { RequestMeta, ServiceContext } from '../context.js';
import { iso } from '../iso.js';
import { authorizeStatement } from '../statements/authorize-statement.js';
import { encodeParticipantCursor, type NeedsOverviewQuery } from './needs-contracts.js';

/**
 * Who has done what, against which deadline: statuses and dates, never the content; a reason and
 * a version's id are the lead's to read. A page of participants at a time, with the counts of all
 * of them: read by the lead and Commission staff every few seconds while thousands of buyers act.
 */
export async function getNeedsOverview(
  ctx: ServiceContext,
  principal: Principal,
  statementId: string,
  query: NeedsOverviewQuery,
  meta: RequestMeta,
) {
  const facts = await authorizeStatement(ctx, principal, statementId, 'viewNeedsOverview', meta);
  // The stage and its deadline are those the authorisation read; the counts come with the page.
  const { counts, participants: found } = await needsOverviewPage(ctx.db, statementId, {
    limit: query.limit,
    after: query.cursor,
    statuses: query.status,
  });
  const rows = found.slice(0, query.limit);
  const last = rows.at(-1);
  const total = Object.values(counts).reduce((a, b) => a + b, 0);
  return {
    stage: facts.stage,
    deadline: facts.deadline == null ? null : iso(new Date(facts.deadline)),
    counts: { total, byStatus: counts },
    matching: query.status ? query.status.reduce((n, s) => n + (counts[s] ?? 0), 0) : total,
    nextCursor:
      found.length > query.limit && last
        ? encodeParticipantCursor({ name: last.name, organisationId: last.organisation_id })
        : null,
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
        leaving: leavingOf({
          status: r.status as ParticipantStatus,
          droppedFrom: r.dropped_from as ParticipantStatus | null,
          statusReason: r.status_reason,
        }),
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
