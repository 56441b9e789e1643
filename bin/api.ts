import { createApp } from '../api/app.js';
import { answerMalformedRequests } from '../api/client-errors.js';
import { requireReferenceLists } from '../db/reference-data-files.js';
import { cookieSecure } from '../platform/config.js';
import { connectTemporalClient } from '../platform/temporal.js';
import { closePublicDocuments } from '../services/publication/public-documents.js';
import { onShutdown, openDb, openMailer, startup } from './runtime.js';

const { config, logger } = startup('api');
const db = openDb(config, logger);
// CPV codes and units are checked against the lists, never on their structure alone: no lists, no start.
await requireReferenceLists(db);
const temporal = await connectTemporalClient(config);
const mailer = openMailer(config);
const ctx = { db, temporal, config, logger };
const { app } = createApp({
  ctx,
  db,
  temporal,
  mailer,
  secureCookies: cookieSecure(config),
});
const server = app.listen(config.PORT, config.HOST, () =>
  logger.info({ url: config.PUBLIC_URL, port: config.PORT }, 'API listening'),
);
answerMalformedRequests(server);
onShutdown(logger, async () => {
  await new Promise<void>((resolve) => server.close(() => resolve()));
  await closePublicDocuments(ctx);
  await temporal.connection.close();
  mailer.close();
  await db.destroy();
});
