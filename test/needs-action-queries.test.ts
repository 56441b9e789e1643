import type { ChildProcess } from 'node:child_process';

import { sql } from 'kysely';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { type Harness, makeActor, needLine, signIn, startHarness } from './support/harness.js';
import { statementWithSurveyOpen } from './support/needs-survey.js';
import { killWorkerProcess, startWorkerProcess } from './support/worker-process.js';

type Actor = Awaited<ReturnType<typeof makeActor>>;

/**
 * Issue 23, the deadline rush: every statement a buyer's action sends PostgreSQL is CPU in the one
 * API process that serves the crowd (a CPU profile showed 11% of its main thread in `writev`). These
 * count what each action of the rush sends, the request's own authentication included, so that a
 * change adding a round trip to the hot path is seen here, not months later in a benchmark.
 * The worker runs in a process of its own: what this process sends while a request is answered is
 * that request's.
 */
describe('the statements a buyer action of the deadline rush sends PostgreSQL', () => {
  let h: Harness;
  let worker: ChildProcess | undefined;
  let lead: Actor;
  let buyer: Actor;
  let id: string;
  const base = () => `/api/statements/${id}`;

  /**
   * At most this many statements per request, its authentication included (an API token or a
   * session: 1, its user and organisation read with it). Before issue 23's rush work: a draft 17, a
   * submission 34, the overview 6, a confirmation 20; before the Idempotency-Key was claimed in the
   * action's own transaction (its earlier event looked up only for a key seen before), a submission
   * 29 and a confirmation 15; before the credential and its user were read together, one more each;
   * before a confirmation set its version and participant in one statement, a confirmation 13.
   */
  const atMost = { draft: 13, submit: 27, overview: 3, confirm: 11 };
  const expectAtMost = (action: keyof typeof atMost, statements: string[]) =>
    expect(
      statements.length,
      `${action} sent:\n${statements.map((s) => s.slice(0, 140)).join('\n')}`,
    ).toBeLessThanOrEqual(atMost[action]);

  const sent: string[] = [];
  let counting = false;
  const query = pg.Client.prototype.query;

  /** What `act` made this process send PostgreSQL, one line per statement. */
  async function statementsOf<R>(act: () => Promise<R>): Promise<{ result: R; statements: string[] }> {
    sent.length = 0;
    counting = true;
    try {
      const result = await act();
      return { result, statements: [...sent] };
    } finally {
      counting = false;
    }
  }

  beforeAll(async () => {
    // Counted at the driver: every statement Kysely or raw SQL sends goes through `Client.query`.
    pg.Client.prototype.query = function (this: pg.Client, ...args: unknown[]) {
      if (counting) {
        const text = typeof args[0] === 'string' ? args[0] : (args[0] as { text?: string }).text;
        sent.push((text ?? '?').replace(/\s+/g, ' '));
      }
      return (query as (...a: unknown[]) => unknown).apply(this, args);
    } as typeof query;
    h = await startHarness({ worker: false });
    worker = await startWorkerProcess(h);
    lead = await makeActor(h, { kind: 'buyer', name: 'Query count lead', country: 'FI' }, { label: 'qc-lead' });
    buyer = await makeActor(h, { kind: 'buyer', name: 'Query count buyer', country: 'SE' }, { label: 'qc-buyer' });
    id = await statementWithSurveyOpen(lead, [buyer], []);
  }, 120_000);

  afterAll(async () => {
    pg.Client.prototype.query = query;
    if (worker && worker.exitCode === null && worker.signalCode === null) await killWorkerProcess(worker);
    await h?.close();
  });

  let versionId: string;

  it('saves a draft and submits it within their counts', async () => {
    const draft = { lines: [needLine({ quantity: '3' })], answers: {} };
    const saved = await statementsOf(() =>
      buyer.api.put(`${base()}/needs/draft`, draft, { 'Idempotency-Key': 'qc-draft' }),
    );
    expect(saved.result.status).toBe(200);
    const submitted = await statementsOf(() =>
      buyer.api.post(`${base()}/needs/submit`, undefined, { 'Idempotency-Key': 'qc-submit' }),
    );
    expect(submitted.result.status).toBe(200);
    versionId = submitted.result.body.versionId;
    expectAtMost('draft', saved.statements);
    expectAtMost('submit', submitted.statements);
  });

  it('reads the needs overview within its count', async () => {
    const read = await statementsOf(() => lead.api.get(`${base()}/needs-overview`));
    expect(read.result.status).toBe(200);
    expectAtMost('overview', read.statements);
    // The draft's last save is read for the page's rows: the buyer saved one, the lead none.
    const saved = await h.db
      .selectFrom('need_drafts')
      .select('updated_at')
      .where('statement_id', '=', id)
      .where('organisation_id', '=', buyer.org.id)
      .executeTakeFirstOrThrow();
    const rows = read.result.body.participants as { organisationId: string; draftSavedAt: string | null }[];
    expect(rows.find((r) => r.organisationId === buyer.org.id)?.draftSavedAt).toBe(saved.updated_at.toISOString());
    expect(rows.find((r) => r.organisationId === lead.org.id)?.draftSavedAt).toBeNull();
  });

  it('reads the overview within its count signed in with a session, its last use recorded as well', async () => {
    const session = await signIn(h, lead.user.email);
    // A session last seen over a minute ago: this request records its use.
    await sql`update sessions set last_seen_at = now() - interval '2 minutes' where user_id = ${lead.user.id}`.execute(
      h.db,
    );
    const read = await statementsOf(() => session.get(`${base()}/needs-overview`));
    expect(read.result.status).toBe(200);
    expectAtMost('overview', read.statements);
    const seen = await sql<{ recent: boolean }>`
      select bool_and(last_seen_at > now() - interval '1 minute') as recent from sessions where user_id = ${lead.user.id}`.execute(
      h.db,
    );
    expect(seen.rows[0]?.recent).toBe(true);
  });

  it('confirms within its count', async () => {
    expect((await lead.api.post(`${base()}/close-stage`)).body.stage).toBe('confirmation');
    const confirmed = await statementsOf(() =>
      buyer.api.post(`${base()}/needs/confirm`, { versionId }, { 'Idempotency-Key': 'qc-confirm' }),
    );
    expect(confirmed.result.status).toBe(200);
    // Beside the answer, the run that may signal the workflow reads the counts once, after the
    // commit (`tellWorkflow`): coalesced per statement, at most 4 a second however many buyers
    // confirm, so not the request's own; it lands before or after the answer as the event loop has it.
    const beside = confirmed.statements.filter((s) =>
      s.startsWith('select "status", count(*)::int as "n" from "participants"'),
    );
    expect(beside.length).toBeLessThanOrEqual(1);
    expectAtMost(
      'confirm',
      confirmed.statements.filter((s) => !beside.includes(s)),
    );
    // The statement's audit chain head, which every buyer's action takes, is held for one round
    // trip: the statement after its lock appends the event and commits.
    const locked = confirmed.statements.findIndex((s) => s.startsWith('insert into "audit_chain_heads"'));
    expect(locked).toBeGreaterThan(0);
    expect(confirmed.statements[locked + 1]).toMatch(/^with "appended" as \(insert into "audit_events"/);
    expect(confirmed.statements[locked + 1]).toMatch(/; commit and chain$/);
  });
});
