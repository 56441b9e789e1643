import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { type Harness, makeActor, startHarness, statementDetails } from './support/harness.js';

/**
 * PostgreSQL ends every connection when it restarts or fails over (and an operator may end them
 * with pg_terminate_backend). A pool's idle client then reports the error on the pool; unheard,
 * that error ends the process: a database restart would take down every API process and worker.
 * The pool drops that client and connects again for the next query.
 */
describe('the connection pools outlive PostgreSQL ending their connections', () => {
  let h: Harness;

  beforeAll(async () => {
    // A database of its own: ending every connection to the shared one would hit other test files.
    h = await startHarness({ freshDatabase: true });
  });
  afterAll(async () => h?.close());

  it('keeps answering after every connection to its database was terminated', async () => {
    const lead = await makeActor(h, { kind: 'buyer', country: 'FI' });
    const first = await lead.api.post('/api/statements', statementDetails());
    expect(first.status).toBe(201);

    const ended = await sql<{ n: number }>`
      select count(*)::int as n from (
        select pg_terminate_backend(pid) from pg_stat_activity
        where datname = current_database() and pid <> pg_backend_pid()
      ) t`.execute(h.db);
    expect(ended.rows[0]!.n).toBeGreaterThan(0);
    // Let the terminated clients' errors arrive while they sit idle in the pools.
    await new Promise((r) => setTimeout(r, 500));

    const read = await lead.api.get(`/api/statements/${first.body.id}`);
    expect(read.status).toBe(200);
    const second = await lead.api.post('/api/statements', statementDetails({ title: 'After the restart' }));
    expect(second.status).toBe(201);
    expect((await lead.api.get(`/api/statements/${second.body.id}/live`)).body.stage).toBe('draft');
  });
});
