import { randomUUID } from 'node:crypto';
import { hostname } from 'node:os';

import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { claimSizeFor, createMailActivities } from '../activities/mail-activities.js';
import { claimMessages, enqueueMessages, markFailedMany, markSentMany, unsentIn } from '../db/outbox.js';
import { startCaptureServer } from '../mail/capture-server.js';
import {
  createPacer,
  createSmtpMailer,
  defaultSmtpPool,
  type Mailer,
  type MailToSend,
  smtpPoolOptions,
} from '../mail/mailer.js';
import { loadConfig } from '../platform/config.js';
import { type Harness, startHarness, until } from './support/harness.js';

/**
 * The outbox sends in batches: a claim takes many messages in one query, sent messages are marked
 * in one statement per batch, the pooled transport sends over several connections. What must not
 * change: a message is claimed by one sender at a time, sent once, and a dead sender's messages are
 * sent once by the next.
 */
describe('the outbox, claimed and marked in batches', () => {
  let h: Harness;
  beforeAll(async () => {
    h = await startHarness({ worker: false });
  });
  afterAll(async () => h?.close());

  /** `count` messages under a key prefix of their own, to addresses of their own. */
  async function queue(count: number, options: { redact?: boolean } = {}) {
    const prefix = `outbox-batch:${randomUUID()}:`;
    const tag = randomUUID().slice(0, 8);
    const messages = Array.from({ length: count }, (_, i) => ({
      key: `${prefix}${i}`,
      statementId: null,
      recipientUserId: null,
      to: `batch-${tag}-${i}@suppliers.example`,
      locale: 'en',
      subject: `Batch ${i}`,
      text: `Notice ${i}`,
      redactAfterSend: options.redact ?? false,
    }));
    expect(await enqueueMessages(h.db, messages)).toBe(count);
    return { prefix, addresses: new Set(messages.map((m) => m.to)) };
  }

  const rowsOf = (prefix: string) =>
    h.db
      .selectFrom('outbox')
      .select(['id', 'status', 'attempts', 'text_body', 'last_error'])
      .where('key', 'like', `${prefix}%`)
      .execute();
  const captured = (addresses: Set<string>) => h.mail.messages.filter((m) => m.to.some((t) => addresses.has(t)));

  it('claims a batch per query, and senders claiming at once never share a message', async () => {
    const { prefix } = await queue(300);
    const claims = await Promise.all(
      Array.from({ length: 5 }, () => claimMessages(h.db, { keyPrefix: prefix }, 100, 60)),
    );
    const ids = claims.flat().map((r) => r.id);
    expect(ids).toHaveLength(300);
    expect(new Set(ids).size).toBe(300);
    expect(claims.flat().every((r) => r.status === 'sending' && r.attempts === 1 && r.lease_until !== null)).toBe(true);
    // Leased: nobody else may take them.
    expect(await claimMessages(h.db, { keyPrefix: prefix }, 100, 60)).toEqual([]);
    // A lease that ran out (its sender died): the messages are claimable again, as a new attempt.
    const expired = ids.slice(0, 10);
    await h.db
      .updateTable('outbox')
      .set({ lease_until: new Date(Date.now() - 1000) })
      .where('id', 'in', expired)
      .execute();
    const again = await claimMessages(h.db, { keyPrefix: prefix }, 100, 60);
    expect(again.map((r) => r.id).sort()).toEqual([...expired].sort());
    expect(again.every((r) => r.attempts === 2)).toBe(true);
    // Each claim names its sender process, in order: a repeat is then explained by a dead claimer.
    const sender = `${hostname()}/${process.pid}`;
    expect(claims.flat().every((r) => r.claimed_by.length >= 1 && r.claimed_by[0] === sender)).toBe(true);
    expect(again.map((r) => r.claimed_by)).toEqual(expired.map(() => [sender, sender]));
  });

  it('marks a batch sent in one statement, blanking the texts that must not be kept', async () => {
    const { prefix } = await queue(50, { redact: true });
    const claimed = await claimMessages(h.db, { keyPrefix: prefix }, 50, 60);
    await markSentMany(
      h.db,
      claimed.map((r) => r.id),
    );
    const rows = await rowsOf(prefix);
    expect(rows.map((r) => r.status)).toEqual(Array(50).fill('sent'));
    expect(rows.every((r) => r.text_body === '[redacted after sending]')).toBe(true);
    expect(await unsentIn(h.db, { keyPrefix: prefix })).toEqual({ unsent: 0, claimable: 0, nextLeaseEnd: null });
  });

  it('never lets a late failure put back a message another sender has claimed or sent since', async () => {
    const { prefix } = await queue(4);
    const first = await claimMessages(h.db, { keyPrefix: prefix }, 4, 60);
    // The leases run out; a second sender claims all four and sends two of them.
    await h.db
      .updateTable('outbox')
      .set({ lease_until: new Date(Date.now() - 1000) })
      .where('key', 'like', `${prefix}%`)
      .execute();
    const second = await claimMessages(h.db, { keyPrefix: prefix }, 4, 60);
    await markSentMany(
      h.db,
      second.slice(0, 2).map((r) => r.id),
    );
    // The first sender's attempts fail late: nothing changes.
    await markFailedMany(
      h.db,
      first.map((r) => ({ id: r.id, attempts: r.attempts, error: 'late failure' })),
      10,
    );
    const rows = await rowsOf(prefix);
    expect(rows.filter((r) => r.status === 'sent')).toHaveLength(2);
    expect(rows.filter((r) => r.status === 'sending')).toHaveLength(2);
    expect(rows.every((r) => r.last_error === null)).toBe(true);
    // The second sender's own failure does put its messages back.
    const failing = second.slice(2);
    await markFailedMany(
      h.db,
      failing.map((r) => ({ id: r.id, attempts: r.attempts, error: 'relay said no' })),
      10,
    );
    const after = await rowsOf(prefix);
    expect(after.filter((r) => r.status === 'pending').map((r) => r.last_error)).toEqual([
      'relay said no',
      'relay said no',
    ]);
  });

  it('sends each queued message once over the pooled transport, however many senders run at once', async () => {
    const { prefix, addresses } = await queue(600);
    const senders = Array.from({ length: 3 }, () =>
      createMailActivities({ db: h.db, mailer: h.mailer, batchSize: 50 }),
    );
    const results = await Promise.all(
      senders.map((s) => s.deliverQueuedNotices({ keyPrefix: prefix, drain: true, leaseSeconds: 30 })),
    );
    expect(results.reduce((n, r) => n + r.sent, 0)).toBe(600);
    await until(
      async () => captured(addresses).length,
      (n) => n >= 600,
      60_000,
      'every message to arrive',
    );
    await new Promise((r) => setTimeout(r, 500));
    const got = captured(addresses);
    expect(got).toHaveLength(600);
    expect(new Set(got.map((m) => m.to[0])).size).toBe(600);
    expect((await rowsOf(prefix)).every((r) => r.status === 'sent' && r.attempts === 1)).toBe(true);
  });

  it('a sender that dies mid-batch: what the relay took stays sent, the rest is sent once by the next sender', async () => {
    const { prefix, addresses } = await queue(300);
    // Passes 40 messages to the relay, then hangs on every further one, as a process that froze
    // or lost its network would; its hung sends fail only after the next sender has finished.
    let passed = 0;
    const hung: (() => void)[] = [];
    const dying: Mailer = {
      async send(message: MailToSend) {
        if (passed < 40) {
          passed += 1;
          return h.mailer.send(message);
        }
        await new Promise<void>((_, reject) => hung.push(() => reject(new Error('connection lost'))));
      },
      verify: async () => undefined,
      close: () => undefined,
    };
    // (A dead process renews no lease; this one is only frozen, so it stops renewing after a second.)
    const dead = createMailActivities({
      db: h.db,
      mailer: dying,
      batchSize: 50,
      maxHoldSeconds: 1,
    }).deliverQueuedNotices({ keyPrefix: prefix, drain: false, leaseSeconds: 2 });
    const deadOutcome = dead.then(
      () => 'finished',
      (error: Error) => error.message,
    );
    // Everything the relay accepted is marked sent within moments: the crash falls between batches.
    await until(
      () => rowsOf(prefix),
      (rows) => rows.filter((r) => r.status === 'sent').length === 40,
      30_000,
      'the accepted messages to be marked sent',
    );
    await until(
      async () => hung.length,
      (n) => n > 0,
      30_000,
      'the dying sender to hang',
    );
    const stranded = (await rowsOf(prefix)).filter((r) => r.status !== 'sent');
    expect(stranded.length).toBe(260);

    // The next sender waits out the dead one's leases and sends the rest.
    const next = await createMailActivities({ db: h.db, mailer: h.mailer, batchSize: 50 }).deliverQueuedNotices({
      keyPrefix: prefix,
      drain: true,
      leaseSeconds: 30,
    });
    expect(next.sent).toBe(260);
    // Now the dead sender's hung sends fail: that changes nothing (its claims are no longer its own).
    for (const fail of hung.splice(0)) fail();
    expect(await deadOutcome).toMatch(/could not be sent yet/);

    await until(
      async () => captured(addresses).length,
      (n) => n >= 300,
      60_000,
      'every message to arrive',
    );
    await new Promise((r) => setTimeout(r, 500));
    const got = captured(addresses);
    expect(got).toHaveLength(300);
    expect(new Set(got.map((m) => m.to[0])).size).toBe(300);
    expect(new Set(got.map((m) => m.messageId)).size).toBe(300);
    expect((await rowsOf(prefix)).every((r) => r.status === 'sent')).toBe(true);
  });

  it('a retried delivery waits out a dead sender’s leases and sends its messages, instead of leaving them claimed', async () => {
    // Seen on the production topology (a worker killed mid-delivery): the delivery activity was
    // retried after its heartbeat timeout, while the dead worker's leases still ran; it sent what
    // was pending and returned, and nothing ever came back for the claimed messages.
    const { prefix, addresses } = await queue(30);
    const claimedByTheDead = await claimMessages(h.db, { keyPrefix: prefix }, 20, 3);
    expect(claimedByTheDead).toHaveLength(20);
    const retried = await createMailActivities({ db: h.db, mailer: h.mailer }).deliverMailByKeyPrefix({
      keyPrefix: prefix,
    });
    expect(retried.sent).toBe(30);
    expect((await rowsOf(prefix)).map((r) => r.status)).toEqual(Array.from({ length: 30 }, () => 'sent'));
    await until(
      async () => captured(addresses).length,
      (n) => n >= 30,
      30_000,
      'every message to arrive',
    );
    expect(new Set(captured(addresses).map((m) => m.messageId)).size).toBe(30);
    expect(captured(addresses)).toHaveLength(30);
  });

  it('renews the leases of messages a slow sender still holds, so nobody takes them over meanwhile', async () => {
    const { prefix, addresses } = await queue(40);
    // A relay that takes one message at a time, 200 ms each: the last of the 40 claimed messages
    // waits 8 s, twice its 4-second lease.
    let line: Promise<void> = Promise.resolve();
    const slow: Mailer = {
      send(message: MailToSend) {
        const turn = line.then(async () => {
          await new Promise((r) => setTimeout(r, 200));
          await h.mailer.send(message);
        });
        line = turn.catch(() => undefined);
        return turn;
      },
      verify: async () => undefined,
      close: () => undefined,
    };
    let done = false;
    const first = createMailActivities({ db: h.db, mailer: slow, batchSize: 40 })
      .deliverQueuedNotices({ keyPrefix: prefix, drain: true, leaseSeconds: 4 })
      .finally(() => (done = true));
    // Meanwhile another sender keeps looking for claimable messages: it must find none.
    let stolen = 0;
    while (!done) {
      await new Promise((r) => setTimeout(r, 250));
      stolen += (await claimMessages(h.db, { keyPrefix: prefix }, 100, 60)).length;
    }
    expect(stolen).toBe(0);
    expect((await first).sent).toBe(40);
    await until(
      async () => captured(addresses).length,
      (n) => n >= 40,
      30_000,
      'the messages to arrive',
    );
    await new Promise((r) => setTimeout(r, 300));
    expect(captured(addresses)).toHaveLength(40);
    expect((await rowsOf(prefix)).every((r) => r.status === 'sent' && r.attempts === 1)).toBe(true);
  });

  it('a relay that refuses everything: the sender stops after one batch and every message waits in the outbox', async () => {
    const { prefix, addresses } = await queue(120);
    const deadRelay = createSmtpMailer('smtp://127.0.0.1:1', 'x <x@test.example>', { pool: false });
    await expect(
      createMailActivities({ db: h.db, mailer: deadRelay, batchSize: 40 }).deliverQueuedNotices({
        keyPrefix: prefix,
        drain: false,
        leaseSeconds: 30,
      }),
    ).rejects.toThrow(/could not be sent yet/);
    const rows = await rowsOf(prefix);
    expect(rows.every((r) => r.status === 'pending')).toBe(true);
    // No message was tried twice in that call, and the sender did not go on claiming everything.
    expect(rows.every((r) => r.attempts <= 1)).toBe(true);
    expect(rows.filter((r) => r.attempts === 1).length).toBeLessThanOrEqual(80);
    expect(rows.filter((r) => r.attempts === 1).every((r) => r.last_error)).toBe(true);
    expect(
      (
        await createMailActivities({ db: h.db, mailer: h.mailer }).deliverQueuedNotices({
          keyPrefix: prefix,
          drain: true,
          leaseSeconds: 30,
        })
      ).sent,
    ).toBe(120);
    await until(
      async () => captured(addresses).length,
      (n) => n >= 120,
      30_000,
      'the messages to arrive',
    );
  });

  it('a relay down for longer than maxAttempts tries parks nothing; a permanent refusal (5xx) still parks after maxAttempts', async () => {
    // Found by test/topology-faults.test.ts (e) with the 2-minute outage: 175 of 300
    // supplier notices were parked 'failed' after 10 attempts against an unreachable relay, and
    // never sent once it came back.
    const down = await queue(30);
    const deadRelay = createSmtpMailer('smtp://127.0.0.1:1', 'x <x@test.example>', { pool: false });
    const unreachable = createMailActivities({ db: h.db, mailer: deadRelay, batchSize: 30, maxAttempts: 3 });
    for (let i = 0; i < 4; i += 1)
      await expect(unreachable.deliverMailByKeyPrefix({ keyPrefix: down.prefix })).rejects.toThrow(/could not be sent/);
    const downRows = await rowsOf(down.prefix);
    expect(downRows.map((r) => r.attempts)).toEqual(downRows.map(() => 4));
    expect(downRows.filter((r) => r.status !== 'pending')).toEqual([]);
    expect(
      (await createMailActivities({ db: h.db, mailer: h.mailer }).deliverMailByKeyPrefix({ keyPrefix: down.prefix }))
        .sent,
    ).toBe(30);

    const refused = await queue(5);
    const refusing = await startCaptureServer();
    refusing.refuse({ code: 550, message: 'Mailbox unavailable' });
    const relay = createSmtpMailer(`smtp://127.0.0.1:${refusing.port}`, 'x <x@test.example>', { pool: false });
    try {
      const permanent = createMailActivities({ db: h.db, mailer: relay, batchSize: 5, maxAttempts: 3 });
      for (let i = 0; i < 3; i += 1)
        await expect(permanent.deliverMailByKeyPrefix({ keyPrefix: refused.prefix })).rejects.toThrow(
          /could not be sent/,
        );
      expect((await rowsOf(refused.prefix)).map((r) => r.status)).toEqual([
        'failed',
        'failed',
        'failed',
        'failed',
        'failed',
      ]);
    } finally {
      relay.close();
      await refusing.close();
    }
  });

  it('keeps to MAIL_MAX_PER_SECOND: no second at the relay holds much more than the rate', async () => {
    const { prefix, addresses } = await queue(36);
    const limited = createSmtpMailer(h.config.SMTP_URL, h.config.MAIL_FROM, { maxConnections: 3, maxPerSecond: 12 });
    try {
      expect(limited.maxPerSecond).toBe(12);
      expect(
        (
          await createMailActivities({ db: h.db, mailer: limited }).deliverQueuedNotices({
            keyPrefix: prefix,
            drain: true,
            leaseSeconds: 30,
          })
        ).sent,
      ).toBe(36);
    } finally {
      limited.close();
    }
    const got = await until(
      async () => captured(addresses),
      (m) => m.length >= 36,
      30_000,
      'the messages to arrive',
    );
    const times = got.map((m) => m.receivedAt.getTime()).sort((a, b) => a - b);
    // The most messages that arrived within any one second: the rate, one more released at the
    // second's edge, and one per connection that may have held a message back and delivered it
    // late beside the next (unlimited, all 36 would arrive within a second).
    const busiest = Math.max(...times.map((t) => times.filter((u) => u >= t && u < t + 1000).length));
    expect(busiest).toBeLessThanOrEqual(12 + 1 + 3);
  });
});

describe('batch sizes and pool settings', () => {
  it('claims no more than can be sent within half a lease at the configured rate', () => {
    expect(claimSizeFor({ batchSize: 200, leaseSeconds: 15 })).toBe(200);
    expect(claimSizeFor({ batchSize: 200, leaseSeconds: 15, maxPerSecond: 14 })).toBe(52);
    expect(claimSizeFor({ batchSize: 200, leaseSeconds: 15, maxPerSecond: 1000 })).toBe(200);
    expect(claimSizeFor({ batchSize: 200, leaseSeconds: 2, maxPerSecond: 1 })).toBe(1);
  });

  it('paces releases evenly, with no catch-up burst after a stall', async () => {
    let now = 0;
    const clock = { now: () => now, sleep: async (ms: number) => void (now += ms) };
    const pacer = createPacer(10, clock);
    const released: number[] = [];
    await Promise.all(Array.from({ length: 25 }, () => pacer.take().then(() => released.push(now))));
    expect(released).toEqual(Array.from({ length: 25 }, (_, i) => i * 100));
    // The process stalls for five seconds: the next release is not early, and none bunch up.
    now += 5000;
    const after: number[] = [];
    await Promise.all(Array.from({ length: 5 }, () => pacer.take().then(() => after.push(now))));
    expect(after.map((t) => t - after[0]!)).toEqual([0, 100, 200, 300, 400]);
    // At a high rate, a hundredth of the rate goes together, every 10 ms.
    now = 0;
    const fast = createPacer(1000, clock);
    const times: number[] = [];
    await Promise.all(Array.from({ length: 30 }, () => fast.take().then(() => times.push(now))));
    expect(times).toEqual(Array.from({ length: 30 }, (_, i) => Math.floor(i / 10) * 10));
  });

  it('reads the pool settings from the environment, with the transport defaults when unset', () => {
    expect(smtpPoolOptions(loadConfig({}))).toEqual(defaultSmtpPool);
    expect(
      smtpPoolOptions(
        loadConfig({ MAIL_POOL_CONNECTIONS: '8', MAIL_POOL_MAX_MESSAGES: '0', MAIL_MAX_PER_SECOND: '14' }),
      ),
    ).toEqual({ maxConnections: 8, maxMessages: 0, maxPerSecond: 14 });
    expect(() => loadConfig({ MAIL_POOL_CONNECTIONS: '0' })).toThrow(/MAIL_POOL_CONNECTIONS/);
    expect(() => loadConfig({ MAIL_MAX_PER_SECOND: 'fast' })).toThrow(/MAIL_MAX_PER_SECOND/);
  });
});
