import { sql } from 'kysely';

import type { ParticipationCounts, ParticipationFacts } from '../domain/participation.js';
import type { ParticipantStatus, Stage } from '../rules/stages.js';
import type { Db, DbOrTx, Tx } from './database.js';

/** The facts a buyer's action is decided on, read under its locks. */
export interface BuyerActionFacts extends ParticipationFacts {
  leadOrgId: string;
  /** The number of the buyer's latest version of its needs, whatever became of it. */
  latestVersion: number | null;
}

/**
 * The row locks that order buyers' actions against the workflow's stage changes (design §
 * Principles). An action reads the statement `for share` (actions of many buyers run side by
 * side) and its own participant row `for update` (one action per buyer at a time); a stage change
 * takes the statement `for update`, so it waits for the actions that started before it and every
 * action that comes after it reads the new stage. No action is lost in between.
 *
 * Two statements, not three (issue 23, the deadline rush: each one is a round trip and CPU in the
 * API that serves the crowd). The two locks are taken by one: the participant's subquery is lateral
 * to the statement's, so the statement's row is locked first, as a stage change takes them; a row
 * that was changed while this waited is read as committed (a locking read follows the row to its
 * latest version). The latest version is read by a second statement, after the locks: in the
 * first, its snapshot would be older than the lock, and miss a version that an action of the same
 * buyer committed while this one waited for its participant row.
 */
export async function lockForBuyerAction(
  trx: Tx,
  statementId: string,
  orgId: string,
): Promise<BuyerActionFacts | undefined> {
  const locked = await sql<{
    stage: string;
    stage_deadline: Date | null;
    lead_org_id: string;
    status: string | null;
  }>`
    select s.stage, s.stage_deadline, s.lead_org_id, p.status
    from (select id, stage, stage_deadline, lead_org_id from statements where id = ${statementId} for share) s
    left join lateral (
      select status from participants
      where statement_id = s.id and organisation_id = ${orgId}
      for update
    ) p on true`.execute(trx);
  const statement = locked.rows[0];
  if (!statement) return undefined;
  const latest = await trx
    .selectFrom('need_versions')
    .select(['id', 'version', 'status'])
    .where('statement_id', '=', statementId)
    .where('organisation_id', '=', orgId)
    .orderBy('version', 'desc')
    .limit(1)
    .executeTakeFirst();
  return {
    stage: statement.stage as Stage,
    deadline: statement.stage_deadline?.getTime() ?? null,
    status: (statement.status as ParticipantStatus | null) ?? null,
    latestSubmittedVersionId: latest?.status === 'submitted' ? latest.id : null,
    leadOrgId: statement.lead_org_id,
    latestVersion: latest?.version ?? null,
  };
}

/** Takes the statement's row for a stage change; returns its stage as committed. */
export async function lockForStageChange(trx: Tx, statementId: string): Promise<Stage | undefined> {
  const row = await trx
    .selectFrom('statements')
    .select('stage')
    .where('id', '=', statementId)
    .forUpdate()
    .executeTakeFirst();
  return row?.stage as Stage | undefined;
}

export async function participationCounts(db: DbOrTx, statementId: string): Promise<ParticipationCounts> {
  const rows = await db
    .selectFrom('participants')
    .select(['status', sql<number>`count(*)::int`.as('n')])
    .where('statement_id', '=', statementId)
    .groupBy('status')
    .execute();
  return Object.fromEntries(rows.map((r) => [r.status, r.n]));
}

/** Invites organisations not invited before; returns those that are new. */
export async function inviteNewParticipants(
  trx: Tx,
  p: { statementId: string; orgIds: readonly string[]; invitedBy: string | null; at: Date },
): Promise<string[]> {
  if (p.orgIds.length === 0) return [];
  const rows = await trx
    .insertInto('participants')
    .values(
      p.orgIds.map((orgId) => ({
        statement_id: p.statementId,
        organisation_id: orgId,
        status: 'invited',
        invited_at: p.at,
        invited_by: p.invitedBy,
      })),
    )
    .onConflict((oc) => oc.columns(['statement_id', 'organisation_id']).doNothing())
    .returning('organisation_id')
    .execute();
  return rows.map((r) => r.organisation_id);
}

/** Everyone with one of `statuses` drops out, remembering that status; returns who, from what. */
export async function dropParticipants(
  trx: Tx,
  p: { statementId: string; statuses: readonly ParticipantStatus[]; reason: string; at: Date },
): Promise<{ orgId: string; from: ParticipantStatus }[]> {
  if (p.statuses.length === 0) return [];
  const rows = await sql<{ organisation_id: string; dropped_from: string }>`
    update participants set status = 'dropped', dropped_from = status, status_reason = ${p.reason}, updated_at = ${p.at}
    where statement_id = ${p.statementId} and status in (${sql.join(p.statuses)})
    returning organisation_id, dropped_from`.execute(trx);
  return rows.rows
    .map((r) => ({ orgId: r.organisation_id, from: r.dropped_from as ParticipantStatus }))
    .sort((a, b) => a.orgId.localeCompare(b.orgId));
}

/** Who dropped out at a deadline takes part again with the status it had; returns who, to what. */
export async function restoreDroppedParticipants(
  trx: Tx,
  p: { statementId: string; at: Date },
): Promise<{ orgId: string; to: ParticipantStatus }[]> {
  const rows = await sql<{ organisation_id: string; status: string }>`
    update participants set status = dropped_from, dropped_from = null, status_reason = null, updated_at = ${p.at}
    where statement_id = ${p.statementId} and status = 'dropped' and dropped_from is not null
    returning organisation_id, status`.execute(trx);
  return rows.rows
    .map((r) => ({ orgId: r.organisation_id, to: r.status as ParticipantStatus }))
    .sort((a, b) => a.orgId.localeCompare(b.orgId));
}

/** Each participant's status and latest submitted version, for the live state. */
export async function participantStates(db: Db, statementId: string) {
  const rows = await sql<{
    organisation_id: string;
    status: string;
    version: number | null;
    version_id: string | null;
    content_hash: string | null;
  }>`
    select p.organisation_id, p.status, v.version, v.id as version_id, v.content_hash
    from participants p
    left join lateral (
      select id, version, content_hash from need_versions
      where statement_id = p.statement_id and organisation_id = p.organisation_id
      order by version desc limit 1
    ) v on true
    where p.statement_id = ${statementId}
    order by p.invited_at, p.organisation_id`.execute(db);
  return rows.rows.map((r) => ({
    orgId: r.organisation_id,
    status: r.status as ParticipantStatus,
    version: r.version,
    versionId: r.version_id,
    contentHash: r.content_hash,
  }));
}
