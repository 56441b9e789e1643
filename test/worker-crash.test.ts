import type { ChildProcess } from 'node:child_process';

import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { verifyAuditChain } from '../db/audit.js';
import { type Harness, makeActor, startHarness, statementDetails, until } from './support/harness.js';
import { killWorkerProcess, startWorkerProcess } from './support/worker-process.js';

describe('a worker process killed between two steps', () => {
  let h: Harness;
  let worker: ChildProcess | undefined;

  beforeAll(async () => {
    h = await startHarness({ worker: false });
  });
  afterAll(async () => {
    if (worker && worker.exitCode === null && worker.signalCode === null) await killWorkerProcess(worker);
    await h?.close();
  });

  it('loses nothing and doubles nothing once a new worker takes over', async () => {
    const lead = await makeActor(h, { kind: 'buyer', country: 'FI' });
    const buyers = await Promise.all(['DK', 'SE', 'EE'].map((country) => makeActor(h, { kind: 'buyer', country })));
    worker = await startWorkerProcess(h);

    const created = await lead.api.post('/api/statements', statementDetails());
    expect(created.status).toBe(201);
    const id = created.body.id as string;
    expect(
      (await lead.api.post(`/api/statements/${id}/invitations`, { organisationIds: buyers.map((b) => b.org.id) }))
        .status,
    ).toBe(200);
    await h.mail.waitFor((m) => buyers.every((b) => m.some((x) => x.to.includes(b.user.email.toLowerCase()))));
    // "Between two steps": the invitation step is over once its mail is marked sent. (A crash in the
    // millisecond between the relay accepting a message and that mark is the one window SMTP leaves;
    // the resend then carries the same Message-ID. The fan-out crash test covers crashes mid-send.)
    await until(
      () =>
        h.db.selectFrom('outbox').select('id').where('statement_id', '=', id).where('status', '!=', 'sent').execute(),
      (rows) => rows.length === 0,
    );

    await killWorkerProcess(worker);

    // With no worker, buyers' answers are still committed at once (PostgreSQL holds them, design §
    // Principles); their notices wait in the outbox for a worker.
    const answers = await Promise.all(buyers.map((b) => b.api.post(`/api/statements/${id}/invitation/accept`)));
    expect(answers.map((a) => a.status)).toEqual([200, 200, 200]);
    const waiting = await h.db
      .selectFrom('outbox')
      .select('id')
      .where('statement_id', '=', id)
      .where('status', '=', 'pending')
      .execute();
    expect(waiting).toHaveLength(3);

    worker = await startWorkerProcess(h);

    // One "accepted" notice to the lead per buyer, and still exactly one invitation each.
    // A delivery that was running on the killed worker is retried once its heartbeat times out.
    await h.mail.waitFor((m) => m.filter((x) => x.to.includes(lead.user.email.toLowerCase())).length >= 3, 90_000);
    await new Promise((r) => setTimeout(r, 1500));
    expect(h.mail.messages.filter((x) => x.to.includes(lead.user.email.toLowerCase()))).toHaveLength(3);
    for (const b of buyers)
      expect(h.mail.messages.filter((x) => x.to.includes(b.user.email.toLowerCase()))).toHaveLength(1);

    const statement = await until(
      () => lead.api.get(`/api/statements/${id}`),
      (r) => r.body.participants.every((p: any) => p.status === 'joined'),
    );
    expect(statement.body.participants).toHaveLength(4); // the lead and the three it invited
    const audit = await lead.api.get(`/api/statements/${id}/audit?order=asc`);
    expect(audit.body.events.map((e: any) => e.action)).toEqual([
      'statement_created',
      'buyers_invited',
      'invitation_answered',
      'invitation_answered',
      'invitation_answered',
    ]);
    expect((await verifyAuditChain(h.db, id)).valid).toBe(true);
    const pending = await h.db
      .selectFrom('outbox')
      .select('id')
      .where('statement_id', '=', id)
      .where('status', '!=', 'sent')
      .execute();
    expect(pending).toHaveLength(0);
  });
});
