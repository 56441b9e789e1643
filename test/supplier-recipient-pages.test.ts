import { randomUUID } from 'node:crypto';

import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import type { Tx } from '../db/database.js';
import { matchingSuppliers } from '../db/suppliers.js';
import { type Harness, startHarness } from './support/harness.js';

/** Rows this transaction has read from the tables a recipient page looks at (PostgreSQL's own counters). */
async function rowsRead(trx: Tx): Promise<number> {
  const { rows } = await sql<{ n: string }>`
    select coalesce(sum(seq_tup_read + coalesce(idx_tup_fetch, 0)), 0) as n
    from pg_stat_xact_user_tables
    where relname in ('users', 'organisations', 'supplier_subscriptions')`.execute(trx);
  return Number(rows[0]!.n);
}

/** The page as one plain query over the joined tables: what the recipients must be, however they are read. */
async function expectedPage(trx: Tx, cpvCode: string, afterUserId: string | null, limit: number) {
  const { rows } = await sql<{ userId: string }>`
    select u.id as "userId"
    from users u
    join organisations o on o.id = u.organisation_id
    join supplier_subscriptions s on s.user_id = u.id
    where o.kind = 'supplier' and u.email_verified_at is not null and s.active
      and exists (select 1 from unnest(s.cpv_prefixes) p where ${cpvCode} like p || '%')
      and (cardinality(s.countries) = 0 or 'DE' = any(s.countries))
      and (${afterUserId}::uuid is null or u.id > ${afterUserId}::uuid)
    order by u.id
    limit ${limit}`.execute(trx);
  return rows.map((r) => r.userId);
}

/** `count` verified suppliers subscribed to `prefix`, added in the transaction (unknown to the table statistics). */
async function addSuppliers(trx: Tx, count: number, prefix: (i: number) => string) {
  const tag = randomUUID().slice(0, 8);
  const prefixes = Array.from({ length: count }, (_, i) => prefix(i));
  await sql`
    with o as (
      insert into organisations (kind, name, country, sme)
      select 'supplier', ${`Pages ${tag} `} || g, 'DE', true from generate_series(1, ${count}) g
      returning id, name
    ), u as (
      insert into users (organisation_id, email, name, roles, email_verified_at)
      select o.id, replace(o.name, ' ', '-') || '@pages.example', o.name, '{}', now() from o
      returning id, organisation_id, name
    )
    insert into supplier_subscriptions (user_id, organisation_id, cpv_prefixes, countries)
    select u.id, u.organisation_id, array[(${prefixes}::text[])[split_part(u.name, ' ', 3)::int]], '{}' from u`.execute(
    trx,
  );
}

/** Runs `check` in a transaction that is rolled back, so the suppliers added stay out of every other test. */
async function inRolledBack(h: Harness, check: (trx: Tx) => Promise<void>) {
  const rollback = new Error('rollback');
  await h.db
    .transaction()
    .execute(async (trx) => {
      await check(trx);
      throw rollback;
    })
    .catch((error: unknown) => {
      if (error !== rollback) throw error;
    });
}

/**
 * A supplier fan-out queues its recipients a page of 1,000 at a time. Each page must cost what the
 * page is, not what the whole audience is: read as one query over users, organisations and
 * subscriptions, every page read and sorted every supplier (the planner cannot estimate the CPV
 * match), so a 100,000-supplier fan-out spent about 19 s of the database's time on recipient pages.
 */
describe('recipient pages of a supplier fan-out', () => {
  let h: Harness;
  beforeAll(async () => {
    h = await startHarness({ worker: false });
  });
  afterAll(async () => h?.close());

  it('reads about a window of users for a page, not every supplier, and returns the same page as the plain query', async () => {
    await inRolledBack(h, async (trx) => {
      await addSuppliers(trx, 20_000, () => '43');
      const demand = { cpvCodes: ['43200000'], countries: ['DE'] };
      const before = await rowsRead(trx);
      const first = await matchingSuppliers(trx, demand, { afterUserId: null, limit: 100 });
      const read = (await rowsRead(trx)) - before;
      // The old query read each of the three tables whole: over 60,000 rows for this page of 100.
      expect(read).toBeLessThan(10_000);
      expect(first.map((s) => s.userId)).toEqual(await expectedPage(trx, '43200000', null, 100));

      const next = await matchingSuppliers(trx, demand, { afterUserId: first.at(-1)!.userId, limit: 100 });
      expect(next.map((s) => s.userId)).toEqual(await expectedPage(trx, '43200000', first.at(-1)!.userId, 100));
    });
  });

  it('finds sparse matches across windows, in order, and ends with a short page', async () => {
    await inRolledBack(h, async (trx) => {
      // One supplier in 50 matches: a page of 100 spans several windows of 1,000 users.
      await addSuppliers(trx, 12_000, (i) => (i % 50 === 0 ? '3912' : '45'));
      const demand = { cpvCodes: ['39120000'], countries: ['DE'] };
      const pages: string[][] = [];
      let after: string | null = null;
      for (;;) {
        const page = await matchingSuppliers(trx, demand, { afterUserId: after, limit: 100 });
        pages.push(page.map((s) => s.userId));
        if (page.length < 100) break;
        after = page.at(-1)!.userId;
      }
      const all = await expectedPage(trx, '39120000', null, 100_000);
      expect(all.length).toBeGreaterThanOrEqual(240);
      expect(pages.flat()).toEqual(all);
      expect(pages.slice(0, -1).every((p) => p.length === 100)).toBe(true);
    });
  });
});
