import path from 'node:path';

import { createApp } from '../api/app.js';
import { answerMalformedRequests } from '../api/client-errors.js';
import { devMailViewer } from '../api/dev-mail-viewer.js';
import { createDb } from '../db/database.js';
import { migrateToLatest } from '../db/migrate.js';
import { CPV_FILE, loadReferenceLists, locateReferenceData, UNITS_FILE } from '../db/reference-data-files.js';
import { type CaptureServer, startCaptureServer } from '../mail/capture-server.js';
import { createSmtpMailer, smtpPoolOptions } from '../mail/mailer.js';
import { cookieSecure } from '../platform/config.js';
import { connectTemporalClient } from '../platform/temporal.js';
import { findOrBuildTemporalCli, TemporalCliMissing } from '../platform/temporal-cli.js';
import { startTemporalDevServer } from '../platform/temporal-dev-server.js';
import { ensureAuditSchedule } from '../services/audit/audit-schedule.js';
import { ensureDigestSchedule } from '../services/dashboard/digest-schedule.js';
import { seedDemoData } from '../services/demo/seed-demo-data.js';
import { ensureRatesSchedule, removeRatesSchedule } from '../services/exchange-rates/rates-schedule.js';
import { closePublicDocuments } from '../services/publication/public-documents.js';
import { createWorker } from './create-worker.js';
import { startup } from './runtime.js';

/**
 * The embedded default: everything on one machine, with mail captured locally, so a newcomer
 * can sign in and walk through a statement without any outside service.
 */
const { config, logger } = startup('dev');
const say = (line = '') => process.stdout.write(`${line}\n`);
const stops: Array<() => Promise<void>> = [];

async function main() {
  // Found before anything starts: without the CPV and unit lists there is nothing to check codes against.
  const referenceDataDir = locateReferenceData();
  if (referenceDataDir === undefined) {
    console.error(
      `Cannot start: the CPV 2008 and UN/CEFACT Rec 20 lists were not found (${CPV_FILE}, ${UNITS_FILE}); set REFERENCE_DATA_DIR to the folder that holds them.`,
    );
    process.exit(2);
  }
  let cli: string;
  try {
    cli = await findOrBuildTemporalCli((m) => say(m));
  } catch (error) {
    if (error instanceof TemporalCliMissing) {
      console.error(error.message);
      process.exit(3);
    }
    throw error;
  }
  say(`Starting Temporal (${cli}) at ${config.TEMPORAL_ADDRESS}...`);
  const temporalServer = await startTemporalDevServer({
    cli,
    address: config.TEMPORAL_ADDRESS,
    dataDir: path.resolve(config.DATA_DIR),
    log: (line) => logger.debug({ temporal: line }),
  });
  stops.push(() => temporalServer.stop());

  say(`Migrating the database ${new URL(config.DATABASE_URL).pathname.slice(1)}...`);
  await migrateToLatest(config.DATABASE_URL);
  const db = createDb(config.DATABASE_URL, config.DATABASE_POOL_SIZE, config.DATABASE_ROLE, (error) =>
    logger.warn({ err: error }, 'a pooled database connection ended while idle'),
  );
  stops.push(() => db.destroy());
  // Every start loads the lists (unchanged rows are left alone): CPV codes and units are checked
  // against them, never on their structure alone. Without them the start stops here.
  const counts = await loadReferenceLists(db, referenceDataDir);
  say(`Loaded the reference lists: ${counts.cpv} CPV codes, ${counts.units} unit codes (from ${counts.dataDir})`);

  // Mail stays on this machine unless SMTP_URL points elsewhere.
  const smtp = new URL(config.SMTP_URL);
  let capture: CaptureServer | undefined;
  if (['127.0.0.1', 'localhost'].includes(smtp.hostname)) {
    capture = await startCaptureServer({
      port: Number(smtp.port || 25),
      host: '127.0.0.1',
      keep: 500,
      onMessage: (m) => {
        say(`\n✉  Mail to ${m.to.join(', ')}: ${m.subject}`);
        for (const url of m.text.match(/https?:\/\/\S+/g) ?? []) say(`   ${url}`);
      },
    });
  }
  const mailer = createSmtpMailer(config.SMTP_URL, config.MAIL_FROM, smtpPoolOptions(config));
  stops.push(async () => mailer.close());
  // After the mailer: the capture server waits for open SMTP connections before it closes.
  if (capture) stops.push(() => capture.close());

  say('Starting the worker (bundling the workflows)...');
  const { worker, connection } = await createWorker({
    db,
    mailer,
    publicUrl: config.PUBLIC_URL,
    exchangeRateMaxAgeDays: config.EXCHANGE_RATE_MAX_AGE_DAYS,
    address: config.TEMPORAL_ADDRESS,
    namespace: config.TEMPORAL_NAMESPACE,
    taskQueue: config.TEMPORAL_TASK_QUEUE,
  });
  const workerRun = worker.run();
  stops.unshift(async () => {
    // The SDK's own signal handler may have begun the shutdown already.
    if (worker.getState() === 'RUNNING') worker.shutdown();
    await workerRun;
    await connection.close();
  });

  const temporal = await connectTemporalClient(config);
  stops.push(() => temporal.connection.close());
  await ensureDigestSchedule(temporal, { taskQueue: config.TEMPORAL_TASK_QUEUE });
  await ensureAuditSchedule(temporal, { taskQueue: config.TEMPORAL_TASK_QUEUE });
  if (config.ECB_RATES_SCHEDULE === 'on') {
    await ensureRatesSchedule(temporal, {
      taskQueue: config.TEMPORAL_TASK_QUEUE,
      url: config.ECB_RATES_URL,
      cron: config.ECB_RATES_CRON,
    });
  } else {
    await removeRatesSchedule(temporal);
  }
  const ctx = { db, temporal, config, logger };
  const { app } = createApp({
    ctx,
    db,
    temporal,
    mailer,
    secureCookies: cookieSecure(config),
    extraRoutes:
      capture && config.NODE_ENV !== 'production' ? [devMailViewer(capture, { nodeEnv: config.NODE_ENV })] : [],
  });
  const server = await new Promise<ReturnType<typeof app.listen>>((resolve) => {
    const s = app.listen(config.PORT, config.HOST, () => resolve(s));
  });
  answerMalformedRequests(server);
  // Unshifted, so they run first: the server stops taking requests, then its readers close.
  stops.unshift(() => closePublicDocuments(ctx));
  stops.unshift(() => new Promise<void>((resolve) => server.close(() => resolve())));

  say('Seeding demo data...');
  const seeded = await seedDemoData(ctx);

  say('');
  say('jointdemand is running.');
  say(`  Application      ${config.PUBLIC_URL}`);
  say(`  API reference    ${new URL('/api/docs', config.PUBLIC_URL)}`);
  if (capture && config.NODE_ENV !== 'production')
    say(`  Captured e-mail  ${new URL('/dev/mail', config.PUBLIC_URL)} (this machine only; and printed here)`);
  if (temporalServer.uiUrl) say(`  Temporal UI      ${temporalServer.uiUrl}`);
  say('');
  say('Demo users (sign in with the e-mail address; the link arrives as captured mail):');
  for (const line of seeded.users) say(`  ${line}`);
  say('');
  say(
    `For example: curl -X POST ${new URL('/api/auth/sign-in', config.PUBLIC_URL)} -H 'content-type: application/json' -d '{"email":"lead@helsinki.example"}'`,
  );
  say('Press Ctrl-C to stop everything.');
}

let stopping = false;
async function shutdown(code: number) {
  if (stopping) return;
  stopping = true;
  say('\nStopping...');
  for (const stop of stops) {
    try {
      await stop();
    } catch (error) {
      logger.warn({ err: error }, 'while stopping');
    }
  }
  process.exit(code);
}
process.on('SIGINT', () => void shutdown(0));
process.on('SIGTERM', () => void shutdown(0));

main().catch(async (error: unknown) => {
  logger.error({ err: error }, 'start-up failed');
  await shutdown(1);
});
