import { createHash } from 'node:crypto';
import { sql } from 'kysely';
import type { Db, DbOrTx } from './database.js';
import type { OutboxRow } from './schema.js';

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
          headers: JSON.stringify(m.headers ?? {}),
          redact_after_send: m.redactAfterSend ?? false,
          smtp_message_id: messageIdFor(m.key),
        })),
      )
      .onConflict((oc) => oc.column('key').doNothing())
      .executeTakeFirst();
    added += Number(result.numInsertedOrUpdatedRows ?? 0);
  }
  return added;
}

/**
 * Claims up to `limit` sendable messages: pending ones, and ones whose sender's lease ran out
 * (the sender died). SKIP LOCKED lets several senders share the queue without double claims.
 */
export async function claimMessages(
  db: Db,
  scope: { statementId?: string; messageIds?: readonly string[]; keyPrefix?: string },
  limit: number,
  leaseSeconds: number,
): Promise<OutboxRow[]> {
  return db.transaction().execute(async (trx) => {
    let q = trx
      .selectFrom('outbox')
      .select('id')
      .where((eb) =>
        eb.or([
          eb('status', '=', 'pending'),
          eb.and([eb('status', '=', 'sending'), eb('lease_until', '<', sql<Date>`now()`)]),
        ]),
      );
    if (scope.statementId) q = q.where('statement_id', '=', scope.statementId);
    if (scope.messageIds) q = q.where('id', 'in', scope.messageIds.length ? scope.messageIds : ['00000000-0000-0000-0000-000000000000']);
    if (scope.keyPrefix) q = q.where('key', 'like', `${scope.keyPrefix.replace(/[%_\\]/g, (c) => `\\${c}`)}%`);
    const ids = await q.orderBy('created_at').orderBy('id').limit(limit).forUpdate().skipLocked().execute();
    if (ids.length === 0) return [];
    return trx
      .updateTable('outbox')
      .set({
        status: 'sending',
        attempts: sql<number>`attempts + 1`,
        lease_until: sql<Date>`now() + make_interval(secs => ${leaseSeconds})`,
      })
      .where(
        'id',
        'in',
        ids.map((r) => r.id),
      )
      .returningAll()
      .execute();
  });
}

export async function markSent(db: DbOrTx, id: string): Promise<void> {
  await db
    .updateTable('outbox')
    .set({
      status: 'sent',
      sent_at: sql<Date>`now()`,
      lease_until: null,
      last_error: null,
      text_body: sql<string>`case when redact_after_send then '[redacted after sending]' else text_body end`,
    })
    .where('id', '=', id)
    .execute();
}

/** A failed attempt goes back to pending; after `maxAttempts` the message is parked as failed for a person to look at. */
export async function markFailed(db: DbOrTx, id: string, error: string, maxAttempts: number): Promise<void> {
  await db
    .updateTable('outbox')
    .set({
      status: sql<'pending' | 'failed'>`case when attempts >= ${maxAttempts} then 'failed' else 'pending' end`,
      last_error: error.slice(0, 2000),
      lease_until: null,
    })
    .where('id', '=', id)
    .execute();
}

export async function findMessagesByKey(db: DbOrTx, keys: readonly string[]): Promise<OutboxRow[]> {
  if (keys.length === 0) return [];
  return db.selectFrom('outbox').selectAll().where('key', 'in', keys).execute();
}

export async function countPending(db: DbOrTx, statementId?: string): Promise<number> {
  let q = db.selectFrom('outbox').select(sql<string>`count(*)`.as('n')).where('status', 'in', ['pending', 'sending']);
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
