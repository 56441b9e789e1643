import { connectTemporalClient } from '../platform/temporal.js';
import { seedDemoData } from '../services/demo/seed-demo-data.js';
import { openDb, startup } from './runtime.js';

const { config, logger } = startup('seed');
const db = openDb(config);
const temporal = await connectTemporalClient(config);
const result = await seedDemoData({ db, temporal, config, logger });
logger.info({ created: result.created }, 'demo data in place');
for (const line of result.users) console.log(line);
await temporal.connection.close();
await db.destroy();
