import { createWorker } from '../platform/worker.js';
import { onShutdown, openDb, openMailer, startup } from './runtime.js';

const { config, logger } = startup('worker');
const db = openDb(config);
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
onShutdown(logger, async () => {
  // The SDK's own signal handler may have begun the shutdown already.
  if (worker.getState() === 'RUNNING') worker.shutdown();
});
logger.info({ taskQueue: config.TEMPORAL_TASK_QUEUE }, 'worker running');
await worker.run();
await connection.close();
mailer.close();
await db.destroy();
