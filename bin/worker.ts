import { createWebhookRelay } from '../activities/webhook-relay.js';
import { requireReferenceLists } from '../db/reference-data-files.js';
import { connectTemporalClient } from '../platform/temporal.js';
import { webhookSecretKey } from '../platform/webhook-signature.js';
import { ensureAuditSchedule } from '../services/audit/audit-schedule.js';
import { ensureDigestSchedule } from '../services/dashboard/digest-schedule.js';
import { ensureRatesSchedule, removeRatesSchedule } from '../services/exchange-rates/rates-schedule.js';
import { createWorker } from './create-worker.js';
import { onShutdown, openDb, openMailer, startup } from './runtime.js';
import { startWorkerHealthServer } from './worker-health.js';

const { config, logger } = startup('worker');
const db = openDb(config, logger);
// CPV codes and units are checked against the lists, never on their structure alone: no lists, no start.
await requireReferenceLists(db);
const mailer = openMailer(config);
const { worker, connection } = await createWorker({
  db,
  mailer,
  publicUrl: config.PUBLIC_URL,
  exchangeRateMaxAgeDays: config.EXCHANGE_RATE_MAX_AGE_DAYS,
  address: config.TEMPORAL_ADDRESS,
  namespace: config.TEMPORAL_NAMESPACE,
  taskQueue: config.TEMPORAL_TASK_QUEUE,
  ...(config.WORKFLOW_BUNDLE ? { workflowBundle: { codePath: config.WORKFLOW_BUNDLE } } : {}),
  logger,
  options: { shutdownGraceTime: config.WORKER_SHUTDOWN_GRACE_SECONDS * 1000 },
});
// The weekly digest for Commission staff: created once, updated by every later start.
const client = await connectTemporalClient(config);
await ensureDigestSchedule(client, { taskQueue: config.TEMPORAL_TASK_QUEUE });
await ensureAuditSchedule(client, { taskQueue: config.TEMPORAL_TASK_QUEUE });
// The daily import of the ECB reference rates, only where ECB_RATES_SCHEDULE=on (never in tests).
if (config.ECB_RATES_SCHEDULE === 'on') {
  await ensureRatesSchedule(client, {
    taskQueue: config.TEMPORAL_TASK_QUEUE,
    url: config.ECB_RATES_URL,
    cron: config.ECB_RATES_CRON,
  });
} else {
  await removeRatesSchedule(client);
}
await client.connection.close();
const running = worker.run();
// The webhook relay (issue 19): sends what is due in the webhooks' outbox, beside the worker.
const webhookRelay = createWebhookRelay({
  db,
  mailer,
  publicUrl: config.PUBLIC_URL,
  secretKey: webhookSecretKey(config),
  allowHttpLocalhost: config.WEBHOOK_ALLOW_HTTP_LOCALHOST && config.NODE_ENV !== 'production',
  retryBaseMs: config.WEBHOOK_RETRY_BASE_MS,
  disableAfterFailures: config.WEBHOOK_DISABLE_AFTER_FAILURES,
  onError: (err) => logger.error({ err }, 'webhook relay'),
}).start();
let stopping = false;
const health = config.WORKER_HEALTH_PORT
  ? await startWorkerHealthServer(
      { db, connection, logger, state: () => worker.getState(), stopping: () => stopping },
      { port: config.WORKER_HEALTH_PORT, host: config.WORKER_HEALTH_HOST },
    )
  : undefined;
const release = async () => {
  await health?.close();
  await connection.close();
  mailer.close();
  await db.destroy();
};
onShutdown(logger, async () => {
  // From the signal on, /readyz answers 503, so an orchestrator routes nothing new here.
  stopping = true;
  // The SDK's own signal handler may have begun the shutdown already. Either way, activities in
  // flight finish (within the worker's shutdown grace time) before the process exits.
  if (worker.getState() === 'RUNNING') worker.shutdown();
  const started = Date.now();
  await Promise.all([running, webhookRelay.stop()]);
  logger.info({ drainedMs: Date.now() - started }, 'worker drained');
  await release();
});
logger.info({ taskQueue: config.TEMPORAL_TASK_QUEUE, healthPort: health?.port }, 'worker running');
await running;
