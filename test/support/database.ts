import path from 'node:path';

import { createDb } from '../../db/database.js';
import { migrateToLatest } from '../../db/migrate.js';
import { CPV_FILE, importReferenceFiles, locateReferenceData, UNITS_FILE } from '../../db/reference-data-files.js';

/** Creates and migrates a database and loads the CPV and unit lists: need lines are checked against them, as in production. */
export async function prepareTestDatabase(url: string): Promise<void> {
  await migrateToLatest(url);
  const dataDir = locateReferenceData();
  if (!dataDir)
    throw new Error(
      'Reference data (CPV 2008, UN/CEFACT Rec 20) not found: set REFERENCE_DATA_DIR to the shared data folder',
    );
  const db = createDb(url, 2);
  try {
    await importReferenceFiles(db, { cpv: path.join(dataDir, CPV_FILE), units: path.join(dataDir, UNITS_FILE) });
  } finally {
    await db.destroy();
  }
}
