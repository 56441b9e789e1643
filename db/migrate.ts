import { type MigrationResultSet, Migrator } from 'kysely';
import pg from 'pg';

import { createDb } from './database.js';
import { migrations } from './migrations/index.js';

/** Creates the database named in the URL if it does not exist (connecting to `postgres` to do so). */
export async function ensureDatabase(connectionString: string): Promise<void> {
  const url = new URL(connectionString);
  const name = decodeURIComponent(url.pathname.replace(/^\//, ''));
  if (!/^[A-Za-z0-9_]+$/.test(name)) throw new Error(`DATABASE_URL: database name "${name}" must match [A-Za-z0-9_]+`);
  url.pathname = '/postgres';
  const client = new pg.Client({ connectionString: url.toString() });
  await client.connect();
  try {
    const found = await client.query('select 1 from pg_database where datname = $1', [name]);
    if (found.rowCount === 0) {
      try {
        await client.query(`create database "${name}"`);
      } catch (error) {
        // Two processes starting together may race to create it; the loser is fine.
        if ((error as { code?: string }).code !== '42P04') throw error;
      }
    }
  } finally {
    await client.end();
  }
}

/** Runs pending migrations; Kysely's migrator holds an advisory lock, so concurrent starts are safe. */
export async function migrateToLatest(connectionString: string): Promise<MigrationResultSet> {
  await ensureDatabase(connectionString);
  const db = createDb(connectionString, 1);
  try {
    const migrator = new Migrator({ db, provider: { getMigrations: async () => migrations } });
    const result = await migrator.migrateToLatest();
    if (result.error) throw result.error;
    return result;
  } finally {
    await db.destroy();
  }
}
