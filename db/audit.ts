import { createHash } from 'node:crypto';
import { sql } from 'kysely';
import { canonicalJson } from './canonical-json.js';
import type { Db, DbOrTx, Tx } from './database.js';
import type { AuditEventRow } from './schema.js';

/**
 * The audit log is a hash chain per statement (chain = statement id) plus one `platform` chain.
 * Each row's hash covers its content and the previous row's hash, and the chain head is kept
 * in its own table, so a changed, inserted or removed row — including the newest — is detected.
 */
export const GENESIS_HASH = '0'.repeat(64);
export const PLATFORM_CHAIN = 'platform';

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

function hashOf(prevHash: string, seq: number, e: AuditEntry): string {
  const body = canonicalJson({
    chain: e.chain,
    seq,
    eventKey: e.eventKey,
    statementId: e.statementId,
    actorUserId: e.actorUserId,
    actorOrgId: e.actorOrgId,
    action: e.action,
    data: JSON.parse(JSON.stringify(e.data)),
    at: e.at.toISOString(),
  });
  return createHash('sha256').update(prevHash).update('\n').update(body).digest('hex');
}

/** True if an event with this key was recorded already: the caller's work was done before. */
export async function hasAuditEvent(db: DbOrTx, chain: string, eventKey: string): Promise<boolean> {
  const row = await db
    .selectFrom('audit_events')
    .select('id')
    .where('chain', '=', chain)
    .where('event_key', '=', eventKey)
    .executeTakeFirst();
  return row !== undefined;
}

/** Appends one event; must run inside the transaction that makes the change it records. */
export async function appendAudit(trx: Tx, entry: AuditEntry): Promise<{ seq: number; hash: string }> {
  await trx
    .insertInto('audit_chain_heads')
    .values({ chain: entry.chain, seq: 0, hash: GENESIS_HASH })
    .onConflict((oc) => oc.column('chain').doNothing())
    .execute();
  // The row lock serialises appends to one chain without blocking other chains.
  const head = await trx
    .selectFrom('audit_chain_heads')
    .selectAll()
    .where('chain', '=', entry.chain)
    .forUpdate()
    .executeTakeFirstOrThrow();
  const seq = head.seq + 1;
  const hash = hashOf(head.hash, seq, entry);
  await trx
    .insertInto('audit_events')
    .values({
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
    })
    .execute();
  await trx.updateTable('audit_chain_heads').set({ seq, hash }).where('chain', '=', entry.chain).execute();
  return { seq, hash };
}

export interface ChainVerification {
  valid: boolean;
  events: number;
  /** The first problem found, with the sequence number where it is. */
  problem: { seq: number; issue: string } | null;
}

export async function verifyAuditChain(db: Db, chain: string): Promise<ChainVerification> {
  const rows = await db.selectFrom('audit_events').selectAll().where('chain', '=', chain).orderBy('seq').execute();
  const head = await db.selectFrom('audit_chain_heads').selectAll().where('chain', '=', chain).executeTakeFirst();
  let prev = GENESIS_HASH;
  let expectedSeq = 1;
  for (const row of rows) {
    const fail = (issue: string): ChainVerification => ({ valid: false, events: rows.length, problem: { seq: row.seq, issue } });
    if (row.seq !== expectedSeq) return fail(`expected event ${expectedSeq} here: an event was removed`);
    if (row.prev_hash !== prev) return fail('the link to the previous event is broken');
    const recomputed = hashOf(prev, row.seq, {
      chain: row.chain,
      eventKey: row.event_key,
      statementId: row.statement_id,
      actorUserId: row.actor_user_id,
      actorOrgId: row.actor_org_id,
      action: row.action,
      data: row.data,
      at: row.at,
    });
    if (recomputed !== row.hash) return fail('the event was altered after it was written');
    prev = row.hash;
    expectedSeq += 1;
  }
  const headSeq = head?.seq ?? 0;
  const headHash = head?.hash ?? GENESIS_HASH;
  if (headSeq !== rows.length || headHash !== prev) {
    return { valid: false, events: rows.length, problem: { seq: headSeq, issue: 'the newest events were removed or the chain head was changed' } };
  }
  return { valid: true, events: rows.length, problem: null };
}

export async function listAuditEvents(db: DbOrTx, chain: string, limit = 500): Promise<AuditEventRow[]> {
  return db.selectFrom('audit_events').selectAll().where('chain', '=', chain).orderBy('seq').limit(limit).execute();
}

export async function recordSecurityEvent(
  db: DbOrTx,
  event: { kind: string; userId?: string | null; ip?: string | null; method?: string; path?: string; detail?: Record<string, unknown> },
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
