import type { Db, Tx } from '../../db/database.js';
import { resolveEventTexts } from '../../db/free-texts.js';
import { projectStatementEvent, type StatementProjectionDeps } from '../../db/projections/statement-events.js';
import {
  type Applied,
  type DashboardRefresh,
  recordEventIn,
  recordEventOnce,
  type RecordOutcome,
} from '../../db/record-event.js';
import type { StatementEvent, WithTextRefs } from '../../domain/events.js';
import { composeStatementNotices } from './statement-notices.js';

async function applyStatementEvent(trx: Tx, deps: StatementProjectionDeps, event: StatementEvent): Promise<Applied> {
  const audit = await projectStatementEvent(trx, deps, event);
  return { audit, mail: audit === null ? [] : await composeStatementNotices(trx, deps, event, audit) };
}

/**
 * Records one statement event exactly once: its projection, its notices in the outbox and its
 * audit row, in one transaction — the workflow's activities and the API's buyer actions alike.
 */
export async function recordStatementEvent(
  db: Db,
  deps: StatementProjectionDeps,
  event: WithTextRefs<StatementEvent>,
): Promise<RecordOutcome> {
  const resolved = await resolveEventTexts<StatementEvent>(db, event);
  return recordEventOnce(db, resolved.statementId, resolved, (trx, e) => applyStatementEvent(trx, deps, e));
}

/** The same inside the caller's transaction, which holds the locks that order it (db/participation.ts). */
export async function recordStatementEventIn(
  trx: Tx,
  deps: StatementProjectionDeps,
  event: WithTextRefs<StatementEvent>,
  dashboard: DashboardRefresh = 'in-transaction',
  earlier: 'look' | 'checked' = 'look',
  commit: 'by-caller' | 'with-audit' = 'by-caller',
): Promise<RecordOutcome> {
  const resolved = await resolveEventTexts<StatementEvent>(trx, event);
  return recordEventIn(
    trx,
    resolved.statementId,
    resolved,
    (t, e) => applyStatementEvent(t, deps, e),
    dashboard,
    earlier,
    commit,
  );
}
