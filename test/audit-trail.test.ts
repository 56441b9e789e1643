import { execFile } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';

import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import {
  appendAudit,
  type AuditEntry,
  eventMac,
  GENESIS_HASH,
  hashOf,
  readAuditPage,
  verifyAllChains,
  verifyAuditChain,
} from '../db/audit.js';
import { createDb, type Db } from '../db/database.js';
import { type Harness, makeActor, startHarness, statementDetails } from './support/harness.js';

const run = promisify(execFile);
const verifier = path.resolve('bin/verify-audit-export.mjs');

/** Runs the offline verifier as an outsider would: plain node, the file, nothing else. */
async function verifyOffline(file: string, ...args: string[]): Promise<{ code: number; out: string }> {
  try {
    const { stdout } = await run(process.execPath, [verifier, file, ...args]);
    return { code: 0, out: stdout };
  } catch (error) {
    const e = error as { code: number; stderr: string; stdout: string };
    return { code: e.code, out: `${e.stdout}${e.stderr}` };
  }
}

/**
 * Issues 22 and 13 (point 6): pages over a long chain, an export anyone can verify offline, and
 * an application role that can only append, with every tampering it or a superuser tries found.
 * A database of its own: one test truncates the audit table.
 */
describe('audit trail', () => {
  let h: Harness;
  let app: Db;
  let lead: Awaited<ReturnType<typeof makeActor>>;
  let commission: Awaited<ReturnType<typeof makeActor>>;
  const dir = mkdtempSync(path.join(os.tmpdir(), 'jd-audit-'));

  const newStatement = async () => {
    const res = await lead.api.post('/api/statements', statementDetails());
    expect(res.status).toBe(201);
    return res.body.id as string;
  };
  const entry = (chain: string, i: number, statementId: string | null = chain): AuditEntry => ({
    chain,
    eventKey: null,
    statementId,
    actorUserId: lead.user.id,
    actorOrgId: lead.org.id,
    action: 'needs_draft_saved',
    data: { organisationId: lead.org.id, lines: i, note: i % 7 === 0 ? 'quote " and, comma\nnewline €' : null },
    at: new Date(),
  });
  /** Appends as appendAudit does (same hashes, same MACs), but a batch of rows per statement, so 10,000 take seconds. */
  const appendMany = async (chain: string, n: number, statementId: string | null = chain) => {
    for (let start = 0; start < n; start += 2000) {
      await h.db.transaction().execute(async (trx) => {
        await trx
          .insertInto('audit_chain_heads')
          .values({ chain, seq: 0, hash: GENESIS_HASH })
          .onConflict((oc) => oc.column('chain').doNothing())
          .execute();
        const head = await trx
          .selectFrom('audit_chain_heads')
          .select(['seq', 'hash'])
          .where('chain', '=', chain)
          .forUpdate()
          .executeTakeFirstOrThrow();
        let { seq, hash } = head;
        const rows = [];
        for (let i = start; i < Math.min(n, start + 2000); i++) {
          const e = entry(chain, i, statementId);
          const next = hashOf(hash, seq + 1, e);
          rows.push({
            chain,
            seq: seq + 1,
            event_key: null,
            statement_id: statementId,
            actor_user_id: e.actorUserId,
            actor_org_id: e.actorOrgId,
            action: e.action,
            data: JSON.stringify(e.data),
            at: e.at,
            prev_hash: hash,
            hash: next,
            mac: eventMac(chain, seq + 1, next),
          });
          seq += 1;
          hash = next;
        }
        await trx.insertInto('audit_events').values(rows).execute();
        await trx.updateTable('audit_chain_heads').set({ seq, hash }).where('chain', '=', chain).execute();
      });
    }
  };
  /** A file download as a browser makes it: the raw text and headers. */
  const download = async (who: { api: { auth: { bearer?: string } } }, url: string) => {
    const res = await fetch(new URL(url, h.baseUrl), { headers: { authorization: `Bearer ${who.api.auth.bearer}` } });
    return { status: res.status, headers: res.headers, body: await res.text() };
  };

  beforeAll(async () => {
    h = await startHarness({ freshDatabase: true });
    app = createDb(h.config.DATABASE_URL, 2, h.config.DATABASE_ROLE);
    lead = await makeActor(h, { kind: 'buyer', country: 'FI' });
    commission = await makeActor(h, { kind: 'commission', country: 'BE' });
  });
  afterAll(async () => {
    await app?.destroy();
    await h?.close();
  });

  it('pages through more than 10,000 events, newest first by default, oldest included', async () => {
    const id = await newStatement();
    await appendMany(id, 10_200);
    const total = (await verifyAuditChain(h.db, id)).head.seq;
    expect(total).toBeGreaterThan(10_200);

    const seen: number[] = [];
    let cursor: number | null = null;
    let pages = 0;
    do {
      const res: { status: number; body: any } = await lead.api.get(
        `/api/statements/${id}/audit?limit=1000${cursor === null ? '' : `&cursor=${cursor}`}`,
      );
      expect(res.status).toBe(200);
      expect(res.body.verification).toEqual({ valid: true, events: total, problem: null });
      expect(res.body.head.seq).toBe(total);
      seen.push(...res.body.events.map((e: { seq: number }) => e.seq));
      cursor = res.body.page.nextCursor;
      pages += 1;
    } while (cursor !== null);
    expect(pages).toBe(Math.ceil(total / 1000));
    expect(seen).toEqual(Array.from({ length: total }, (_, i) => total - i));

    // Oldest first, from any point, too.
    const oldest = await lead.api.get(`/api/statements/${id}/audit?order=asc&limit=3`);
    expect(oldest.body.events.map((e: { seq: number; action: string }) => e.seq)).toEqual([1, 2, 3]);
    expect(oldest.body.events[0].action).toBe('statement_created');
    const after = await lead.api.get(`/api/statements/${id}/audit?order=asc&limit=2&cursor=${total - 1}`);
    expect(after.body.events.map((e: { seq: number }) => e.seq)).toEqual([total]);
    expect(after.body.page.nextCursor).toBeNull();

    // The first read verified everything and left a checkpoint: the next re-hashes only what is new.
    await appendMany(id, 5);
    const page = await readAuditPage(h.db, id, { order: 'desc', limit: 10 });
    expect(page.verification).toMatchObject({ valid: true, checked: 5 });
    expect(page.verification.from.seq).toBe(total);

    // The whole chain as a file, streamed from one snapshot, verifies offline.
    const file = path.join(dir, 'long.jsonl');
    const exported = await download(lead, `/api/statements/${id}/audit.jsonl`);
    expect(exported.status).toBe(200);
    writeFileSync(file, exported.body);
    const offline = await verifyOffline(file);
    expect(offline.code, offline.out).toBe(0);
    expect(offline.out).toContain(`VALID: ${total + 5} events`);
  }, 300_000);

  it('exports JSON Lines and CSV that verify offline, and a one-byte change fails', async () => {
    const id = await newStatement();
    await appendMany(id, 40);
    const jsonl = await download(lead, `/api/statements/${id}/audit.jsonl`);
    expect(jsonl.status).toBe(200);
    expect(jsonl.headers.get('content-disposition')).toMatch(/attachment; filename="audit-.*\.jsonl"/);
    const head = jsonl.headers.get('x-audit-head')!;
    expect(head).toMatch(/^41:[0-9a-f]{64}$/);
    const text = jsonl.body;
    expect(JSON.parse(text.split('\n')[0]!)).toMatchObject({
      type: 'audit-export',
      chain: id,
      head: { seq: 41 },
      verification: { valid: true },
    });
    const file = path.join(dir, 'statement.jsonl');
    writeFileSync(file, text);
    const ok = await verifyOffline(file);
    expect(ok.code, ok.out).toBe(0);
    expect(ok.out).toContain(`VALID: 41 events, head ${head}`);

    // One byte: a digit in an event's data.
    const tampered = path.join(dir, 'tampered.jsonl');
    writeFileSync(tampered, text.replace('"lines":17', '"lines":18'));
    expect(readFileSync(tampered, 'utf8')).not.toBe(text);
    const bad = await verifyOffline(tampered);
    expect(bad.code).toBe(1);
    expect(bad.out).toContain('INVALID at event 19: its content does not match its hash');

    const csv = await download(lead, `/api/statements/${id}/audit.csv`);
    expect(csv.status).toBe(200);
    expect(csv.headers.get('content-type')).toContain('text/csv');
    const csvFile = path.join(dir, 'statement.csv');
    writeFileSync(csvFile, csv.body);
    const csvOk = await verifyOffline(csvFile, '--head', csv.headers.get('x-audit-head')!);
    expect(csvOk.code, csvOk.out).toBe(0);
    const csvBad = path.join(dir, 'tampered.csv');
    writeFileSync(csvBad, csv.body.replace('needs_draft_saved', 'needs_draft_savee'));
    expect((await verifyOffline(csvBad)).code).toBe(1);
    // A head that is not the file's end (the newest events cut off) fails too.
    expect((await verifyOffline(file, '--head', `42:${'a'.repeat(64)}`)).code).toBe(1);

    // Commission staff export too; a supplier does not.
    const staff = await download(commission, `/api/statements/${id}/audit.jsonl`);
    expect(staff.status).toBe(200);
    const supplier = await makeActor(h, { kind: 'supplier', country: 'DE' });
    expect((await download(supplier, `/api/statements/${id}/audit.jsonl`)).status).toBe(404);
  }, 120_000);

  it('withholds a buyer’s reason in another viewer’s export, which still verifies by its links', async () => {
    const id = await newStatement();
    await h.db.transaction().execute((trx) =>
      appendAudit(trx, {
        ...entry(id, 0),
        action: 'invitation_answered',
        data: { organisationId: lead.org.id, answer: 'declined', reason: 'Our budget was cut' },
      }),
    );
    const staff = await download(commission, `/api/statements/${id}/audit.jsonl`);
    expect(staff.body).not.toContain('Our budget was cut');
    const event = staff.body
      .split('\n')
      .filter(Boolean)
      .map((l) => JSON.parse(l))
      .find((l) => l.action === 'invitation_answered');
    expect(event).toMatchObject({ data: { reason: null }, withheld: ['reason'] });
    const file = path.join(dir, 'staff.jsonl');
    writeFileSync(file, staff.body);
    const result = await verifyOffline(file);
    expect(result.code, result.out).toBe(0);
    expect(result.out).toContain('1 checked by their links only');
  }, 60_000);

  describe('with the application’s database role', () => {
    it('may append, but not update, delete or truncate audit rows, checkpoints or heads', async () => {
      const id = await newStatement();
      await app.transaction().execute((trx) => appendAudit(trx, entry(id, 1)));
      const refused = async (statement: string) =>
        expect(sql.raw(statement).execute(app)).rejects.toThrow(/permission denied|append-only/);
      await refused(`update audit_events set data = '{}' where chain = '${id}'`);
      await refused(`delete from audit_events where chain = '${id}'`);
      await refused('truncate audit_events');
      await refused(`delete from audit_chain_heads where chain = '${id}'`);
      await refused(`update audit_chain_heads set unsigned_upto = 1000000 where chain = '${id}'`);
      await refused(
        `insert into audit_chain_heads (chain, seq, hash, unsigned_upto) values ('agreement:${id}', 0, '${GENESIS_HASH}', 1000000)`,
      );
      await refused('truncate audit_chain_heads');
      await refused(`delete from audit_checkpoints where chain = '${id}'`);
      await refused('truncate audit_checkpoints');
      // The owner is refused too, by the triggers, short of DDL that disables them.
      await expect(sql`truncate audit_events`.execute(h.db)).rejects.toThrow(/append-only/);
      expect((await verifyAuditChain(h.db, id)).valid).toBe(true);
    });

    it('cannot forge an append that verifies: it lacks the audit key', async () => {
      const id = await newStatement();
      await appendMany(id, 3);
      const head = await h.db
        .selectFrom('audit_chain_heads')
        .selectAll()
        .where('chain', '=', id)
        .executeTakeFirstOrThrow();
      const forged = entry(id, 99);
      const seq = head.seq + 1;
      const hash = hashOf(head.hash, seq, forged);
      await app.transaction().execute(async (trx) => {
        await trx
          .insertInto('audit_events')
          .values({
            chain: id,
            seq,
            event_key: null,
            statement_id: id,
            actor_user_id: forged.actorUserId,
            actor_org_id: forged.actorOrgId,
            action: forged.action,
            data: JSON.stringify(forged.data),
            at: forged.at,
            prev_hash: head.hash,
            hash,
            mac: 'f'.repeat(64),
          })
          .execute();
        await trx.updateTable('audit_chain_heads').set({ seq, hash }).where('chain', '=', id).execute();
      });
      const expected = {
        seq,
        issue: 'the event is not signed with the audit key: it was not written by the application',
      };
      expect((await verifyAuditChain(h.db, id)).problem).toEqual(expected);
      const viaApi = await lead.api.get(`/api/statements/${id}/audit`);
      expect(viaApi.body.verification).toEqual({ valid: false, events: seq, problem: expected });
      // A forged checkpoint (to skip the forged row) is refused as well.
      await app
        .insertInto('audit_checkpoints')
        .values({ chain: id, seq, hash, mac: '0'.repeat(64) })
        .execute();
      expect((await lead.api.get(`/api/statements/${id}/audit`)).body.verification.problem).toEqual({
        seq,
        issue: 'a checkpoint is not signed with the audit key: it was forged',
      });
    });

    it('cannot move a head back to hide the newest events', async () => {
      const id = await newStatement();
      await appendMany(id, 4);
      const third = await h.db
        .selectFrom('audit_events')
        .select(['seq', 'hash'])
        .where('chain', '=', id)
        .where('seq', '=', 3)
        .executeTakeFirstOrThrow();
      await app
        .updateTable('audit_chain_heads')
        .set({ seq: third.seq, hash: third.hash })
        .where('chain', '=', id)
        .execute();
      expect((await verifyAuditChain(h.db, id)).problem).toEqual({
        seq: 3,
        issue: 'events beyond the chain head: the head was moved back',
      });
    });
  });

  describe('a superuser who disables the triggers is still caught', () => {
    const asSuperuser = async (fn: () => Promise<void>) => {
      await sql`alter table audit_events disable trigger user`.execute(h.db);
      await sql`alter table audit_chain_heads disable trigger user`.execute(h.db);
      await sql`alter table audit_checkpoints disable trigger user`.execute(h.db);
      try {
        await fn();
      } finally {
        await sql`alter table audit_events enable trigger user`.execute(h.db);
        await sql`alter table audit_chain_heads enable trigger user`.execute(h.db);
        await sql`alter table audit_checkpoints enable trigger user`.execute(h.db);
      }
    };

    it('finds a rewritten middle, even one re-hashed to the end, below a checkpoint', async () => {
      const id = await newStatement();
      await appendMany(id, 100);
      // A read leaves a checkpoint at the head.
      expect((await lead.api.get(`/api/statements/${id}/audit`)).body.verification.valid).toBe(true);
      const checkpoint = await h.db
        .selectFrom('audit_checkpoints')
        .select(['seq'])
        .where('chain', '=', id)
        .orderBy('seq', 'desc')
        .executeTakeFirstOrThrow();
      expect(checkpoint.seq).toBe(101);

      // Rewrite event 50 and re-link every later event, head included, as a careful forger would.
      await asSuperuser(async () => {
        const rows = await h.db
          .selectFrom('audit_events')
          .selectAll()
          .where('chain', '=', id)
          .where('seq', '>=', 50)
          .orderBy('seq')
          .execute();
        let prev = (
          await h.db
            .selectFrom('audit_events')
            .select('hash')
            .where('chain', '=', id)
            .where('seq', '=', 49)
            .executeTakeFirstOrThrow()
        ).hash;
        for (const row of rows) {
          const data = row.seq === 50 ? { ...(row.data as Record<string, unknown>), lines: 1000 } : row.data;
          const hash = hashOf(prev, row.seq, {
            chain: id,
            eventKey: row.event_key,
            statementId: row.statement_id,
            actorUserId: row.actor_user_id,
            actorOrgId: row.actor_org_id,
            action: row.action,
            data: data as Record<string, unknown>,
            at: row.at,
          });
          await h.db
            .updateTable('audit_events')
            .set({ data: JSON.stringify(data), prev_hash: prev, hash })
            .where('id', '=', row.id)
            .execute();
          prev = hash;
        }
        await h.db.updateTable('audit_chain_heads').set({ hash: prev }).where('chain', '=', id).execute();
      });
      // A request starts from the checkpoint, whose pinned hash no longer matches.
      expect((await lead.api.get(`/api/statements/${id}/audit`)).body.verification.problem).toEqual({
        seq: 101,
        issue: 'the event at a verified checkpoint was removed or altered',
      });
      // The full run names the first rewritten event.
      expect((await verifyAuditChain(h.db, id)).problem).toEqual({
        seq: 50,
        issue: 'the event is not signed with the audit key: it was not written by the application',
      });
    });

    it('finds a deleted chain and a truncated table', async () => {
      const deleted = await newStatement();
      await appendMany(deleted, 10);
      const kept = await newStatement();
      await appendMany(kept, 10);
      await asSuperuser(async () => {
        await h.db.deleteFrom('audit_events').where('chain', '=', deleted).execute();
        await h.db.deleteFrom('audit_chain_heads').where('chain', '=', deleted).execute();
        await h.db.deleteFrom('audit_checkpoints').where('chain', '=', deleted).execute();
      });
      const gone = { seq: 0, issue: 'the chain has no events although its statement exists: it was deleted' };
      expect((await lead.api.get(`/api/statements/${deleted}/audit`)).body.verification.problem).toEqual(gone);
      let report = await verifyAllChains(h.db);
      expect(report.problems).toContainEqual({ chain: deleted, ...gone });
      expect(report.problems.map((p) => p.chain)).not.toContain(kept);

      // Truncating every event (heads and checkpoints left, or wiped as well) is found for every chain.
      await asSuperuser(async () => {
        await sql`truncate audit_events`.execute(h.db);
      });
      expect((await verifyAuditChain(h.db, kept, { expectEvents: true })).problem).toMatchObject({
        issue: expect.stringMatching(/removed/),
      });
      await asSuperuser(async () => {
        await sql`truncate audit_chain_heads, audit_checkpoints`.execute(h.db);
      });
      report = await verifyAllChains(h.db);
      expect(report.problems).toContainEqual({ chain: kept, ...gone });
      expect(report.events).toBe(0);
      // The offline file of an empty chain states an empty head, not a valid history.
      expect(
        (await readAuditPage(h.db, kept, { order: 'desc', limit: 5 }, { expectEvents: true })).verification.head,
      ).toEqual({ seq: 0, hash: GENESIS_HASH });
    });
  });
});
