import type { ChildProcess } from 'node:child_process';

import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { verifyAuditChain } from '../db/audit.js';
import {
  type Harness,
  inBatches,
  makeActor,
  needLine,
  startHarness,
  statementDetails,
  until,
} from './support/harness.js';
import { killWorkerProcess, startWorkerProcess } from './support/worker-process.js';

type Actor = Awaited<ReturnType<typeof makeActor>>;

const buyersCount = 50;
const minutes = (n: number) => n * 60_000;

/**
 * Issue 23's finding: every buyer action was an update on the statement's one workflow, which
 * Temporal lets have at most 10 updates in flight, so a crowd acting at once got 500s and lost
 * actions. Here 50 buyers (and the lead) act at the same moment, with no client-side throttle,
 * and the worker is killed while they do: each action must be recorded once, none may answer
 * 5xx, and the confirmation must end on its own once everyone has confirmed.
 */
describe(`${buyersCount} buyers acting at the same moment on one statement`, () => {
  let h: Harness;
  let worker: ChildProcess | undefined;
  let lead: Actor;
  let buyers: Actor[];
  let everyone: Actor[];
  let id: string;
  const versions = new Map<string, string>();
  const base = () => `/api/statements/${id}`;
  const notOk = (responses: { status: number; body: unknown }[]) =>
    responses.map((r, i) => ({ i, status: r.status, body: r.body })).filter((r) => r.status !== 200);
  const atOnce = <R>(actors: Actor[], act: (a: Actor) => Promise<R>) => Promise.all(actors.map(act));

  beforeAll(async () => {
    h = await startHarness({ worker: false });
    worker = await startWorkerProcess(h);
    lead = await makeActor(h, { kind: 'buyer', name: 'Rush lead city', country: 'FI' }, { label: 'rush-lead' });
    buyers = await inBatches(
      Array.from({ length: buyersCount }, (_, i) => i),
      10,
      (i) =>
        makeActor(
          h,
          { kind: 'buyer', name: `Rush buyer ${i}`, country: ['DE', 'FR', 'IT', 'ES', 'PL'][i % 5]! },
          { label: `rush-${i}` },
        ),
    );
    everyone = [lead, ...buyers];
    const created = await lead.api.post('/api/statements', statementDetails({ title: 'Fifty buyers at once' }));
    expect(created.status).toBe(201);
    id = created.body.id;
    const invited = await lead.api.post(`${base()}/invitations`, { organisationIds: buyers.map((b) => b.org.id) });
    expect(invited.body.invited).toHaveLength(buyersCount);
  }, minutes(5));

  afterAll(async () => {
    if (worker && worker.exitCode === null && worker.signalCode === null) await killWorkerProcess(worker);
    await h?.close();
  });

  it(
    'records 50 simultaneous acceptances, each once, none answered 5xx',
    async () => {
      const answers = await atOnce(buyers, (b) => b.api.post(`${base()}/invitation/accept`));
      expect(notOk(answers)).toEqual([]);
      const opened = await lead.api.post(`${base()}/needs-assessment/open`, {});
      expect(opened.status).toBe(200);
    },
    minutes(3),
  );

  it(
    'records 51 simultaneous submissions while the worker is killed and restarted',
    async () => {
      const drafts = await atOnce(everyone, (a) =>
        a.api.put(`${base()}/needs/draft`, {
          lines: [needLine({ quantity: '3', description: `Rush order of ${a.org.name}` })],
          answers: {},
        }),
      );
      expect(notOk(drafts)).toEqual([]);

      const submitting = atOnce(everyone, (a) =>
        a.api.post(`${base()}/needs/submit`, undefined, { 'Idempotency-Key': `submit-${a.org.id}` }),
      );
      await killWorkerProcess(worker!);
      const submissions = await submitting;
      worker = await startWorkerProcess(h);
      expect(notOk(submissions)).toEqual([]);
      for (const [i, a] of everyone.entries()) versions.set(a.org.id, submissions[i]!.body.versionId);
      expect(submissions.every((s) => s.body.version === 1)).toBe(true);

      // A client that did not hear the answer sends the same request again: the same version, nothing new.
      const again = await lead.api.post(`${base()}/needs/submit`, undefined, {
        'Idempotency-Key': `submit-${lead.org.id}`,
      });
      expect(again.status).toBe(200);
      expect(again.body.versionId).toBe(versions.get(lead.org.id));
    },
    minutes(5),
  );

  it(
    'records 51 simultaneous confirmations; the confirmation then ends on its own',
    async () => {
      const closed = await lead.api.post(`${base()}/close-stage`);
      expect(closed.status).toBe(200);
      expect(closed.body.stage).toBe('confirmation');

      const confirmations = await atOnce(everyone, (a) =>
        a.api.post(`${base()}/needs/confirm`, { versionId: versions.get(a.org.id) }),
      );
      expect(notOk(confirmations)).toEqual([]);

      // The confirmation deadline is days away: only the last confirmation can have ended it.
      const live = await until(
        () => lead.api.get(`${base()}/live`),
        (r) => r.body.stage !== 'confirmation' && r.body.stage !== 'aggregation',
        minutes(2),
        'the end of the confirmation',
      );
      expect(['market_engagement', 'shortfall']).toContain(live.body.stage);
      expect(live.body.participants).toHaveLength(buyersCount + 1);
      expect(live.body.participants.every((p: { status: string }) => p.status === 'confirmed')).toBe(true);
    },
    minutes(4),
  );

  it(
    'holds exactly one confirmed version per buyer, one audit row per action and one e-mail per submission',
    async () => {
      const rows = await h.db
        .selectFrom('need_versions')
        .select(['organisation_id', 'status'])
        .where('statement_id', '=', id)
        .execute();
      expect(rows).toHaveLength(buyersCount + 1);
      expect(new Set(rows.map((r) => r.organisation_id)).size).toBe(buyersCount + 1);
      expect(rows.every((r) => r.status === 'confirmed')).toBe(true);

      const audit = await h.db.selectFrom('audit_events').select('action').where('chain', '=', id).execute();
      const count = (action: string) => audit.filter((e) => e.action === action).length;
      expect([
        count('invitation_answered'),
        count('needs_submitted'),
        count('needs_confirmed'),
        count('participants_dropped'),
      ]).toEqual([buyersCount, buyersCount + 1, buyersCount + 1, 0]);
      expect((await verifyAuditChain(h.db, id)).valid).toBe(true);

      await until(
        () =>
          h.db.selectFrom('outbox').select('id').where('statement_id', '=', id).where('status', '!=', 'sent').execute(),
        (pending) => pending.length === 0,
        minutes(2),
        'an empty outbox',
      );
      const submittedNotices = h.mail.messages.filter(
        (m) => m.subject === 'Needs received for "Fifty buyers at once" (version 1)',
      );
      expect(submittedNotices).toHaveLength(buyersCount + 1);
      expect(new Set(submittedNotices.map((m) => m.messageId)).size).toBe(buyersCount + 1);
    },
    minutes(3),
  );
});
