import { createDb } from '../../db/database.js';
import { migrateToLatest } from '../../db/migrate.js';
import { loadReferenceLists, locateReferenceData } from '../../db/reference-data-files.js';

/**
 * Creates and migrates a database and loads the CPV and unit lists, as `npm start` does: codes are
 * checked against them, as in production. A missing list fails the run's setup, never skips a check.
 */
export async function prepareTestDatabase(url: string): Promise<void> {
  await migrateToLatest(url);
  const db = createDb(url, 2);
  try {
    await loadReferenceLists(db, locateReferenceData());
  } finally {
    await db.destroy();
  }
}
