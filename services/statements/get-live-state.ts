import type { Principal } from '../../domain/authorization.js';
import { liveStateQuery, statementWorkflowId, type StatementLiveState } from '../../workflows/statement/messages.js';
import type { RequestMeta, ServiceContext } from '../context.js';
import { authorizeStatement } from './authorize-statement.js';

/** Asks the workflow itself: the source of truth for where the process stands. */
export async function getLiveState(
  ctx: ServiceContext,
  principal: Principal,
  statementId: string,
  meta: RequestMeta,
): Promise<StatementLiveState> {
  await authorizeStatement(ctx, principal, statementId, 'view', meta);
  return ctx.temporal.workflow.getHandle(statementWorkflowId(statementId)).query(liveStateQuery);
}
