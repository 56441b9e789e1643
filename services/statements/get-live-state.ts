import { resolveFreeText } from '../../db/free-texts.js';
import { participantStates } from '../../db/participation.js';
import { decide, type Principal } from '../../domain/authorization.js';
import { liveStateQuery } from '../../workflows/statement/messages.js';
import type { RequestMeta, ServiceContext } from '../context.js';
import { authorizeStatement } from './authorize-statement.js';
import { readStatementProcess } from './read-statement-process.js';
import { rosterFor } from './roster.js';
import type { LiveStateView } from './statement-contracts.js';

/**
 * Asks the workflow itself (the source of truth for where the process stands; its last answer once
 * it has closed) and PostgreSQL (the source of truth for each participant, design § Principles),
 * and shows the viewer the participants the roster rules show it; a buyer's needs
 * version (id, content hash) is the lead's and its own, and the aggregate's verdict is for those
 * who may read the aggregate.
 */
export async function getLiveState(
  ctx: ServiceContext,
  principal: Principal,
  statementId: string,
  meta: RequestMeta,
): Promise<LiveStateView> {
  await authorizeStatement(ctx, principal, statementId, 'view', meta);
  const [state, roster, participants] = await Promise.all([
    readStatementProcess(ctx, statementId, liveStateQuery),
    rosterFor(ctx, statementId, principal),
    participantStates(ctx.db, statementId),
  ]);
  const seesAggregate = decide(principal, 'viewAggregate', roster.facts).allowed;
  return {
    statementId: state.statementId,
    leadOrgId: state.leadOrgId,
    stage: state.stage,
    stageEnteredAt: state.stageEnteredAt,
    deadline: state.deadline,
    detailsVersion: state.detailsVersion,
    detailsHash: state.detailsHash,
    participants: participants
      .filter((p) => roster.shows(p.orgId))
      .map((p) =>
        roster.needsOf(p.orgId)
          ? { orgId: p.orgId, status: p.status, version: p.version, versionId: p.versionId, contentHash: p.contentHash }
          : { orgId: p.orgId, status: p.status },
      ),
    surveyVersion: state.surveyVersion,
    round: state.round,
    aggregate: seesAggregate ? state.aggregate : null,
    aggregationBlocked: seesAggregate ? state.aggregationBlocked : null,
    // The workflow holds the reason's id and hash; the text is in PostgreSQL.
    cancelReason: await resolveFreeText(ctx.db, state.cancelReason),
    // The lead runs the process and acts on a failed step; an administrator repairs it.
    processFailure: principal.orgId === state.leadOrgId || principal.isAdmin ? (state.processFailure ?? null) : null,
  };
}
