import { Context } from '@temporalio/activity';
import type { Db } from '../db/database.js';
import { claimMessages, markFailed, markSent } from '../db/outbox.js';
import type { OutboxRow } from '../db/schema.js';
import type { Mailer } from '../mail/mailer.js';

export interface MailActivityDeps {
  db: Db;
  mailer: Mailer;
  /** How long a claimed message stays reserved for this sender before another may take it. */
  leaseSeconds?: number;
  batchSize?: number;
  maxAttempts?: number;
}

function heartbeat(details: unknown): void {
  // Also callable outside an activity (benchmarks, tools), where there is nobody to tell.
  try {
    Context.current().heartbeat(details);
  } catch {
    /* not in an activity */
  }
}

/**
 * Sends what the outbox holds. A message is claimed, sent, then marked sent; if the sender dies
 * in between, the lease expires and the message is sent again with the same Message-ID — the
 * only window in which SMTP, which has no transactions, can see a message twice.
 */
export function createMailActivities(deps: MailActivityDeps) {
  const leaseSeconds = deps.leaseSeconds ?? 120;
  const batchSize = deps.batchSize ?? 100;
  const maxAttempts = deps.maxAttempts ?? 10;

  async function sendOne(row: OutboxRow): Promise<boolean> {
    try {
      await deps.mailer.send({
        to: row.to_address,
        subject: row.subject,
        text: row.text_body,
        messageId: row.smtp_message_id,
        headers: row.headers,
      });
      await markSent(deps.db, row.id);
      heartbeat({ messageId: row.id });
      return true;
    } catch (error) {
      await markFailed(deps.db, row.id, (error as Error).message, maxAttempts);
      return false;
    }
  }

  async function deliver(scope: { statementId?: string; messageIds?: readonly string[]; keyPrefix?: string }) {
    let sent = 0;
    let failed = 0;
    for (;;) {
      const batch = await claimMessages(deps.db, scope, batchSize, leaseSeconds);
      if (batch.length === 0) break;
      const results = await Promise.all(batch.map(sendOne));
      sent += results.filter(Boolean).length;
      failed += results.filter((ok) => !ok).length;
      heartbeat({ sent, failed });
      // A failing relay: stop hammering it and let the activity's retry policy back off.
      if (results.every((ok) => !ok)) break;
    }
    if (failed > 0) throw new Error(`${failed} message(s) could not be sent yet; they stay in the outbox for the next attempt`);
    return { sent };
  }

  return {
    async deliverStatementMail(input: { statementId: string }): Promise<{ sent: number }> {
      return deliver({ statementId: input.statementId });
    },
    async deliverOutboxMessages(input: { messageIds: string[] }): Promise<{ sent: number }> {
      return deliver({ messageIds: input.messageIds });
    },
    async deliverMailByKeyPrefix(input: { keyPrefix: string }): Promise<{ sent: number }> {
      return deliver({ keyPrefix: input.keyPrefix });
    },
  };
}

export type MailActivities = ReturnType<typeof createMailActivities>;
