import { createHash, createHmac, createSecretKey, type KeyObject, timingSafeEqual } from 'node:crypto';

import { sql } from 'kysely';
import { escapeLiteral } from 'pg';

import { agreementChain } from '../domain/agreement-events.js';
import { canonicalJson } from '../platform/canonical-json.js';
import { auditHmacKey, loadConfig } from '../platform/config.js';
import type { Db, DbOrTx, Tx } from './database.js';
import type { AuditEventRow } from './schema.js';

/**
 * The audit log is a hash chain per statement (chain = statement id), per agreement and one
 * `platform` chain. Each row's hash is SHA-256 over the previous row's hash, a newline and the
 * RFC 8785 (JCS) canonical JSON of its content, so anyone with the rows can check the links with
 * any JCS library. Each row also carries an HMAC of (chain, seq, hash) under AUDIT_HMAC_KEY, a
 * key the database does not hold: database access alone cannot append a row that verifies, and
 * the newest row's MAC signs the chain head. The head is kept in its own table, so a removed
 * newest row shows; signed checkpoints pin verified (seq, hash) points, so a request re-hashes
 * only what came after the latest one.
 */
export const GENESIS_HASH = '0'.repeat(64);
export const PLATFORM_CHAIN = 'platform';
/** A request that verified at least this many new events leaves a checkpoint behind. */
export const CHECKPOINT_EVERY = 64;

export interface AuditEntry {
  chain: string;
  eventKey: string | null;
  statementId: string | null;
  actorUserId: string | null;
  actorOrgId: string | null;
  action: string;
  data: Record<string, unknown>;
  at: Date;
}

let configuredKey: KeyObject | undefined;
/**
 * AUDIT_HMAC_KEY, read once from the environment (checked at start by platform/config.ts):
 * appendAudit has many callers in every process, and none of them should have to carry it. As a
 * KeyObject, made once: given as a string, each HMAC made a key of its own first (13 µs of 15 on
 * Node 24), once per event appended and per event a verification re-checks.
 */
function auditKey(): KeyObject {
  configuredKey ??= createSecretKey(auditHmacKey(loadConfig()), 'utf8');
  return configuredKey;
}

/** The object whose JCS form is hashed; exported so the export and its offline check state the same thing. */
export function hashedBody(seq: number, e: AuditEntry): Record<string, unknown> {
  return {
    chain: e.chain,
    seq,
    eventKey: e.eventKey,
    statementId: e.statementId,
    actorUserId: e.actorUserId,
    actorOrgId: e.actorOrgId,
    action: e.action,
    data: JSON.parse(JSON.stringify(e.data)),
    at: e.at.toISOString(),
  };
}

export function hashOf(prevHash: string, seq: number, e: AuditEntry): string {
  return createHash('sha256')
    .update(prevHash)
    .update('\n')
    .update(canonicalJson(hashedBody(seq, e)))
    .digest('hex');
}

export function eventMac(chain: string, seq: number, hash: string, key: KeyObject = auditKey()): string {
  return createHmac('sha256', key).update(`audit-event\n${chain}\n${seq}\n${hash}`).digest('hex');
}

export function checkpointMac(chain: string, seq: number, hash: string, key: KeyObject = auditKey()): string {
  return createHmac('sha256', key).update(`audit-checkpoint\n${chain}\n${seq}\n${hash}`).digest('hex');
}

function macMatches(expected: string, actual: string | null): boolean {
  if (actual === null || actual.length !== expected.length) return false;
  return timingSafeEqual(Buffer.from(expected), Buffer.from(actual));
}

/** True if an event with this key was recorded already: the caller's work was done before. */
export async function hasAuditEvent(db: DbOrTx, chain: string, eventKey: string): Promise<boolean> {
  return (await recordedAuditData(db, chain, eventKey)) !== undefined;
}

/** The data of the event recorded under `eventKey` on `chain`, if there is one. */
export async function recordedAuditData(
  db: DbOrTx,
  chain: string,
  eventKey: string,
): Promise<Record<string, unknown> | undefined> {
  const row = await db
    .selectFrom('audit_events')
    .select('data')
    .where('chain', '=', chain)
    .where('event_key', '=', eventKey)
    .executeTakeFirst();
  return row?.data as Record<string, unknown> | undefined;
}

/** True when the chain holds an event whose key starts with `prefix` (an update's events: `update:<id>:`). */
export async function hasAuditEventKeyPrefix(db: DbOrTx, chain: string, prefix: string): Promise<boolean> {
  const row = await db
    .selectFrom('audit_events')
    .select('event_key')
    .where('chain', '=', chain)
    // LIKE, not a range: a range's upper bound depends on the database's collation.
    .where('event_key', 'like', `${prefix.replace(/[\\%_]/g, (c) => `\\${c}`)}%`)
    .executeTakeFirst();
  return row !== undefined;
}

/** Appends one event of the platform chain (organisations, users, access, suppliers, rates) by an actor, now. */
export function appendPlatformAudit(
  trx: Tx,
  actor: { userId: string | null; orgId: string | null },
  action: string,
  data: Record<string, unknown>,
): Promise<{ seq: number; hash: string }> {
  return appendAudit(trx, {
    chain: PLATFORM_CHAIN,
    eventKey: null,
    statementId: null,
    actorUserId: actor.userId,
    actorOrgId: actor.orgId,
    action,
    data,
    at: new Date(),
  });
}

/** Appends one event; must run inside the transaction that makes the change it records. */
export async function appendAudit(trx: Tx, entry: AuditEntry): Promise<{ seq: number; hash: string }> {
  const { append, seq, hash } = await lockHeadForAppend(trx, entry);
  await append.execute();
  return { seq, hash };
}

/**
 * Appends one event as the last statement of the caller's transaction, and commits it in the same
 * round trip (`commit and chain`: the caller's own commit then ends an empty transaction). The
 * chain's head is locked from its read to the commit; a request that waited for the API's busy
 * event loop between its append and its commit held every other buyer of the statement in line
 * (the deadline rush, loaded: 4 to 11 confirmations waiting, the holder idle in transaction).
 * One round trip under the lock instead of two.
 *
 * The two statements go as one simple query, which cannot carry bind parameters: the append's
 * parameters are written into it as literals by the driver's own quoting (`escapeLiteral`).
 */
export async function appendAuditAndCommit(trx: Tx, entry: AuditEntry): Promise<{ seq: number; hash: string }> {
  const { append, seq, hash } = await lockHeadForAppend(trx, entry);
  const { sql: text, parameters } = append.compile();
  await sql.raw(`${withLiterals(text, parameters)}; commit and chain`).execute(trx);
  return { seq, hash };
}

/** The chain's head, locked, and the statement that appends `entry` after it and moves the head. */
async function lockHeadForAppend(trx: Tx, entry: AuditEntry) {
  // The chain's head, created at the genesis if new, and locked (an upsert's update takes the row
  // lock, as FOR UPDATE would): the lock serialises appends to one chain without blocking others.
  const head = await trx
    .insertInto('audit_chain_heads')
    .values({ chain: entry.chain, seq: 0, hash: GENESIS_HASH })
    .onConflict((oc) => oc.column('chain').doUpdateSet({ seq: (eb) => eb.ref('audit_chain_heads.seq') }))
    .returning(['seq', 'hash'])
    .executeTakeFirstOrThrow();
  const seq = head.seq + 1;
  const hash = hashOf(head.hash, seq, entry);
  // The event and the head's move in one statement (the event's insert a CTE of the head's update).
  const append = trx
    .with('appended', (db) =>
      db.insertInto('audit_events').values({
        chain: entry.chain,
        seq,
        event_key: entry.eventKey,
        statement_id: entry.statementId,
        actor_user_id: entry.actorUserId,
        actor_org_id: entry.actorOrgId,
        action: entry.action,
        data: JSON.stringify(entry.data),
        at: entry.at,
        prev_hash: head.hash,
        hash,
        mac: eventMac(entry.chain, seq, hash),
      }),
    )
    .updateTable('audit_chain_heads')
    .set({ seq, hash })
    .where('chain', '=', entry.chain);
  return { append, seq, hash };
}

/**
 * A compiled statement with its `$n` placeholders replaced by the values' literals. Kysely writes
 * every value as a placeholder and nothing else as `$n`, so each one found is a parameter.
 */
export function withLiterals(text: string, parameters: readonly unknown[]): string {
  return text.replace(/\$(\d+)/g, (_, n: string) => literalOf(parameters[Number(n) - 1]));
}

function literalOf(value: unknown): string {
  if (value === null) return 'null';
  if (typeof value === 'string') return escapeLiteral(value);
  if (typeof value === 'number' && Number.isFinite(value)) return String(value);
  if (typeof value === 'boolean') return String(value);
  if (value instanceof Date) return escapeLiteral(value.toISOString());
  throw new TypeError(`no literal for a parameter of type ${typeof value}`);
}

export interface ChainVerification {
  valid: boolean;
  events: number;
  /** The first problem found, with the sequence number where it is. */
  problem: { seq: number; issue: string } | null;
}

export interface ChainHead {
  seq: number;
  hash: string;
}

/** What a verification covered: the head it read, and from which signed checkpoint it re-hashed. */
export interface VerifiedChain extends ChainVerification {
  head: ChainHead;
  /** The checkpoint the verification started from (seq 0: the genesis, a full verification). */
  from: ChainHead;
  /** Events re-hashed by this verification. */
  checked: number;
}

type ChainRow = Pick<
  AuditEventRow,
  | 'chain'
  | 'seq'
  | 'event_key'
  | 'statement_id'
  | 'actor_user_id'
  | 'actor_org_id'
  | 'action'
  | 'data'
  | 'at'
  | 'prev_hash'
  | 'hash'
  | 'mac'
>;
const chainColumns = [
  'chain',
  'seq',
  'event_key',
  'statement_id',
  'actor_user_id',
  'actor_org_id',
  'action',
  'data',
  'at',
  'prev_hash',
  'hash',
  'mac',
] as const;

/** The entry a stored event records; `data` replaced when a viewer's export withholds some of it. */
export function entryOfRow(
  row: Pick<
    AuditEventRow,
    'chain' | 'event_key' | 'statement_id' | 'actor_user_id' | 'actor_org_id' | 'action' | 'data' | 'at'
  >,
  data = row.data as Record<string, unknown>,
): AuditEntry {
  return {
    chain: row.chain,
    eventKey: row.event_key,
    statementId: row.statement_id,
    actorUserId: row.actor_user_id,
    actorOrgId: row.actor_org_id,
    action: row.action,
    data,
    at: new Date(row.at),
  };
}

/** Checks rows in seq order from a trusted (seq, hash); returns the first problem or the new trusted point. */
function checkRows(
  rows: ChainRow[],
  from: ChainHead,
  unsignedUpto: number,
  key: KeyObject,
): { at: ChainHead } | { problem: { seq: number; issue: string } } {
  let prev = from.hash;
  let expectedSeq = from.seq + 1;
  for (const row of rows) {
    const fail = (issue: string) => ({ problem: { seq: row.seq, issue } });
    if (row.seq !== expectedSeq) return fail(`expected event ${expectedSeq} here: an event was removed`);
    if (row.prev_hash !== prev) return fail('the link to the previous event is broken');
    const recomputed = hashOf(prev, row.seq, entryOfRow(row));
    if (recomputed !== row.hash) return fail('the event was altered after it was written');
    if (row.seq > unsignedUpto && !macMatches(eventMac(row.chain, row.seq, row.hash, key), row.mac)) {
      return fail('the event is not signed with the audit key: it was not written by the application');
    }
    prev = row.hash;
    expectedSeq += 1;
  }
  return { at: { seq: expectedSeq - 1, hash: prev } };
}

const FULL_BATCH = 5000;

/**
 * Verifies a chain inside the caller's snapshot: from the latest checkpoint whose signature
 * holds (or from the genesis when `full`, which then also checks every checkpoint), up to the
 * head read in the same snapshot, so a concurrent append is either wholly in or wholly out.
 * `expectEvents`: the chain's owner exists, so an empty chain means it was deleted.
 */
export async function verifyInSnapshot(
  trx: Tx,
  chain: string,
  options: { full?: boolean; expectEvents?: boolean } = {},
): Promise<VerifiedChain> {
  const key = auditKey();
  // The head, the latest checkpoint and the hash of the row it pins, in one round trip: a
  // request's cost is mostly round trips once the tail since the checkpoint is short.
  const {
    rows: [start],
  } = await sql<{
    seq: number | null;
    hash: string | null;
    unsigned_upto: number | null;
    cp_seq: number | null;
    cp_hash: string | null;
    cp_mac: string | null;
    pinned_hash: string | null;
  }>`
    select h.seq, h.hash, h.unsigned_upto, c.seq as cp_seq, c.hash as cp_hash, c.mac as cp_mac, e.hash as pinned_hash
    from (select 1) as one
    left join audit_chain_heads h on h.chain = ${chain}
    left join lateral (select seq, hash, mac from audit_checkpoints where chain = ${chain} order by seq desc limit 1) c on true
    left join audit_events e on e.chain = ${chain} and e.seq = c.seq`.execute(trx);
  const head: ChainHead = start?.seq != null ? { seq: start.seq, hash: start.hash! } : { seq: 0, hash: GENESIS_HASH };
  const unsignedUpto = start?.unsigned_upto ?? 0;
  const genesis: ChainHead = { seq: 0, hash: GENESIS_HASH };
  const result = (from: ChainHead, checked: number, problem: { seq: number; issue: string } | null): VerifiedChain => ({
    valid: problem === null,
    events: head.seq,
    problem,
    head,
    from,
    checked,
  });

  const checkpoints = options.full
    ? await trx
        .selectFrom('audit_checkpoints')
        .select(['seq', 'hash', 'mac'])
        .where('chain', '=', chain)
        .orderBy('seq', 'desc')
        .execute()
    : start?.cp_seq != null
      ? [{ seq: start.cp_seq, hash: start.cp_hash!, mac: start.cp_mac! }]
      : [];
  for (const cp of checkpoints) {
    if (!macMatches(checkpointMac(chain, cp.seq, cp.hash, key), cp.mac))
      return result(genesis, 0, { seq: cp.seq, issue: 'a checkpoint is not signed with the audit key: it was forged' });
    if (cp.seq > head.seq)
      return result(genesis, 0, {
        seq: cp.seq,
        issue: 'events below a verified checkpoint were removed (the chain was cut back or deleted)',
      });
  }
  if (options.expectEvents && head.seq === 0) {
    return result(genesis, 0, {
      seq: 0,
      issue: 'the chain has no events although its statement exists: it was deleted',
    });
  }

  let from = genesis;
  const latest = options.full ? undefined : checkpoints[0];
  if (latest) {
    // The checkpoint's own row must still be the one that was verified: a rewrite of the chain
    // below it that also re-linked the rows above would change this hash.
    if (start?.pinned_hash !== latest.hash)
      return result(genesis, 0, {
        seq: latest.seq,
        issue: 'the event at a verified checkpoint was removed or altered',
      });
    from = { seq: latest.seq, hash: latest.hash };
  }

  let at = from;
  let checked = 0;
  const pins = new Map(checkpoints.map((c) => [c.seq, c.hash]));
  for (;;) {
    const rows = await trx
      .selectFrom('audit_events')
      .select(chainColumns)
      .where('chain', '=', chain)
      .where('seq', '>', at.seq)
      .orderBy('seq')
      .limit(FULL_BATCH)
      .execute();
    if (rows.length === 0) break;
    const outcome = checkRows(rows, at, unsignedUpto, key);
    if ('problem' in outcome) return result(from, checked, outcome.problem);
    for (const row of rows) {
      const pinnedHash = pins.get(row.seq);
      if (pinnedHash !== undefined && pinnedHash !== row.hash)
        return result(from, checked, {
          seq: row.seq,
          issue: 'the event differs from the one a signed checkpoint verified',
        });
    }
    checked += rows.length;
    at = outcome.at;
    if (rows.length < FULL_BATCH) break;
  }
  if (at.seq !== head.seq || at.hash !== head.hash) {
    return result(from, checked, {
      seq: head.seq,
      issue:
        at.seq > head.seq
          ? 'events beyond the chain head: the head was moved back'
          : 'the newest events were removed or the chain head was changed',
    });
  }
  return result(from, checked, null);
}

/** One snapshot for everything a reader sees: rows, head and verification agree with each other. */
export function inSnapshot<T>(db: Db, fn: (trx: Tx) => Promise<T>): Promise<T> {
  return db.transaction().setIsolationLevel('repeatable read').setAccessMode('read only').execute(fn);
}

/**
 * Records a checkpoint for a head a verification just found valid. Written after the read-only
 * snapshot; signed, so a forged one is refused by the next verification; idempotent.
 */
export async function recordCheckpoint(db: DbOrTx, chain: string, at: ChainHead): Promise<void> {
  if (at.seq === 0) return;
  await db
    .insertInto('audit_checkpoints')
    .values({ chain, seq: at.seq, hash: at.hash, mac: checkpointMac(chain, at.seq, at.hash) })
    .onConflict((oc) => oc.columns(['chain', 'seq']).doNothing())
    .execute();
}

/** Leaves a checkpoint when a verification re-hashed enough events to make the next one cheaper. */
export async function checkpointIfWorthwhile(db: Db, chain: string, v: VerifiedChain): Promise<void> {
  if (v.valid && v.checked >= CHECKPOINT_EVERY) await recordCheckpoint(db, chain, v.head);
}

/** The whole chain, verified from the genesis in one snapshot, every checkpoint included. */
export async function verifyAuditChain(
  db: Db,
  chain: string,
  options: { expectEvents?: boolean } = {},
): Promise<VerifiedChain> {
  return inSnapshot(db, (trx) => verifyInSnapshot(trx, chain, { full: true, ...options }));
}

export interface AuditPageOptions {
  order: 'asc' | 'desc';
  /** Exclusive: events after it (asc) or before it (desc). */
  cursor?: number | undefined;
  limit: number;
}

export interface AuditPage {
  rows: AuditEventRow[];
  verification: VerifiedChain;
  /** Pass as `cursor` for the next page; null on the last one. */
  nextCursor: number | null;
}

/** Reads one page of a chain and verifies it incrementally, all in one snapshot. */
export async function readAuditPage(
  db: Db,
  chain: string,
  page: AuditPageOptions,
  options: { expectEvents?: boolean } = {},
): Promise<AuditPage> {
  const result = await inSnapshot(db, async (trx) => {
    const verification = await verifyInSnapshot(trx, chain, options);
    const rows = await pageRows(trx, chain, page, verification.head.seq);
    return { verification, ...rows };
  });
  await checkpointIfWorthwhile(db, chain, result.verification);
  return result;
}

async function pageRows(
  trx: Tx,
  chain: string,
  page: AuditPageOptions,
  headSeq: number,
): Promise<{ rows: AuditEventRow[]; nextCursor: number | null }> {
  let q = trx.selectFrom('audit_events').selectAll().where('chain', '=', chain).where('seq', '<=', headSeq);
  if (page.cursor !== undefined) q = q.where('seq', page.order === 'asc' ? '>' : '<', page.cursor);
  const rows = await q
    .orderBy('seq', page.order)
    .limit(page.limit + 1)
    .execute();
  const more = rows.length > page.limit;
  const shown = more ? rows.slice(0, page.limit) : rows;
  return { rows: shown, nextCursor: more ? shown.at(-1)!.seq : null };
}

/** Every row of a chain up to `headSeq`, oldest first, in batches (for exports, inside a snapshot). */
export async function* chainRows(trx: Tx, chain: string, headSeq: number): AsyncGenerator<AuditEventRow[]> {
  let after = 0;
  for (;;) {
    const rows = await trx
      .selectFrom('audit_events')
      .selectAll()
      .where('chain', '=', chain)
      .where('seq', '>', after)
      .where('seq', '<=', headSeq)
      .orderBy('seq')
      .limit(FULL_BATCH)
      .execute();
    if (rows.length === 0) return;
    yield rows;
    after = rows.at(-1)!.seq;
  }
}

/** Every chain the database knows of: by head, by event or by checkpoint (one of them may be all that is left). */
export async function listAuditChains(db: DbOrTx): Promise<string[]> {
  const { rows } = await sql<{ chain: string }>`
    select chain from audit_chain_heads
    union select distinct chain from audit_events
    union select distinct chain from audit_checkpoints
    order by chain`.execute(db);
  return rows.map((r) => r.chain);
}

/** Statements and agreements whose chain must exist (every one records its creation). */
export async function listChainOwners(db: DbOrTx): Promise<{ statements: string[]; agreements: string[] }> {
  const statements = await db.selectFrom('statements').select('id').execute();
  const agreements = await db.selectFrom('agreements').select('statement_id').execute();
  return { statements: statements.map((s) => s.id), agreements: agreements.map((a) => a.statement_id) };
}

export async function recordAuditAlerts(
  db: DbOrTx,
  runId: string,
  alerts: { chain: string; seq: number; issue: string }[],
): Promise<number> {
  if (alerts.length === 0) return 0;
  const inserted = await db
    .insertInto('audit_alerts')
    .values(alerts.map((a) => ({ run_id: runId, chain: a.chain, seq: a.seq, issue: a.issue })))
    .onConflict((oc) => oc.columns(['run_id', 'chain']).doNothing())
    .returning('id')
    .execute();
  return inserted.length;
}

export async function listAuditAlerts(
  db: DbOrTx,
  limit = 100,
): Promise<{ id: string; raised_at: Date; run_id: string; chain: string; seq: number; issue: string }[]> {
  return db.selectFrom('audit_alerts').selectAll().orderBy('id', 'desc').limit(limit).execute();
}

export async function recordSecurityEvent(
  db: DbOrTx,
  event: {
    kind: string;
    userId?: string | null;
    ip?: string | null;
    method?: string;
    path?: string;
    detail?: Record<string, unknown>;
  },
): Promise<void> {
  await db
    .insertInto('security_events')
    .values({
      kind: event.kind,
      user_id: event.userId ?? null,
      ip: event.ip ?? null,
      method: event.method ?? null,
      path: event.path ?? null,
      detail: JSON.stringify(event.detail ?? {}),
    })
    .execute();
}

export async function countSecurityEvents(db: DbOrTx, kind: string): Promise<number> {
  const row = await db
    .selectFrom('security_events')
    .select(sql<string>`count(*)`.as('n'))
    .where('kind', '=', kind)
    .executeTakeFirstOrThrow();
  return Number(row.n);
}

/** The details hash the statement was created with: a retried create must carry the same body. */
export async function findCreatedDetailsHash(db: DbOrTx, statementId: string): Promise<string | undefined> {
  const row = await db
    .selectFrom('audit_events')
    .select(sql<string>`data->>'detailsHash'`.as('hash'))
    .where('chain', '=', statementId)
    .where('action', '=', 'statement_created')
    .executeTakeFirst();
  return row?.hash;
}

export interface AuditVerificationReport {
  chains: number;
  events: number;
  checkpoints: number;
  problems: { chain: string; seq: number; issue: string }[];
}

/**
 * Every chain in full, from the genesis, each in its own snapshot, with every checkpoint, and
 * every statement and agreement must still have its chain: what `npm run audit:verify` and the
 * nightly run report. A chain appended to meanwhile is verified up to the head it read.
 */
export async function verifyAllChains(
  db: Db,
  onChain?: (chain: string, v: VerifiedChain) => void,
): Promise<AuditVerificationReport> {
  const report: AuditVerificationReport = { chains: 0, events: 0, checkpoints: 0, problems: [] };
  const owners = await listChainOwners(db);
  const chains = new Set(await listAuditChains(db));
  const expected = new Set([...owners.statements, ...owners.agreements.map(agreementChain)]);
  for (const chain of new Set([...chains, ...expected])) {
    const v = await verifyAuditChain(db, chain, { expectEvents: expected.has(chain) });
    report.chains += 1;
    report.events += v.head.seq;
    if (v.problem) report.problems.push({ chain, ...v.problem });
    onChain?.(chain, v);
    // A fully verified head is a checkpoint the next request can start from.
    if (v.valid) await recordCheckpoint(db, chain, v.head);
  }
  const { rows } = await sql<{ n: string }>`select count(*) as n from audit_checkpoints`.execute(db);
  report.checkpoints = Number(rows[0]!.n);
  return report;
}

/** Who is told of a broken chain: the operators' organisations' users and every administrator. */
export async function auditAlertRecipients(db: DbOrTx): Promise<{ id: string; email: string }[]> {
  return db
    .selectFrom('users')
    .innerJoin('organisations', 'organisations.id', 'users.organisation_id')
    .select(['users.id', 'users.email'])
    .where((eb) => eb.or([eb('organisations.kind', '=', 'operator'), eb('users.is_admin', '=', true)]))
    .orderBy('users.id')
    .execute();
}
