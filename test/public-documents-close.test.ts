import pg from 'pg';
import { describe, expect, it } from 'vitest';

import { startHarness, until } from './support/harness.js';

/**
 * An API keeps one connection that listens for new renderings of the public documents. Closing
 * the API (its shutdown, or a test's harness) closes that connection too: before, it stayed open
 * until the process exited, and a process that outlives its API (a test worker that runs the next
 * file, say) kept one idle connection per API it had served.
 */
describe('closing an API', () => {
  it('closes the connection its public documents listen on', async () => {
    // A database of its own: other files' APIs listen on the run's database.
    const h = await startHarness({ freshDatabase: true, worker: false });
    const url = h.config.DATABASE_URL;
    const admin = new pg.Client({ connectionString: url });
    await admin.connect();
    const listeners = async () =>
      Number(
        (
          await admin.query<{ n: string }>(
            `select count(*) as n from pg_stat_activity
             where datname = current_database() and pid <> pg_backend_pid() and query ilike 'listen %'`,
          )
        ).rows[0]!.n,
      );
    try {
      // The first public read makes the API's reader, which starts listening.
      expect((await fetch(`${h.baseUrl}/api/public/statements`)).status).toBe(200);
      await until(listeners, (n) => n === 1, 10_000, 'the API to listen');
      await h.close();
      await until(listeners, (n) => n === 0, 10_000, 'the listening connection to close');
    } finally {
      await admin.end();
    }
  });
});
