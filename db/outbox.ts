import { createHash } from 'node:crypto';
import { hostname } from 'node:os';

import { type SelectQueryBuilder, sql } from 'kysely';

import { traceMailHeaders } from '../platform/trace-context.js';
import type { Db, DbOrTx, Tx } from './database.js';
import type { Database, OutboxRow } from './schema.js';

export interface OutgoingMessage {
  /** Business key, unique forever: the same logical message can only ever be queued once. */
  key: string;
  statementId: string | null;
  recipientUserId: string | null;
  to: string;
  locale: string;
  subject: string;
  text: string;
  headers?: Record<string, string>;
  /** Blank the stored text once sent (it carries a secret such as a sign-in link). */
  redactAfterSend?: boolean;
  /** An iCalendar document sent with the message as a `text/calendar; method=PUBLISH` attachment. */
  calendar?: string;
}

/** The SMTP Message-ID is derived from the key, so a resend after a crash is recognisably the same message. */
export function messageIdFor(key: string): string {
  return `<${createHash('sha256').update(key).digest('hex').slice(0, 32)}@jointdemand>`;
}

/** Queues messages; ones already queued under the same key are left as they are. Returns how many are new. */
export async function enqueueMessages(db: DbOrTx, messages: readonly OutgoingMessage[]): Promise<number> {
  let added = 0;
  // Chunked to stay well below PostgreSQL's 65,535 bind parameters per statement.
  for (let i = 0; i < messages.length; i += 1000) {
    const chunk = messages.slice(i, i + 1000);
    const result = await db
      .insertInto('outbox')
      .values(
        chunk.map((m) => ({
          key: m.key,
          statement_id: m.statementId,
          recipient_user_id: m.recipientUserId,
          to_address: m.to,
          locale: m.locale,
          subject: m.subject,
          text_body: m.text,
          // The request or activity that enqueued it, named in X-Trace-Id (platform/trace-context.ts).
          headers: JSON.stringify({ ...traceMailHeaders(), ...m.headers }),
          redact_after_send: m.redactAfterSend ?? false,
          calendar: m.calendar ?? null,
          smtp_message_id: messageIdFor(m.key),
        })),
      )
      .onConflict((oc) => oc.column('key').doNothing())
      .executeTakeFirst();
    added += Number(result.numInsertedOrUpdatedRows ?? 0);
  }
  return added;
}

export interface OutboxScope {
  statementId?: string;
  messageIds?: readonly string[];
  keyPrefix?: string;
}

const likePrefix = (prefix: string) => `${prefix.replace(/[%_\\]/g, (c) => `\\${c}`)}%`;

/** Narrows a query of outbox rows to a delivery's scope. */
function inScope<Q extends SelectQueryBuilder<Database, 'outbox', object>>(q: Q, scope: OutboxScope): Q {
  let scoped = q;
  if (scope.statementId) scoped = scoped.where('statement_id', '=', scope.statementId) as Q;
  if (scope.messageIds)
    scoped = scoped.where(
      'id',
      'in',
      scope.messageIds.length ? scope.messageIds : ['00000000-0000-0000-0000-000000000000'],
    ) as Q;
  if (scope.keyPrefix) scoped = scoped.where('key', 'like', likePrefix(scope.keyPrefix)) as Q;
  return scoped;
}

/** This process as a claimer of outbox messages (`claimed_by`). */
const thisSender = `${hostname()}/${process.pid}`;

/**
 * Claims up to `limit` sendable messages in one statement: pending ones, and ones whose sender's
 * lease ran out (the sender died). The inner select locks the rows it picks with SKIP LOCKED, so
 * several senders share the queue without double claims; the update gives each picked row a
 * lease and returns it. It runs under `claimPlan`, in a transaction of its own.
 */
export async function claimMessages(
  db: Db,
  scope: OutboxScope,
  limit: number,
  leaseSeconds: number,
): Promise<OutboxRow[]> {
  if (limit <= 0) return [];
  return db.transaction().execute(async (trx) => {
    await claimPlan(trx);
    return claimQuery(trx, scope, limit, leaseSeconds).execute();
  });
}

/**
 * A claim walks an index of unsent messages (by key, statement, id or age, as its scope allows):
 * no bitmap scan, no sequential scan and no sort, for the rest of the transaction. A queue's
 * statistics are always behind it (a fan-out's pages are queued moments before they are
 * claimed), and on such guesses the planner chose each of them. A bitmap or sequential scan reads
 * again, at every claim, every row sent since the last vacuum, since only an index scan marks the
 * index entries of dead rows as dead: in the 100,000-supplier benchmark a bitmap scan read 25,789
 * pages for a claim of 200 (150-280 ms a claim). A sort reads every row in scope to return 200.
 */
export async function claimPlan(trx: Tx): Promise<void> {
  await sql`select set_config('enable_bitmapscan', 'off', true), set_config('enable_seqscan', 'off', true),
    set_config('enable_sort', 'off', true)`.execute(trx);
}

/**
 * The claim as a query (`claimMessages` runs it under `claimPlan`; a test reads its plan). A
 * key-prefix claim (a fan-out's) goes in the order of `outbox_pending_key_idx`, so it walks its
 * own unsent rows from the first and stops at `limit`; other scopes in no particular order. Not
 * by age: with `order by created_at, id`, a fan-out's pages queued moments before (not yet in the
 * table's statistics) were read whole and sorted at every claim, 40-300 ms a claim on a loaded
 * machine; in the key index's order without `claimPlan`, the planner sorted as well (in CI, a
 * claim of 200 read the 3,000 rows queued before it). Nothing relies on the order: a delivery
 * claims until nothing in its scope is left, and SKIP LOCKED keeps concurrent senders apart.
 */
export function claimQuery(db: DbOrTx, scope: OutboxScope, limit: number, leaseSeconds: number) {
  return db
    .updateTable('outbox')
    .set({
      status: 'sending',
      attempts: sql<number>`attempts + 1`,
      lease_until: sql<Date>`now() + make_interval(secs => ${leaseSeconds})`,
      claimed_by: sql<string[]>`array_append(claimed_by, ${thisSender})`,
    })
    .where('id', 'in', (eb) =>
      inScope(
        eb
          .selectFrom('outbox')
          .select('id')
          .where((w) =>
            w.or([
              w('status', '=', 'pending'),
              w.and([w('status', '=', 'sending'), w('lease_until', '<', sql<Date>`now()`)]),
            ]),
          ),
        scope,
      )
        .$if(scope.keyPrefix !== undefined, (q) => q.orderBy(sql`key using ~<~`))
        .limit(limit)
        .forUpdate()
        .skipLocked(),
    )
    .returningAll();
}

/**
 * Marks a batch of messages sent in one statement (chunked below PostgreSQL's bind-parameter
 * limit). The ids go as one array parameter: a fan-out writes a mark every few messages (about
 * 2,500 for 10,000 notices), and Kysely building an `in (…)` list of one parameter per id cost
 * the sender 0.18 ms of CPU a mark against 0.11 ms for this (measured: 2,500 marks of 4).
 */
export async function markSentMany(db: DbOrTx, ids: readonly string[]): Promise<void> {
  for (let i = 0; i < ids.length; i += 5000) {
    await sql`update outbox set status = 'sent', sent_at = now(), lease_until = null, last_error = null,
      text_body = case when redact_after_send then '[redacted after sending]' else text_body end
      where id = any(${ids.slice(i, i + 5000)}::uuid[])`.execute(db);
  }
}

export async function markSent(db: DbOrTx, id: string): Promise<void> {
  await markSentMany(db, [id]);
}

/**
 * Failed attempts go back to pending; after `maxAttempts` a message is parked as failed for a
 * person to look at. Each failure names the claim it belongs to (`attempts` as the claim returned
 * it): a sender whose lease ran out meanwhile (another sender claimed the message again, or sent
 * it) changes nothing, so a late failure can never put a sent message back in the queue. One
 * statement per distinct error (a failing relay gives them all the same).
 */
export async function markFailedMany(
  db: DbOrTx,
  failures: readonly { id: string; attempts: number; error: string; temporary?: boolean }[],
  maxAttempts: number,
): Promise<void> {
  const byError = new Map<string, { error: string; temporary: boolean; claims: { id: string; attempts: number }[] }>();
  for (const f of failures) {
    const error = f.error.slice(0, 2000);
    const temporary = f.temporary ?? false;
    const group = `${temporary}\n${error}`;
    const entry = byError.get(group) ?? { error, temporary, claims: [] };
    entry.claims.push({ id: f.id, attempts: f.attempts });
    byError.set(group, entry);
  }
  for (const { error, temporary, claims } of byError.values()) {
    for (let i = 0; i < claims.length; i += 2000) {
      const pairs = claims.slice(i, i + 2000).map((c) => sql`(${c.id}::uuid, ${c.attempts}::int)`);
      await db
        .updateTable('outbox')
        .set({
          // A temporary failure (the relay down or busy) never parks a message: it waits for the relay.
          status: temporary
            ? 'pending'
            : sql<'pending' | 'failed'>`case when attempts >= ${maxAttempts} then 'failed' else 'pending' end`,
          last_error: error,
          lease_until: null,
        })
        .where('status', '=', 'sending')
        .where(sql<boolean>`(id, attempts) in (${sql.join(pairs)})`)
        .execute();
    }
  }
}

/** A failed attempt goes back to pending (unless the message left the sending state meanwhile); after `maxAttempts` it is parked as failed. */
export async function markFailed(db: DbOrTx, id: string, error: string, maxAttempts: number): Promise<void> {
  await db
    .updateTable('outbox')
    .set({
      status: sql<'pending' | 'failed'>`case when attempts >= ${maxAttempts} then 'failed' else 'pending' end`,
      last_error: error.slice(0, 2000),
      lease_until: null,
    })
    .where('id', '=', id)
    .where('status', '=', 'sending')
    .execute();
}

/**
 * Extends the leases of messages a sender still holds (claimed, not yet marked), so a message
 * waiting its turn behind others in a slow sender is not taken over while it is still going to be
 * sent. Only the sender's own claims (`attempts` as its claim returned it) are extended; a dead
 * sender extends nothing, and its leases run out as before.
 */
export async function renewLeases(
  db: DbOrTx,
  claims: readonly { id: string; attempts: number }[],
  leaseSeconds: number,
): Promise<void> {
  for (let i = 0; i < claims.length; i += 2000) {
    const pairs = claims.slice(i, i + 2000).map((c) => sql`(${c.id}::uuid, ${c.attempts}::int)`);
    await db
      .updateTable('outbox')
      .set({ lease_until: sql<Date>`now() + make_interval(secs => ${leaseSeconds})` })
      .where('status', '=', 'sending')
      .where(sql<boolean>`(id, attempts) in (${sql.join(pairs)})`)
      .execute();
  }
}

/**
 * What is left to send in a delivery's scope: how many messages are pending or being sent, how
 * many of them can be claimed now, and the earliest time a lease among the others runs out (a
 * dead sender's messages become claimable then).
 */
export async function unsentIn(
  db: DbOrTx,
  scope: OutboxScope,
): Promise<{ unsent: number; claimable: number; nextLeaseEnd: Date | null }> {
  const row = await inScope(
    db
      .selectFrom('outbox')
      .select([
        sql<string>`count(*)`.as('unsent'),
        sql<string>`count(*) filter (where status = 'pending' or lease_until < now())`.as('claimable'),
        sql<Date | null>`min(lease_until) filter (where status = 'sending' and lease_until >= now())`.as(
          'next_lease_end',
        ),
      ])
      .where('status', 'in', ['pending', 'sending']),
    scope,
  ).executeTakeFirstOrThrow();
  return { unsent: Number(row.unsent), claimable: Number(row.claimable), nextLeaseEnd: row.next_lease_end };
}

export async function findMessagesByKey(db: DbOrTx, keys: readonly string[]): Promise<OutboxRow[]> {
  if (keys.length === 0) return [];
  return db.selectFrom('outbox').selectAll().where('key', 'in', keys).execute();
}

export async function countPending(db: DbOrTx, statementId?: string): Promise<number> {
  let q = db
    .selectFrom('outbox')
    .select(sql<string>`count(*)`.as('n'))
    .where('status', 'in', ['pending', 'sending']);
  if (statementId) q = q.where('statement_id', '=', statementId);
  const row = await q.executeTakeFirstOrThrow();
  return Number(row.n);
}

/** Queues one message and returns its id, or the id of the message already queued under that key. */
export async function enqueueMessage(db: DbOrTx, message: OutgoingMessage): Promise<string> {
  await enqueueMessages(db, [message]);
  const row = await db.selectFrom('outbox').select('id').where('key', '=', message.key).executeTakeFirstOrThrow();
  return row.id;
}

/** Ids of the messages still pending under a key prefix: what a use case outside a workflow hands to delivery. */
export async function pendingMessageIdsWithKeyPrefix(db: DbOrTx, keyPrefix: string): Promise<string[]> {
  const rows = await inScope(db.selectFrom('outbox').select('id').where('status', '=', 'pending'), {
    keyPrefix,
  }).execute();
  return rows.map((r) => r.id);
}
