/**
 * Benchmark (not a test): what verifying an audit chain costs a request, at 1,000, 10,000 and
 * 100,000 events (BENCH_AUDIT_SIZES), against a bare `select … where chain = $1 and seq > $2`
 * page of the same table, measured alternately in the same run. A request reads a page and
 * verifies in one REPEATABLE READ snapshot from the latest signed checkpoint (`readAuditPage`,
 * what `GET …/audit` runs after authorisation), so its time should not grow with the chain.
 * Shown: the first read of a chain without a checkpoint (a full verification, which leaves one),
 * then requests with nothing new, and requests after one new event each (a checkpoint every
 * 64 re-hashed events), and the full verification `npm run audit:verify` runs per chain.
 * Asserts nothing about time. Database only: no Temporal, no HTTP.
 *
 *   npm run bench -- audit     (BENCH_AUDIT_SIZES=1000,10000,100000, BENCH_RUNS=50, BENCH_DATABASE_URL, BENCH_KEEP_DB)
 */
import os from 'node:os';

import { type Insertable, sql } from 'kysely';
import pg from 'pg';

import {
  appendAudit,
  type AuditEntry,
  eventMac,
  GENESIS_HASH,
  hashOf,
  readAuditPage,
  verifyAuditChain,
} from '../db/audit.js';
import { createDb, type Db } from '../db/database.js';
import { migrateToLatest } from '../db/migrate.js';
import type { AuditEventsTable } from '../db/schema.js';
import { recordVerdict } from './support/verdicts.js';

const sizes = (process.env.BENCH_AUDIT_SIZES ?? '1000,10000,100000').split(',').map(Number);
const runs = Number(process.env.BENCH_RUNS ?? 50);
const pageSize = 50;
/** How much more a request may cost at a larger chain than at the smallest and still count as not growing (medians on a shared machine move this much). */
const flatFactor = 2;

const out = (line = '') => process.stdout.write(`${line}\n`);
const ms = (v: number) => `${v.toFixed(2)} ms`;
const pad = (s: string, n: number) => s.padEnd(n);
const lpad = (s: string, n: number) => s.padStart(n);
const int = (n: number) => n.toLocaleString('en');
const percentile = (values: number[], p: number) => {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)]!;
};

async function timed<T>(fn: () => Promise<T>): Promise<{ ms: number; value: T }> {
  const started = performance.now();
  const value = await fn();
  return { ms: performance.now() - started, value };
}

function entry(chain: string, i: number): AuditEntry {
  return {
    chain,
    eventKey: `bench:${i}`,
    statementId: null,
    actorUserId: null,
    actorOrgId: null,
    action: i % 3 === 0 ? 'needs_submitted' : 'needs_draft_saved',
    data: { organisationId: '00000000-0000-4000-8000-000000000000', lines: i % 17, version: i },
    at: new Date(Date.UTC(2026, 0, 1) + i * 1000),
  };
}

/** A valid, signed chain written in bulk: hashes and MACs computed here, rows inserted 2,000 at a time. */
async function writeChain(db: Db, chain: string, n: number): Promise<void> {
  let prev = GENESIS_HASH;
  let batch: Insertable<AuditEventsTable>[] = [];
  for (let seq = 1; seq <= n; seq++) {
    const e = entry(chain, seq);
    const hash = hashOf(prev, seq, e);
    batch.push({
      chain,
      seq,
      event_key: e.eventKey,
      statement_id: null,
      actor_user_id: null,
      actor_org_id: null,
      action: e.action,
      data: JSON.stringify(e.data),
      at: e.at,
      prev_hash: prev,
      hash,
      mac: eventMac(chain, seq, hash),
    });
    prev = hash;
    if (batch.length === 2000 || seq === n) {
      await db.insertInto('audit_events').values(batch).execute();
      batch = [];
    }
  }
  await db.insertInto('audit_chain_heads').values({ chain, seq: n, hash: prev }).execute();
}

async function main() {
  out(`jointdemand benchmark — audit verification per request at ${sizes.map(int).join(', ')} events`);
  out(
    `  ${os.cpus().length} CPU(s) (${os.cpus()[0]?.model ?? '?'}), load average ${os
      .loadavg()
      .map((v) => v.toFixed(2))
      .join(' ')}, Node ${process.version}`,
  );
  const admin = new URL(
    process.env.BENCH_DATABASE_URL ?? process.env.TEST_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres',
  );
  const dbName = `jd_bench_audit_${Date.now()}_${process.pid}`;
  const databaseUrl = new URL(admin);
  databaseUrl.pathname = `/${dbName}`;
  let db: Db | undefined;
  try {
    await migrateToLatest(databaseUrl.toString());
    db = createDb(databaseUrl.toString(), 4);
    const rows: string[][] = [];
    let smallest: { size: number; median: number } | undefined;
    for (const size of sizes) {
      const chain = `bench-${size}`;
      const written = await timed(() => writeChain(db!, chain, size));
      await sql`analyze audit_events`.execute(db);
      out();
      out(`${int(size)} events (written in bulk in ${ms(written.ms)})`);

      const first = await timed(() => readAuditPage(db!, chain, { order: 'desc', limit: pageSize }));
      if (!first.value.verification.valid)
        throw new Error(`chain ${chain} does not verify: ${JSON.stringify(first.value.verification.problem)}`);
      out(`  ${pad('first read, no checkpoint yet (full verification)', 58)} ${lpad(ms(first.ms), 12)}`);

      const request = () => readAuditPage(db!, chain, { order: 'desc', limit: pageSize });
      const bare = () =>
        sql`select * from audit_events where chain = ${chain} and seq > ${size - pageSize} order by seq desc limit ${pageSize}`.execute(
          db!,
        );
      let next = size + 1;
      const appendOne = () => db!.transaction().execute((trx) => appendAudit(trx, entry(chain, next++)));
      for (let i = 0; i < 5; i++) {
        await request();
        await bare();
      }
      const t = { request: [] as number[], appended: [] as number[], bare: [] as number[], checked: [] as number[] };
      for (let i = 0; i < runs; i++) {
        t.request.push((await timed(request)).ms);
        t.bare.push((await timed(bare)).ms);
        await appendOne();
        const after = await timed(request);
        if (!after.value.verification.valid) throw new Error('a request after an append did not verify');
        t.appended.push(after.ms);
        t.checked.push(after.value.verification.checked);
      }
      const full = await timed(() => verifyAuditChain(db!, chain));
      const line = (name: string, v: number[]) =>
        out(
          `  ${pad(name, 58)} median ${lpad(ms(percentile(v, 50)), 10)}   p99 ${lpad(ms(percentile(v, 99)), 10)}   max ${lpad(ms(Math.max(...v)), 10)}`,
        );
      line(`request: page of ${pageSize} + verification, nothing new`, t.request);
      line(
        `request after 1 new event (re-hashed ${Math.min(...t.checked)}–${Math.max(...t.checked)} events)`,
        t.appended,
      );
      line(`bare select … where chain = $1 and seq > $2 limit ${pageSize}`, t.bare);
      out(`  ${pad('full verification (audit:verify, one chain)', 58)} ${lpad(ms(full.ms), 12)}`);
      // A request's cost must not grow with the chain: judged against the smallest chain of this run.
      const appendedMedian = percentile(t.appended, 50);
      smallest ??= { size, median: appendedMedian };
      const growth = appendedMedian / smallest.median;
      const flat = growth <= flatFactor;
      recordVerdict({
        benchmark: 'audit',
        figure: `GET …/audit page of ${pageSize} + verification after 1 new event, ${int(size)} events (median of ${runs})`,
        target: `as at ${int(smallest.size)} events (≤ ${flatFactor}× it): the cost does not grow with the chain`,
        measured: `${ms(appendedMedian)} median, p99 ${ms(percentile(t.appended, 99))}`,
        ratio: `${(appendedMedian / percentile(t.bare, 50)).toFixed(1)}× the bare select; ${growth.toFixed(2)}× at ${int(smallest.size)}`,
        met: flat,
        ...(flat ? {} : { note: `${growth.toFixed(2)}× the cost at ${int(smallest.size)} events` }),
      });
      rows.push([
        int(size),
        ms(first.ms),
        ms(percentile(t.request, 50)),
        ms(percentile(t.appended, 50)),
        ms(percentile(t.appended, 99)),
        ms(percentile(t.bare, 50)),
        ms(full.ms),
      ]);
    }
    out();
    out('summary (medians unless said)');
    const header = ['events', 'first read', 'request', 'after append', 'p99 after', 'bare select', 'full verify'];
    out(`  ${header.map((h, i) => (i === 0 ? pad(h, 9) : lpad(h, 13))).join(' ')}`);
    for (const r of rows) out(`  ${r.map((c, i) => (i === 0 ? pad(c, 9) : lpad(c, 13))).join(' ')}`);
  } finally {
    await db?.destroy();
    out();
    if (process.env.BENCH_KEEP_DB) out(`kept the database ${dbName}`);
    else {
      admin.pathname = '/postgres';
      const client = new pg.Client({ connectionString: admin.toString() });
      await client.connect();
      await client.query(`drop database if exists "${dbName}" with (force)`);
      await client.end();
      out(`dropped the database ${dbName}`);
    }
  }
}

await main();
