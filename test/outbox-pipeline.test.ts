import { randomUUID } from 'node:crypto';

import { MockActivityEnvironment } from '@temporalio/testing';
import { Kysely, PostgresDialect } from 'kysely';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { createMailActivities } from '../activities/mail-activities.js';
import { enqueueMessages } from '../db/outbox.js';
import type { Database } from '../db/schema.js';
import type { Mailer, MailToSend } from '../mail/mailer.js';
import { type Harness, startHarness, until } from './support/harness.js';

/**
 * A fan-out's sender works beside the pages being queued (workflows/publication/
 * supplier-fanout-workflow.ts): when it has sent everything queued so far, the next page lands
 * while its last sends are still with the relay. It must claim that page then, not once the relay
 * has taken every send, or the SMTP pool runs dry at each page.
 */
describe('a fan-out sender that catches up with the queue', () => {
  let h: Harness;
  beforeAll(async () => {
    h = await startHarness({ worker: false });
  });
  afterAll(async () => h?.close());

  async function queue(prefix: string, from: number, count: number) {
    const tag = prefix.slice(-9, -1);
    await enqueueMessages(
      h.db,
      Array.from({ length: count }, (_, k) => ({
        key: `${prefix}${from + k}`,
        statementId: null,
        recipientUserId: null,
        to: `pipeline-${tag}-${from + k}@suppliers.example`,
        locale: 'en',
        subject: `Page message ${from + k}`,
        text: 'Notice',
      })),
    );
  }

  it('claims a page queued while its sends are still under way, without waiting for them', async () => {
    const prefix = `outbox-pipeline:${randomUUID()}:`;
    await queue(prefix, 0, 10);
    // A relay that holds every message until the test lets it go.
    const held: { message: MailToSend; release: () => void }[] = [];
    const relay: Mailer = {
      send: (message) => new Promise<void>((release) => held.push({ message, release })),
      verify: async () => undefined,
      close: () => undefined,
    };
    const sending = createMailActivities({ db: h.db, mailer: relay, batchSize: 10 }).deliverQueuedNotices({
      keyPrefix: prefix,
      drain: false,
      leaseSeconds: 30,
      idleMs: 500,
    });
    await until(
      async () => held.length,
      (n) => n === 10,
      10_000,
      'the first page to reach the relay',
    );
    // The next page lands while the relay still holds all of the first.
    await queue(prefix, 10, 10);
    await until(
      async () => held.length,
      (n) => n === 20,
      10_000,
      'the second page to reach the relay while the first is still under way',
    );
    for (const m of held) m.release();
    expect((await sending).sent).toBe(20);
    expect(new Set(held.map((m) => m.message.to)).size).toBe(20);
    const rows = await h.db
      .selectFrom('outbox')
      .select(['status', 'attempts'])
      .where('key', 'like', `${prefix}%`)
      .execute();
    expect(rows.map((r) => `${r.status}/${r.attempts}`)).toEqual(Array.from({ length: 20 }, () => 'sent/1'));
  });

  it('looks again less and less often while a slow relay holds what it claimed', async () => {
    const prefix = `outbox-pipeline:${randomUUID()}:`;
    await queue(prefix, 0, 5);
    let claims = 0;
    const counted = new Kysely<Database>({
      dialect: new PostgresDialect({ pool: new pg.Pool({ connectionString: h.config.DATABASE_URL, max: 3 }) }),
      log: (event) => {
        if (event.level === 'query' && /skip locked/i.test(event.query.sql)) claims += 1;
      },
    });
    const held: (() => void)[] = [];
    const relay: Mailer = {
      send: () => new Promise<void>((release) => held.push(release)),
      verify: async () => undefined,
      close: () => undefined,
    };
    try {
      const sending = createMailActivities({ db: counted, mailer: relay, batchSize: 10 }).deliverQueuedNotices({
        keyPrefix: prefix,
        drain: false,
        leaseSeconds: 30,
        idleMs: 0,
      });
      await until(
        async () => held.length,
        (n) => n === 5,
        10_000,
        'the messages to reach the relay',
      );
      // The relay holds them for 2 s: looking every 25 ms would be 80 claims.
      await new Promise((resolve) => setTimeout(resolve, 2000));
      expect(claims).toBeLessThanOrEqual(9);
      for (const release of held) release();
      expect((await sending).sent).toBe(5);
    } finally {
      await counted.destroy();
    }
  });

  it('heartbeats about once a second, not once per mark', async () => {
    const prefix = `outbox-pipeline:${randomUUID()}:`;
    await queue(prefix, 0, 1000);
    // A relay that takes one message at a time, each a millisecond or so after the last, as a
    // pooled connection does: the sender marks every few messages, hundreds of marks (each one a
    // heartbeat before: 3-4 % of a fan-out's thread).
    let relayLine = Promise.resolve();
    const relay: Mailer = {
      send: () => (relayLine = relayLine.then(() => new Promise<void>((resolve) => setTimeout(resolve, 0)))),
      verify: async () => undefined,
      close: () => undefined,
    };
    const activity = new MockActivityEnvironment({ heartbeatTimeoutMs: 10_000 });
    let heartbeats = 0;
    activity.on('heartbeat', () => (heartbeats += 1));
    const started = Date.now();
    const { deliverQueuedNotices } = createMailActivities({ db: h.db, mailer: relay, batchSize: 200 });
    let sent = 0;
    await activity.run(async () => {
      ({ sent } = await deliverQueuedNotices({ keyPrefix: prefix, drain: true, leaseSeconds: 30 }));
    });
    const seconds = (Date.now() - started) / 1000;
    expect(sent).toBe(1000);
    // Once a second from the ticker, plus the few between the delivery's loops.
    expect(heartbeats).toBeLessThanOrEqual(Math.ceil(seconds) + 5);
  });
});
