import { migrateToLatest } from '../db/migrate.js';
import { startup } from './runtime.js';

const { config, logger } = startup('migrate');
const result = await migrateToLatest(config.DATABASE_URL);
for (const r of result.results ?? []) logger.info({ migration: r.migrationName, status: r.status }, 'migration');
logger.info('database is up to date');
