import { randomUUID } from 'node:crypto';

import { CompiledQuery, sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import type { Tx } from '../db/database.js';
import { claimQuery, enqueueMessages } from '../db/outbox.js';
import { type Harness, startHarness } from './support/harness.js';

interface PlanNode {
  'Node Type': string;
  'Relation Name'?: string;
  'Index Name'?: string;
  'Actual Rows': number;
  'Rows Removed by Filter'?: number;
  Plans?: PlanNode[];
}
const nodes = (n: PlanNode): PlanNode[] => [n, ...(n.Plans ?? []).flatMap(nodes)];

/**
 * A claim reads about as many outbox rows as it claims, however many are queued: a fan-out claims
 * 200 at a time from a queue of 10,000 or 100,000 rows written moments before, which the table's
 * statistics do not know yet.
 */
describe('claiming from a large queue', () => {
  let h: Harness;
  beforeAll(async () => {
    h = await startHarness({ worker: false });
  });
  afterAll(async () => h?.close());

  it('reads only the rows it claims from a page queued in the same moment, not the whole queue', async () => {
    const prefix = `outbox-claims:${randomUUID()}:`;
    // In a transaction rolled back at the end: the rows are then certainly unknown to the statistics.
    await h.db
      .transaction()
      .execute(async (trx) => {
        await enqueueMessages(
          trx,
          Array.from({ length: 3000 }, (_, i) => ({
            key: `${prefix}${i}`,
            statementId: null,
            recipientUserId: null,
            to: `claims-${i}@suppliers.example`,
            locale: 'en',
            subject: `Notice ${i}`,
            text: 'Notice',
          })),
        );
        const scan = await claimScan(trx, prefix);
        expect(scan.read).toBeLessThanOrEqual(200);
        expect(scan.claimed).toBe(200);
        throw new RolledBack();
      })
      .catch((error: unknown) => {
        if (!(error instanceof RolledBack)) throw error;
      });
  });

  it('reads only the rows it claims once the statistics know the queue, whatever else was sent or queued before', async () => {
    const prefix = `outbox-claims:${randomUUID()}:`;
    await h.db
      .transaction()
      .execute(async (trx) => {
        // The outbox keeps every message it sent: 20,000 of them here, ahead of the fan-out's rows.
        await sql`insert into outbox (key, to_address, locale, subject, text_body, smtp_message_id, status, sent_at)
          select ${`${prefix}sent:`} || g, 'sent-' || g || '@suppliers.example', 'en', 'Sent', 'Sent', '<' || g || '@sent>', 'sent', now()
          from generate_series(1, 20000) g`.execute(trx);
        // Another fan-out's pages, queued before this one's and still pending.
        await sql`insert into outbox (key, to_address, locale, subject, text_body, smtp_message_id)
          select ${`${prefix}other:`} || g, 'other-' || g || '@suppliers.example', 'en', 'Other', 'Other', '<' || g || '@other>'
          from generate_series(1, 10000) g`.execute(trx);
        await enqueueMessages(
          trx,
          Array.from({ length: 3000 }, (_, i) => ({
            key: `${prefix}page:${i}`,
            statementId: null,
            recipientUserId: null,
            to: `claims-${i}@suppliers.example`,
            locale: 'en',
            subject: `Notice ${i}`,
            text: 'Notice',
          })),
        );
        // What autovacuum does during a large fan-out: the statistics learn that thousands are
        // pending. Without an order, the claim then went through the other fan-out's rows in age
        // order (10,200 read), or through the table from the start, where the sent messages are.
        await sql`analyze outbox`.execute(trx);
        const scan = await claimScan(trx, `${prefix}page:`);
        expect(scan.read).toBeLessThanOrEqual(400);
        expect(scan.claimed).toBe(200);
        throw new RolledBack();
      })
      .catch((error: unknown) => {
        if (!(error instanceof RolledBack)) throw error;
      });
  });
});

/** How many outbox rows a claim of 200 under `keyPrefix` read (kept or filtered out), and how many it claimed. */
async function claimScan(trx: Tx, keyPrefix: string): Promise<{ read: number; claimed: number }> {
  const claim = claimQuery(trx, { keyPrefix }, 200, 30).compile();
  const result = await trx.executeQuery<{ 'QUERY PLAN': [{ Plan: PlanNode }] }>(
    CompiledQuery.raw(`explain (analyze, format json) ${claim.sql}`, [...claim.parameters]),
  );
  const plan = nodes(result.rows[0]!['QUERY PLAN'][0].Plan);
  // The select's scan of the outbox, under its row locks (not the update's look-up of what it picked).
  const locks = plan.find((n) => n['Node Type'] === 'LockRows');
  const scans = locks ? nodes(locks).filter((n) => n['Relation Name'] === 'outbox') : [];
  expect(scans.length).toBeGreaterThan(0);
  return {
    read: Math.max(...scans.map((n) => n['Actual Rows'] + (n['Rows Removed by Filter'] ?? 0))),
    claimed: plan.find((n) => n['Node Type'] === 'ModifyTable')?.['Actual Rows'] ?? 0,
  };
}

class RolledBack extends Error {}
