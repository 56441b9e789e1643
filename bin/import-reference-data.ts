import { existsSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { parseArgs } from 'node:util';

import { migrateToLatest } from '../db/migrate.js';
import {
  CPV_FILE,
  CPV_LABELS_FILE,
  importReferenceFiles,
  locateReferenceData,
  ReferenceDataError,
  UNITS_FILE,
} from '../db/reference-data-files.js';
import { openDb, startup } from './runtime.js';

/**
 * Loads the official CPV 2008 list and the UN/CEFACT Rec 20 unit codes into the database, so
 * need lines are checked against them instead of by structure only. Safe to run again: it
 * upserts. The files stay outside the repository; by default they are read from the shared
 * data folder (see db/reference-data-files.ts).
 *
 * The CPV labels in the 24 EU languages come from --cpv-labels FILE, else the data folder's
 * cpv/cpv-2008.labels-24.json when it has one, else English only.
 *
 *   node --import tsx bin/import-reference-data.ts [--cpv FILE] [--units FILE] [--cpv-labels FILE]
 */

const usage = 'usage: import-reference-data [--cpv FILE] [--units FILE] [--cpv-labels FILE]';

async function main(): Promise<void> {
  let args: { cpv?: string; units?: string; 'cpv-labels'?: string };
  try {
    args = parseArgs({
      options: { cpv: { type: 'string' }, units: { type: 'string' }, 'cpv-labels': { type: 'string' } },
      strict: true,
    }).values;
  } catch (error) {
    console.error(`${(error as Error).message}\n${usage}`);
    process.exit(2);
  }
  const dataDir = locateReferenceData();
  if ((!args.cpv || !args.units) && !dataDir) {
    console.error(
      `The reference data folder was not found; set REFERENCE_DATA_DIR or pass --cpv and --units.\n${usage}`,
    );
    process.exit(1);
  }
  const cpvPath = args.cpv ? resolve(args.cpv) : join(dataDir!, CPV_FILE);
  const unitsPath = args.units ? resolve(args.units) : join(dataDir!, UNITS_FILE);
  const labelsInFolder = dataDir ? join(dataDir, CPV_LABELS_FILE) : undefined;
  const labelsPath = args['cpv-labels']
    ? resolve(args['cpv-labels'])
    : labelsInFolder && existsSync(labelsInFolder)
      ? labelsInFolder
      : undefined;

  const { config, logger } = startup('import-reference-data');
  await migrateToLatest(config.DATABASE_URL);
  const db = openDb(config);
  try {
    let counts: { cpv: number; units: number; cpvLabels: number };
    try {
      counts = await importReferenceFiles(db, { cpv: cpvPath, units: unitsPath, cpvLabels: labelsPath });
    } catch (error) {
      if (!(error instanceof ReferenceDataError)) throw error;
      console.error(error.message);
      process.exitCode = 1;
      return;
    }
    logger.info({ cpvFile: cpvPath, unitFile: unitsPath, ...counts }, 'reference data imported');
    console.log(`Imported ${counts.cpv} CPV codes from ${cpvPath}`);
    console.log(`Imported ${counts.units} unit codes from ${unitsPath}`);
    console.log(`Imported ${counts.cpvLabels} CPV labels from ${labelsPath ?? `${cpvPath} (English only)`}`);
  } finally {
    await db.destroy();
  }
}

await main();
