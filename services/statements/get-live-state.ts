import type { Principal } from '../../domain/authorization.js';
import { liveStateQuery, statementWorkflowId, type StatementLiveState } from '../../workflows/statement/messages.js';
import type { RequestMeta, ServiceContext } from '../context.js';
import { authorizeStatement } from './authorize-statement.js';
import { rosterFor } from './roster.js';

/** Asks the workflow itself (the source of truth for where the process stands), showing the participants the roster rules show the viewer. */
export async function getLiveState(
  ctx: ServiceContext,
  principal: Principal,
  statementId: string,
  meta: RequestMeta,
): Promise<StatementLiveState> {
  await authorizeStatement(ctx, principal, statementId, 'view', meta);
  const [state, roster] = await Promise.all([ctx.temporal.workflow.getHandle(statementWorkflowId(statementId)).query(liveStateQuery), rosterFor(ctx, statementId, principal)]);
  return { ...state, participants: state.participants.filter((p) => roster.shows(p.orgId)) };
}
