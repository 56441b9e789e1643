import type { ChildProcess } from 'node:child_process';
import { randomUUID } from 'node:crypto';

import { simpleParser } from 'mailparser';
import { SMTPServer } from 'smtp-server';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { type Harness, makeActor, needLine, startHarness, statementDetails, until } from './support/harness.js';
import { killWorkerProcess, startWorkerProcess } from './support/worker-process.js';

/**
 * An SMTP relay that can hold messages before accepting them, so the worker can be killed while
 * a fan-out has transactions in flight that the relay has not accepted. (The one window no SMTP
 * client can close, a crash after the relay accepted a message but before it was marked sent,
 * is handled by resending with the same Message-ID; it is not what this test provokes.)
 */
async function startGatedRelay() {
  const received: { to: string; subject: string; messageId: string }[] = [];
  let passLeft = Infinity;
  const held: (() => void)[] = [];
  const server = new SMTPServer({
    authOptional: true,
    disabledCommands: ['STARTTLS'],
    logger: false,
    onData(stream, session, callback) {
      const accept = () =>
        simpleParser(stream)
          .then((m) => {
            for (const r of session.envelope.rcptTo)
              received.push({ to: r.address.toLowerCase(), subject: m.subject ?? '', messageId: m.messageId ?? '' });
            callback();
          })
          .catch((error: Error) => callback(error));
      if (passLeft > 0) {
        passLeft -= 1;
        void accept();
      } else {
        // Not read, not accepted: the sender waits in the middle of its transaction.
        held.push(() => {
          stream.resume();
          callback(new Error('connection lost'));
        });
      }
    },
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', () => resolve()));
  return {
    port: (server.server.address() as { port: number }).port,
    received,
    holdAfter(n: number) {
      passLeft = n;
    },
    held: () => held.length,
    /** Opens the gate; what was held came from a dead sender and is dropped, never accepted. */
    release() {
      passLeft = Infinity;
      for (const drop of held.splice(0)) {
        try {
          drop();
        } catch {
          /* the connection is gone */
        }
      }
    },
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}

describe('a worker killed in the middle of a fan-out to 500 suppliers', () => {
  let h: Harness;
  let relay: Awaited<ReturnType<typeof startGatedRelay>>;
  let worker: ChildProcess | undefined;
  const supplierCount = 500;

  beforeAll(async () => {
    h = await startHarness({ worker: false });
    relay = await startGatedRelay();
  });
  afterAll(async () => {
    if (worker && worker.exitCode === null && worker.signalCode === null) await killWorkerProcess(worker);
    relay?.release();
    await relay?.close();
    await h?.close();
  });

  it('sends every supplier exactly one notice once a new worker takes over', async () => {
    // 500 verified suppliers subscribed to division 43, written in bulk.
    const tag = randomUUID().slice(0, 8);
    const orgs = await h.db
      .insertInto('organisations')
      .values(
        Array.from({ length: supplierCount }, (_, i) => ({
          kind: 'supplier' as const,
          name: `Crash supplier ${tag} ${i}`,
          country: 'DE',
          sme: i % 2 === 0,
        })),
      )
      .returning('id')
      .execute();
    const users = await h.db
      .insertInto('users')
      .values(
        orgs.map((o, i) => ({
          organisation_id: o.id,
          email: `crash-${tag}-${i}@suppliers.example`,
          name: `Supplier ${i}`,
          roles: [],
          email_verified_at: new Date(),
        })),
      )
      .returning(['id', 'organisation_id', 'email'])
      .execute();
    await h.db
      .insertInto('supplier_subscriptions')
      .values(
        users.map((u) => ({ user_id: u.id, organisation_id: u.organisation_id, cpv_prefixes: ['43'], countries: [] })),
      )
      .execute();
    const emails = new Set(users.map((u) => u.email.toLowerCase()));

    worker = await startWorkerProcess(h, { smtpUrl: `smtp://127.0.0.1:${relay.port}` });
    const lead = await makeActor(h, { kind: 'buyer', country: 'FI' });
    const buyer = await makeActor(h, { kind: 'buyer', country: 'SE' });
    const id = (
      await lead.api.post('/api/statements', statementDetails({ criticalMass: { minBuyers: 2, minCountries: 2 } }))
    ).body.id as string;
    await lead.api.post(`/api/statements/${id}/invitations`, { organisationIds: [buyer.org.id] });
    await buyer.api.post(`/api/statements/${id}/invitation/accept`);
    await lead.api.post(`/api/statements/${id}/needs-assessment/open`);
    const versions = [];
    for (const a of [lead, buyer]) {
      await a.api.put(`/api/statements/${id}/needs/draft`, { lines: [needLine()], answers: {} });
      versions.push((await a.api.post(`/api/statements/${id}/needs/submit`)).body.versionId as string);
    }
    await lead.api.post(`/api/statements/${id}/close-stage`);
    // Let 150 notices through, then hold every further message in mid-transaction.
    const before = relay.received.length;
    relay.holdAfter(150);
    await lead.api.post(`/api/statements/${id}/needs/confirm`, { versionId: versions[0] });
    await buyer.api.post(`/api/statements/${id}/needs/confirm`, { versionId: versions[1] });

    const notices = () => relay.received.slice(before).filter((m) => emails.has(m.to));
    const noticeRows = () =>
      // Other test files' suppliers may match this statement too (one database per run): count ours.
      h.db
        .selectFrom('outbox')
        .select(['status', 'to_address'])
        .where('key', 'like', `supplier-notice:consultation-${id}-%`)
        .execute()
        .then((rows) => rows.filter((r) => emails.has(r.to_address.toLowerCase())));
    await until(
      async () => relay.held(),
      (n) => n > 0,
      60_000,
      'the relay to hold a message',
    );
    // Everything the relay accepted is marked sent: the crash falls between transactions, not after one.
    await until(
      noticeRows,
      (rows) => rows.filter((r) => r.status === 'sent').length === notices().length,
      30_000,
      'accepted notices to be marked sent',
    );
    const accepted = notices().length;
    expect(accepted).toBeGreaterThan(0);
    expect(accepted).toBeLessThan(supplierCount);

    await killWorkerProcess(worker);
    relay.release();
    const rows = await noticeRows();
    expect(rows.filter((r) => r.status !== 'sent').length).toBeGreaterThan(0);

    worker = await startWorkerProcess(h, { smtpUrl: `smtp://127.0.0.1:${relay.port}` });
    await until(
      async () => new Set(notices().map((m) => m.to)).size,
      (n) => n === supplierCount,
      120_000,
      'every supplier to have its notice',
    );
    await new Promise((r) => setTimeout(r, 2000));

    const perSupplier = new Map<string, number>();
    for (const m of notices()) perSupplier.set(m.to, (perSupplier.get(m.to) ?? 0) + 1);
    expect(perSupplier.size).toBe(supplierCount);
    expect([...perSupplier.values()].every((n) => n === 1)).toBe(true);
    expect(notices()).toHaveLength(supplierCount);
    expect(new Set(notices().map((m) => m.messageId)).size).toBe(supplierCount);
    expect((await noticeRows()).every((r) => r.status === 'sent')).toBe(true);
    // One logged contact per supplier, however often the page was retried.
    const ids = new Set(users.map((u) => u.id));
    const contacts = (
      await h.db
        .selectFrom('supplier_contacts')
        .select('user_id')
        .where('statement_id', '=', id)
        .where('kind', '=', 'notice:consultation')
        .execute()
    ).filter((c) => ids.has(c.user_id!));
    expect(contacts).toHaveLength(supplierCount);
    expect(new Set(contacts.map((c) => c.user_id)).size).toBe(supplierCount);
  });
});
