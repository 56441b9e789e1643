import pg from 'pg';

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

/**
 * A new database `name` copied from `templateUrl`'s, a prepared database that no one is connected
 * to: PostgreSQL copies its files in under a second, where migrating and loading the lists again
 * took 5 s on an idle machine and about twice that in a whole run (23 files ask for a database of
 * their own). Returns the copy's URL.
 */
export async function copyDatabase(templateUrl: string, name: string): Promise<string> {
  const template = new URL(templateUrl);
  const admin = new URL(templateUrl);
  admin.pathname = '/postgres';
  const client = new pg.Client({ connectionString: admin.toString() });
  await client.connect();
  try {
    await client.query(`create database "${name}" template "${template.pathname.slice(1)}"`);
  } finally {
    await client.end();
  }
  const copy = new URL(templateUrl);
  copy.pathname = `/${name}`;
  return copy.toString();
}
