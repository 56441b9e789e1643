import type { Actor } from '../domain/events.js';
import { appendAudit, appendAuditAndCommit, recordedAuditData } from './audit.js';
import type { Db, Tx } from './database.js';
import { enqueueMessages, type OutgoingMessage } from './outbox.js';
import { refreshPilotSummary } from './projections/pilot-summary.js';

/** What an activity answers a workflow: counts only, for histories keep no audit data (it may hold free text). */
export interface RecordResult {
  /** True when this event had been recorded before (a retry): nothing was written again. */
  duplicate: boolean;
  mailQueued: number;
}

export interface RecordOutcome extends RecordResult {
  /** The event's audit data, as recorded the first time (a retry reads it back). */
  recorded: Record<string, unknown>;
}

export const forHistory = ({ duplicate, mailQueued }: RecordResult): RecordResult => ({ duplicate, mailQueued });

/**
 * What an event changes besides its audit row: the audit data and the mail it sends. `audit: null`
 * says the event changed nothing (an invitation of buyers invited already): nothing is recorded.
 */
export type Applied = { audit: Record<string, unknown> | null; mail: OutgoingMessage[] };

/**
 * Events that change nothing the dashboard's row shows (a buyer moving between active statuses, a
 * reminder). Refreshing for them would count every participant again while the chain's head is
 * locked, which made a crowd of buyers wait on each other (the needs benchmark at 10,000 buyers);
 * the next event that matters brings the row up to date, including the chain's sequence.
 */
const unchangedOnDashboard = new Set(['needs_submitted', 'needs_confirmed', 'reminder_sent']);

/**
 * Where the statement's dashboard row is brought up to date: in the event's transaction, or by the
 * caller after it commits (buyers' actions: recounting every participant under the chain's lock in
 * each of them made a crowd of accepting buyers wait on each other).
 */
export type DashboardRefresh = 'in-transaction' | 'after-commit';

export type RecordableEvent = { statementId: string; eventKey: string; kind: string; at: string; actor: Actor | null };

/**
 * Records a process event exactly once inside the caller's transaction: its effects (`apply`),
 * its audit row on `chain` under the event's key, and its mail in the outbox. An event whose key
 * is recorded already writes nothing again and answers with what was recorded.
 */
export async function recordEventIn<E extends RecordableEvent>(
  trx: Tx,
  chain: string,
  event: E,
  apply: (trx: Tx, event: E) => Promise<Applied>,
  dashboard: DashboardRefresh = 'in-transaction',
  /** `checked`: the caller looked the key up in this transaction, under its locks, and found none. */
  earlier: 'look' | 'checked' = 'look',
  /**
   * `with-audit`: the audit row is the transaction's last statement and commits it
   * (`appendAuditAndCommit`); nothing can follow it in the transaction, so the dashboard's row is
   * then the caller's to refresh after the commit.
   */
  commit: 'by-caller' | 'with-audit' = 'by-caller',
): Promise<RecordOutcome> {
  if (commit === 'with-audit' && dashboard === 'in-transaction')
    throw new Error('an event committed with its audit row refreshes the dashboard after the commit');
  const recorded = earlier === 'look' ? await recordedAuditData(trx, chain, event.eventKey) : undefined;
  if (recorded) return { duplicate: true, mailQueued: 0, recorded };
  const { audit, mail } = await apply(trx, event);
  if (audit === null) return { duplicate: false, mailQueued: 0, recorded: {} };
  const mailQueued = await enqueueMessages(trx, mail);
  // Last, so that the chain's head (a row lock per statement) is held for as short a time as possible.
  await (commit === 'with-audit' ? appendAuditAndCommit : appendAudit)(trx, {
    chain,
    eventKey: event.eventKey,
    statementId: event.statementId,
    actorUserId: event.actor?.userId ?? null,
    actorOrgId: event.actor?.orgId ?? null,
    action: event.kind,
    data: { ...audit, ...(event.actor?.asAdministrator ? { asAdministrator: true } : {}) },
    at: new Date(event.at),
  });
  if (dashboard === 'in-transaction' && !unchangedOnDashboard.has(event.kind))
    await refreshPilotSummary(trx, event.statementId);
  return { duplicate: false, mailQueued, recorded: audit };
}

/**
 * Records a process event exactly once, in a transaction of its own (see `recordEventIn`). A
 * retried activity finds the key and writes nothing again. Shared by the statement, market and
 * agreement activities.
 */
export async function recordEventOnce<E extends RecordableEvent>(
  db: Db,
  chain: string,
  event: E,
  apply: (trx: Tx, event: E) => Promise<Applied>,
): Promise<RecordOutcome> {
  return db.transaction().execute((trx) => recordEventIn(trx, chain, event, apply));
}
