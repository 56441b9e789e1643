import { parseArgs } from 'node:util';

import { connectTemporalClient } from '../platform/temporal.js';
import { listStuckWorkflows, stuckWorkflowsTable } from '../services/operations/list-stuck-workflows.js';
import { startup } from './runtime.js';

/**
 * `npm run stuck-workflows` (in the image: `node dist/bin/stuck-workflows.js`): the running
 * workflows with an activity that has failed more than STUCK_ACTIVITY_ATTEMPTS attempts, as a
 * table. Options: `--attempts N` (instead of STUCK_ACTIVITY_ATTEMPTS), `--all-queues` (every task
 * queue of the namespace, not only TEMPORAL_TASK_QUEUE), `--json`. Exit code 0 when none is
 * stuck, 1 when some are (for a cron or a monitor). How to repair one: the operations guide.
 */
const { values } = parseArgs({
  options: {
    attempts: { type: 'string' },
    'all-queues': { type: 'boolean', default: false },
    json: { type: 'boolean', default: false },
  },
});
const { config } = startup('stuck-workflows');
// Reading only: the actor key (for sending updates) is not needed here.
const { NODE_ENV: _nodeEnv, TEMPORAL_ACTOR_KEY: _actorKey, ...connection } = config;
const client = await connectTemporalClient(connection);
try {
  const listing = await listStuckWorkflows(client, {
    minFailedAttempts: values.attempts ? Number(values.attempts) : config.STUCK_ACTIVITY_ATTEMPTS,
    ...(values['all-queues'] ? {} : { taskQueue: config.TEMPORAL_TASK_QUEUE }),
  });
  console.log(values.json ? JSON.stringify(listing, null, 2) : stuckWorkflowsTable(listing));
  process.exitCode = listing.workflows.length === 0 ? 0 : 1;
} finally {
  await client.connection.close();
}
