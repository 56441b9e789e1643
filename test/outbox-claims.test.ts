import { randomUUID } from 'node:crypto';

import { CompiledQuery } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { claimQuery, enqueueMessages } from '../db/outbox.js';
import { type Harness, startHarness } from './support/harness.js';

interface PlanNode {
  'Node Type': string;
  'Relation Name'?: string;
  'Index Name'?: string;
  'Actual Rows': number;
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
        const claim = claimQuery(trx, { keyPrefix: prefix }, 200, 30).compile();
        const result = await trx.executeQuery<{ 'QUERY PLAN': [{ Plan: PlanNode }] }>(
          CompiledQuery.raw(`explain (analyze, format json) ${claim.sql}`, [...claim.parameters]),
        );
        const plan = nodes(result.rows[0]!['QUERY PLAN'][0].Plan);
        // The select's scan of the outbox (not the update's look-up of each picked row by id).
        const scans = plan.filter((n) => n['Relation Name'] === 'outbox' && n['Index Name'] !== 'outbox_pkey');
        expect(scans.length).toBeGreaterThan(0);
        expect(Math.max(...scans.map((n) => n['Actual Rows']))).toBeLessThanOrEqual(200);
        expect(plan.find((n) => n['Node Type'] === 'ModifyTable')?.['Actual Rows']).toBe(200);
        throw new RolledBack();
      })
      .catch((error: unknown) => {
        if (!(error instanceof RolledBack)) throw error;
      });
  });
});

class RolledBack extends Error {}
