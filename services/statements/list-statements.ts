import { listStatementsVisibleTo, ownParticipations } from '../../db/statements.js';
import { isCommission, type Principal } from '../../domain/authorization.js';
import { leavingOf } from '../../domain/leaving.js';
import type { ParticipantStatus, Stage } from '../../rules/stages.js';
import type { ServiceContext } from '../context.js';
import { iso } from '../iso.js';
import type { StatementSummary } from './statement-contracts.js';

export async function listStatements(
  ctx: ServiceContext,
  principal: Principal,
  filter: { stage?: Stage | undefined; limit: number; offset: number },
): Promise<StatementSummary[]> {
  const rows = await listStatementsVisibleTo(
    ctx.db,
    { orgId: principal.orgId, seesAll: principal.isAdmin || isCommission(principal) },
    { ...(filter.stage ? { stage: filter.stage } : {}), limit: filter.limit, offset: filter.offset },
  );
  const own = new Map(
    (
      await ownParticipations(
        ctx.db,
        principal.orgId,
        rows.map((r) => r.id),
      )
    ).map((p) => [p.statement_id, p]),
  );
  return rows.map((s) => {
    const mine = own.get(s.id);
    const status = mine?.status as ParticipantStatus | undefined;
    return {
      id: s.id,
      title: s.title,
      cpvCodes: s.cpv_codes,
      stage: s.stage as Stage,
      stageDeadline: iso(s.stage_deadline),
      createdAt: iso(s.created_at)!,
      leadOrganisationId: s.lead_org_id,
      myParticipation: status
        ? {
            status,
            leaving: leavingOf({
              status,
              droppedFrom: mine!.dropped_from as ParticipantStatus | null,
              statusReason: mine!.status_reason,
            }),
          }
        : null,
    };
  });
}
