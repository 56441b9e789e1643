import { sql } from 'kysely';

import type { StatementDetails } from '../domain/statement.js';
import type { ParticipantStatus, Stage } from '../rules/stages.js';
import type { DbOrTx } from './database.js';
import type { ParticipantRow, StatementRow } from './schema.js';

export async function insertStatement(
  db: DbOrTx,
  s: { id: string; leadOrgId: string; createdBy: string; details: StatementDetails; detailsHash: string; at: Date },
): Promise<void> {
  await db
    .insertInto('statements')
    .values({
      id: s.id,
      lead_org_id: s.leadOrgId,
      created_by: s.createdBy,
      title: s.details.title,
      description: s.details.description,
      cpv_codes: s.details.cpvCodes,
      schedule: JSON.stringify(s.details.schedule),
      critical_mass: JSON.stringify(s.details.criticalMass),
      details_hash: s.detailsHash,
      stage: 'draft',
      stage_entered_at: s.at,
      created_at: s.at,
    })
    .execute();
}

export async function updateStatementDetails(
  db: DbOrTx,
  s: { id: string; details: StatementDetails; detailsHash: string; version: number },
): Promise<void> {
  await db
    .updateTable('statements')
    .set({
      title: s.details.title,
      description: s.details.description,
      cpv_codes: s.details.cpvCodes,
      schedule: JSON.stringify(s.details.schedule),
      critical_mass: JSON.stringify(s.details.criticalMass),
      details_hash: s.detailsHash,
      details_version: s.version,
      updated_at: sql<Date>`now()`,
    })
    .where('id', '=', s.id)
    .execute();
}

export async function setStatementStage(
  db: DbOrTx,
  s: { id: string; stage: Stage; at: Date; deadline: Date | null; cancelReason?: string | null },
): Promise<void> {
  await db
    .updateTable('statements')
    .set({
      stage: s.stage,
      stage_entered_at: s.at,
      stage_deadline: s.deadline,
      ...(s.cancelReason !== undefined ? { cancel_reason: s.cancelReason } : {}),
      updated_at: sql<Date>`now()`,
    })
    .where('id', '=', s.id)
    .execute();
}

export async function setStageDeadline(db: DbOrTx, id: string, deadline: Date): Promise<void> {
  await db
    .updateTable('statements')
    .set({ stage_deadline: deadline, updated_at: sql<Date>`now()` })
    .where('id', '=', id)
    .execute();
}

export async function findStatement(db: DbOrTx, id: string): Promise<StatementRow | undefined> {
  return db.selectFrom('statements').selectAll().where('id', '=', id).executeTakeFirst();
}

/** The facts authorisation needs about one statement, seen from one organisation. */
export async function statementFactsFor(
  db: DbOrTx,
  statementId: string,
  orgId: string,
): Promise<
  | {
      leadOrgId: string;
      stage: Stage;
      participantStatus: ParticipantStatus | null;
      deadline: number | null;
      procurementRoute: 'joint' | 'central_purchasing_body';
    }
  | undefined
> {
  const row = await db
    .selectFrom('statements')
    .leftJoin('participants', (join) =>
      join.onRef('participants.statement_id', '=', 'statements.id').on('participants.organisation_id', '=', orgId),
    )
    .select([
      'statements.lead_org_id',
      'statements.stage',
      'statements.stage_deadline',
      'participants.status',
      sql<'joint' | 'central_purchasing_body'>`coalesce(statements.procurement_route ->> 'kind', 'joint')`.as('route'),
    ])
    .where('statements.id', '=', statementId)
    .executeTakeFirst();
  if (!row) return undefined;
  return {
    leadOrgId: row.lead_org_id,
    stage: row.stage as Stage,
    participantStatus: (row.status as ParticipantStatus | null) ?? null,
    deadline: row.stage_deadline?.getTime() ?? null,
    procurementRoute: row.route,
  };
}

/** Statements an organisation may see: its own, those it was invited to, and every published one. */
export async function listStatementsVisibleTo(
  db: DbOrTx,
  viewer: { orgId: string; seesAll: boolean },
  filter: { stage?: Stage; limit: number; offset: number },
): Promise<StatementRow[]> {
  let q = db.selectFrom('statements').selectAll();
  if (!viewer.seesAll) {
    q = q.where((eb) =>
      eb.or([
        eb('lead_org_id', '=', viewer.orgId),
        eb('stage', '=', 'published'),
        eb.exists(
          eb
            .selectFrom('participants')
            .select('participants.statement_id')
            .whereRef('participants.statement_id', '=', 'statements.id')
            .where('participants.organisation_id', '=', viewer.orgId),
        ),
      ]),
    );
  }
  if (filter.stage) q = q.where('stage', '=', filter.stage);
  return q.orderBy('created_at', 'desc').orderBy('id').limit(filter.limit).offset(filter.offset).execute();
}

/** The organisation's own participation in each of `statementIds` (the list of statements shows it beside each). */
export async function ownParticipations(
  db: DbOrTx,
  orgId: string,
  statementIds: readonly string[],
): Promise<{ statement_id: string; status: string; dropped_from: string | null; status_reason: string | null }[]> {
  if (statementIds.length === 0) return [];
  return db
    .selectFrom('participants')
    .select(['statement_id', 'status', 'dropped_from', 'status_reason'])
    .where('organisation_id', '=', orgId)
    .where('statement_id', 'in', statementIds)
    .execute();
}

export async function insertInvitedParticipants(
  db: DbOrTx,
  p: { statementId: string; orgIds: readonly string[]; invitedBy: string | null; at: Date },
): Promise<void> {
  if (p.orgIds.length === 0) return;
  await db
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
    .execute();
}

export async function setParticipantStatus(
  db: DbOrTx,
  p: {
    statementId: string;
    orgIds: readonly string[];
    status: ParticipantStatus;
    reason: string | null;
    at: Date;
    responded?: boolean;
  },
): Promise<void> {
  if (p.orgIds.length === 0) return;
  await db
    .updateTable('participants')
    .set({
      status: p.status,
      status_reason: p.reason,
      updated_at: p.at,
      ...(p.responded ? { responded_at: p.at } : {}),
    })
    .where('statement_id', '=', p.statementId)
    .where('organisation_id', 'in', p.orgIds)
    .execute();
}

export interface ParticipantWithOrganisation extends ParticipantRow {
  name: string;
  country: string;
  buyer_legal_type: string | null;
}

export async function listParticipants(db: DbOrTx, statementId: string): Promise<ParticipantWithOrganisation[]> {
  return db
    .selectFrom('participants')
    .innerJoin('organisations', 'organisations.id', 'participants.organisation_id')
    .selectAll('participants')
    .select(['organisations.name', 'organisations.country', 'organisations.buyer_legal_type'])
    .where('participants.statement_id', '=', statementId)
    .orderBy('organisations.name')
    .execute();
}

export async function participantOrgIds(
  db: DbOrTx,
  statementId: string,
  statuses: readonly ParticipantStatus[],
): Promise<string[]> {
  if (statuses.length === 0) return [];
  const rows = await db
    .selectFrom('participants')
    .select('organisation_id')
    .where('statement_id', '=', statementId)
    .where('status', 'in', statuses)
    .execute();
  return rows.map((r) => r.organisation_id);
}
