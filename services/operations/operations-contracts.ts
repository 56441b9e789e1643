import { z } from 'zod';

/** Shapes of the operators' answers: the stuck workflows (`GET /api/operations/stuck-workflows`). */
export const stuckWorkflowsSchema = z
  .object({
    threshold: z
      .int()
      .meta({ description: 'STUCK_ACTIVITY_ATTEMPTS: an activity is listed once more attempts than this have failed' }),
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
export type StuckWorkflowsView = z.infer<typeof stuckWorkflowsSchema>;
