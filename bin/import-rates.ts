import { resolve } from 'node:path';
import { parseArgs } from 'node:util';

import { migrateToLatest } from '../db/migrate.js';
import { DomainError } from '../domain/errors.js';
import { RatesSourceUnavailable } from '../platform/ecb-rates-source.js';
import { importEcbRates } from '../services/exchange-rates/import-ecb-rates.js';
import { openDb, startup } from './runtime.js';

/**
 * Imports the ECB euro foreign exchange reference rates into the rate tables aggregations convert
 * with: the daily or historical file, XML or CSV, from disk or a URL.
 *
 *   npm run import-rates                       # ECB_RATES_URL (default: the ECB's daily XML)
 *   npm run import-rates -- --url URL          # e.g. …/eurofxref-hist.xml for every day since 1999
 *   npm run import-rates -- --file PATH        # a downloaded eurofxref-daily.xml, eurofxref-hist.csv, …
 *
 * Safe to run again: days already recorded with the same rates are left alone (and not audited
 * again). Exits 1 with the reason when the file or URL cannot be read or is not ECB rates, 2 on
 * wrong arguments.
 */
const usage = 'usage: import-rates [--file PATH | --url URL]';

async function main(): Promise<void> {
  let args: { file?: string; url?: string };
  try {
    args = parseArgs({ options: { file: { type: 'string' }, url: { type: 'string' } }, strict: true }).values;
  } catch (error) {
    console.error(`${(error as Error).message}\n${usage}`);
    process.exit(2);
  }
  if (args.file && args.url) {
    console.error(`Give either --file or --url, not both.\n${usage}`);
    process.exit(2);
  }
  if (args.url !== undefined && !URL.canParse(args.url)) {
    console.error(`--url must be an absolute URL, not ${JSON.stringify(args.url)}.\n${usage}`);
    process.exit(2);
  }
  const { config, logger } = startup('import-rates');
  const location = args.file ? { file: resolve(args.file) } : { url: args.url ?? config.ECB_RATES_URL };
  await migrateToLatest(config.DATABASE_URL);
  const db = openDb(config);
  try {
    const summary = await importEcbRates({ db }, null, location);
    logger.info({ ...summary, recorded: summary.recorded.length, replaced: summary.replaced.length }, 'rates imported');
    const span = summary.from === summary.to ? summary.from : `${summary.from} to ${summary.to}`;
    console.log(`Read ${summary.days} day(s) of ECB reference rates (${span}) from ${summary.source}`);
    console.log(
      `Recorded ${summary.recorded.length} new day(s), replaced ${summary.replaced.length}` +
        `${summary.replaced.length ? ` (${summary.replaced.join(', ')})` : ''}, ${summary.unchanged} unchanged`,
    );
  } catch (error) {
    if (!(error instanceof DomainError || error instanceof RatesSourceUnavailable)) throw error;
    console.error(`Import failed: ${error.message}`);
    for (const p of error.problems) console.error(`  ${p.field}: ${p.rule}`);
    process.exitCode = 1;
  } finally {
    await db.destroy();
  }
}

await main();
