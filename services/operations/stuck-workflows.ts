import type { Principal } from '../../domain/authorization.js';
import { DomainError } from '../../domain/errors.js';
import type { ServiceContext } from '../context.js';
import { defaultStuckActivityAttempts, listStuckWorkflows, type StuckWorkflowListing } from './list-stuck-workflows.js';
import type { StuckWorkflowsView } from './operations-contracts.js';

/**
 * The deployment's stuck workflows (its own task queue), for administrators. The listing is the
 * documented answer as it is (typed against the contract, so the two cannot drift apart).
 */
export async function getStuckWorkflows(
  ctx: Pick<ServiceContext, 'temporal' | 'config'>,
  principal: Principal,
): Promise<StuckWorkflowsView> {
  if (!principal.isAdmin) throw new DomainError('forbidden', 'Only an administrator may read the operations view');
  return stuckWorkflowsOf(ctx);
}

/** Without an access check: for /readyz's operator detail and the command line. */
export function stuckWorkflowsOf(ctx: Pick<ServiceContext, 'temporal' | 'config'>): Promise<StuckWorkflowListing> {
  return listStuckWorkflows(ctx.temporal, {
    minFailedAttempts: ctx.config.STUCK_ACTIVITY_ATTEMPTS ?? defaultStuckActivityAttempts,
    taskQueue: ctx.config.TEMPORAL_TASK_QUEUE,
  });
}
