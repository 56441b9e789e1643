import type { ServiceContext } from '../../services/context.js';
import { stuckWorkflowsSchema } from '../../services/operations/operations-contracts.js';
import { getStuckWorkflows } from '../../services/operations/stuck-workflows.js';
import type { ApiRoutes } from '../route.js';

/** What operators watch: workflows that cannot move on by themselves. */
export function operationsRoutes(api: ApiRoutes, ctx: ServiceContext): void {
  api.add({
    method: 'get',
    path: '/api/operations/stuck-workflows',
    summary:
      'Running workflows with an activity failing for more than STUCK_ACTIVITY_ATTEMPTS attempts (administrators)',
    description:
      'Listed through Temporal visibility (this deployment’s task queue) and described one by one: the activity’s type, the attempt, its last failure and since when. Repair: fix the cause and let the retry run, or reset or terminate the workflow with the temporal CLI (see the operations guide).',
    tags: ['Operations'],
    access: 'user',
    responses: { 200: { description: 'Stuck workflows', schema: stuckWorkflowsSchema } },
    handler: async ({ principal, res }) => {
      res.setHeader('Cache-Control', 'no-store');
      return { status: 200, body: await getStuckWorkflows(ctx, principal) };
    },
  });
}
