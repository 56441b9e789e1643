import { z } from 'zod';
import type { ServiceContext } from '../../services/context.js';
import { getStuckWorkflows } from '../../services/operations/stuck-workflows.js';
import type { ApiRoutes } from '../route.js';

const stuckWorkflowsSchema = z
  .object({
    threshold: z.int().meta({ description: 'STUCK_ACTIVITY_ATTEMPTS: an activity is listed once more attempts than this have failed' }),
    scanned: z.int().meta({ description: 'Running workflows looked at' }),
    truncated: z.boolean().meta({ description: 'More workflows were running than were looked at' }),
    workflows: z.array(
      z.object({
        workflowId: z.string(),
        runId: z.string(),
        workflowType: z.string(),
        taskQueue: z.string(),
        startedAt: z.string().nullable(),
        activities: z.array(
          z.object({
            activityId: z.string(),
            activityType: z.string(),
            attempt: z.int().meta({ description: 'The attempt now pending' }),
            maximumAttempts: z.int().meta({ description: '0: unlimited' }),
            state: z.string(),
            lastFailure: z.object({ type: z.string().nullable(), message: z.string() }).nullable(),
            since: z.string().nullable().meta({ description: 'When the activity was first scheduled' }),
            lastAttemptAt: z.string().nullable(),
            nextAttemptAt: z.string().nullable(),
          }),
        ),
      }),
    ),
  })
  .meta({ id: 'StuckWorkflows' });

/** What operators watch: workflows that cannot move on by themselves. */
export function operationsRoutes(api: ApiRoutes, ctx: ServiceContext): void {
  api.add({
    method: 'get',
    path: '/api/operations/stuck-workflows',
    summary: 'Running workflows with an activity failing for more than STUCK_ACTIVITY_ATTEMPTS attempts (administrators)',
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
