import { connectTemporalClient } from '../platform/temporal.js';
import { ensureAuditSchedule } from '../services/audit/audit-schedule.js';
import { ensureDigestSchedule } from '../services/dashboard/digest-schedule.js';
import { createWorker } from './create-worker.js';
import { onShutdown, openDb, openMailer, startup } from './runtime.js';

const { config, logger } = startup('worker');
const db = openDb(config, logger);
const mailer = openMailer(config);
const { worker, connection } = await createWorker({
  db,
  mailer,
  publicUrl: config.PUBLIC_URL,
  address: config.TEMPORAL_ADDRESS,
  namespace: config.TEMPORAL_NAMESPACE,
  taskQueue: config.TEMPORAL_TASK_QUEUE,
  ...(config.WORKFLOW_BUNDLE ? { workflowBundle: { codePath: config.WORKFLOW_BUNDLE } } : {}),
});
// The weekly digest for Commission staff: created once, updated by every later start.
const client = await connectTemporalClient(config);
await ensureDigestSchedule(client, { taskQueue: config.TEMPORAL_TASK_QUEUE });
await ensureAuditSchedule(client, { taskQueue: config.TEMPORAL_TASK_QUEUE });
await client.connection.close();
const running = worker.run();
const release = async () => {
  await connection.close();
  mailer.close();
  await db.destroy();
};
onShutdown(logger, async () => {
  // The SDK's own signal handler may have begun the shutdown already. Either way, activities in
  // flight finish (within the worker's shutdown grace time) before the process exits.
  if (worker.getState() === 'RUNNING') worker.shutdown();
  await running;
  await release();
});
logger.info({ taskQueue: config.TEMPORAL_TASK_QUEUE }, 'worker running');
await running;
