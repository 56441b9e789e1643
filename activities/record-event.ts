import { appendAudit, hasAuditEvent } from '../db/audit.js';
import type { Db, Tx } from '../db/database.js';
import { enqueueMessages, type OutgoingMessage } from '../db/outbox.js';
import type { Actor } from '../domain/events.js';

export interface RecordResult {
  /** True when this event had been recorded before (a retry): nothing was written again. */
  duplicate: boolean;
  mailQueued: number;
}

/** What an event changes besides its audit row: the audit data and the mail it sends. */
export type Applied = { audit: Record<string, unknown>; mail: OutgoingMessage[] };

/**
 * Records a process event exactly once, in one transaction: its effects (`apply`), its audit
 * row on `chain` under the event's key, and its mail in the outbox. A retried activity finds the
 * key and writes nothing again. Shared by the statement, market and agreement activities.
 */
export async function recordEventOnce<E extends { statementId: string; eventKey: string; kind: string; at: string; actor: Actor | null }>(
  db: Db,
  chain: string,
  event: E,
  apply: (trx: Tx, event: E) => Promise<Applied>,
): Promise<RecordResult> {
  return db.transaction().execute(async (trx) => {
    if (await hasAuditEvent(trx, chain, event.eventKey)) return { duplicate: true, mailQueued: 0 };
    const { audit, mail } = await apply(trx, event);
    await appendAudit(trx, {
      chain,
      eventKey: event.eventKey,
      statementId: event.statementId,
      actorUserId: event.actor?.userId ?? null,
      actorOrgId: event.actor?.orgId ?? null,
      action: event.kind,
      data: { ...audit, ...(event.actor?.asAdministrator ? { asAdministrator: true } : {}) },
      at: new Date(event.at),
    });
    return { duplicate: false, mailQueued: await enqueueMessages(trx, mail) };
  });
}
