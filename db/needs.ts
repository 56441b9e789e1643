import { sql } from 'kysely';

import type { NeedLine } from '../domain/need-lines.js';
import type { DbOrTx } from './database.js';

/** Surveys, drafts and submitted versions of participants' needs. All of their SQL is here. */

export async function upsertSurvey(
  db: DbOrTx,
  s: { statementId: string; version: number; questions: unknown[]; surveyHash: string; createdBy: string | null },
): Promise<void> {
  await db
    .insertInto('surveys')
    .values({
      statement_id: s.statementId,
      version: s.version,
      questions: JSON.stringify(s.questions),
      survey_hash: s.surveyHash,
      created_by: s.createdBy,
    })
    .onConflict((oc) =>
      oc.columns(['statement_id', 'version']).doUpdateSet({
        questions: JSON.stringify(s.questions),
        survey_hash: s.surveyHash,
        created_by: s.createdBy,
        created_at: sql<Date>`now()`,
      }),
    )
    .execute();
}

export async function findSurvey(db: DbOrTx, statementId: string, version?: number) {
  let q = db.selectFrom('surveys').selectAll().where('statement_id', '=', statementId);
  q = version === undefined ? q.orderBy('version', 'desc').limit(1) : q.where('version', '=', version);
  return q.executeTakeFirst();
}

export async function saveNeedsDraft(
  db: DbOrTx,
  d: { statementId: string; orgId: string; lines: unknown; answers: unknown; userId: string },
): Promise<Date> {
  const row = await db
    .insertInto('need_drafts')
    .values({
      statement_id: d.statementId,
      organisation_id: d.orgId,
      lines: JSON.stringify(d.lines),
      answers: JSON.stringify(d.answers),
      updated_by: d.userId,
    })
    .onConflict((oc) =>
      oc.columns(['statement_id', 'organisation_id']).doUpdateSet({
        lines: JSON.stringify(d.lines),
        answers: JSON.stringify(d.answers),
        updated_by: d.userId,
        updated_at: sql<Date>`now()`,
      }),
    )
    .returning('updated_at')
    .executeTakeFirstOrThrow();
  return row.updated_at;
}

export async function findNeedsDraft(db: DbOrTx, statementId: string, orgId: string) {
  return db
    .selectFrom('need_drafts')
    .selectAll()
    .where('statement_id', '=', statementId)
    .where('organisation_id', '=', orgId)
    .executeTakeFirst();
}

export async function insertNeedVersion(
  db: DbOrTx,
  v: {
    id: string;
    statementId: string;
    orgId: string;
    version: number;
    surveyVersion: number;
    lines: NeedLine[];
    answers: Record<string, unknown>;
    contentHash: string;
    submittedBy: string;
    at: Date;
  },
): Promise<void> {
  await db
    .insertInto('need_versions')
    .values({
      id: v.id,
      statement_id: v.statementId,
      organisation_id: v.orgId,
      version: v.version,
      survey_version: v.surveyVersion,
      lines: JSON.stringify(v.lines),
      answers: JSON.stringify(v.answers),
      content_hash: v.contentHash,
      status: 'submitted',
      submitted_by: v.submittedBy,
      submitted_at: v.at,
    })
    .execute();
  for (let i = 0; i < v.lines.length; i += 500) {
    await db
      .insertInto('need_lines')
      .values(
        v.lines.slice(i, i + 500).map((l, j) => ({
          version_id: v.id,
          line_no: i + j + 1,
          statement_id: v.statementId,
          organisation_id: v.orgId,
          cpv_code: l.cpvCode,
          quantity: l.quantity,
          unit: l.unit,
          unit_price: l.unitPrice,
          currency: l.currency,
          from_year: l.delivery.fromYear,
          to_year: l.delivery.toYear,
          framework_months: l.frameworkMonths,
          optional_quantity: l.optionalQuantity,
          renewal_count: l.renewals.count,
          renewal_quantity: l.renewals.quantityEach,
        })),
      )
      .execute();
  }
}

export async function setNeedVersionStatus(
  db: DbOrTx,
  v: { id: string; status: 'superseded' | 'confirmed' | 'withdrawn'; userId?: string | null; at: Date },
): Promise<void> {
  await db
    .updateTable('need_versions')
    .set({
      status: v.status,
      ...(v.status === 'confirmed' ? { confirmed_by: v.userId ?? null, confirmed_at: v.at } : {}),
    })
    .where('id', '=', v.id)
    .execute();
}

/** Marks every still-open version of an organisation withdrawn (it left the statement). */
export async function withdrawOpenVersions(db: DbOrTx, statementId: string, orgId: string): Promise<void> {
  await db
    .updateTable('need_versions')
    .set({ status: 'withdrawn' })
    .where('statement_id', '=', statementId)
    .where('organisation_id', '=', orgId)
    .where('status', '=', 'submitted')
    .execute();
}

export async function findNeedVersion(db: DbOrTx, id: string) {
  return db.selectFrom('need_versions').selectAll().where('id', '=', id).executeTakeFirst();
}

/** The versions of one organisation, newest first. */
export async function listNeedVersions(db: DbOrTx, statementId: string, orgId: string) {
  return db
    .selectFrom('need_versions')
    .selectAll()
    .where('statement_id', '=', statementId)
    .where('organisation_id', '=', orgId)
    .orderBy('version', 'desc')
    .execute();
}

/** Per participant: its latest version (if any) and its draft's last save, for the lead's overview. */
/**
 * Where a page of a statement's participants in the order of their names starts (the needs
 * overview, the survey's respondents): after this participant. The organisation id breaks ties
 * between organisations of the same name.
 */
export interface ParticipantCursor {
  name: string;
  organisationId: string;
}

/** The rows after `c` in the order of (organisations.name, participants.organisation_id). */
export const afterParticipant = (c: ParticipantCursor) =>
  sql<boolean>`(organisations.name, participants.organisation_id) > (${c.name}, ${c.organisationId}::uuid)`;

/**
 * One page of who has done what (statuses, dates, the latest version's outline, never content),
 * in the order of organisation names, optionally only participants in `statuses`; `limit + 1` rows
 * are read so the caller knows whether another page follows.
 */
export async function needsOverviewPage(
  db: DbOrTx,
  statementId: string,
  page: { limit: number; after?: ParticipantCursor | undefined; statuses?: readonly string[] | undefined },
) {
  let q = db
    .selectFrom('participants')
    .innerJoin('organisations', 'organisations.id', 'participants.organisation_id')
    .leftJoin('need_drafts', (j) =>
      j
        .onRef('need_drafts.statement_id', '=', 'participants.statement_id')
        .onRef('need_drafts.organisation_id', '=', 'participants.organisation_id'),
    )
    .select((eb) => [
      'participants.organisation_id',
      'participants.status',
      'participants.status_reason',
      'participants.dropped_from',
      'participants.updated_at',
      'organisations.name',
      'organisations.country',
      'need_drafts.updated_at as draft_saved_at',
      eb
        .selectFrom('need_versions')
        .select(
          sql<string>`json_build_object('id', id, 'version', version, 'status', status, 'submittedAt', submitted_at, 'confirmedAt', confirmed_at, 'lines', jsonb_array_length(lines))`.as(
            'v',
          ),
        )
        .whereRef('need_versions.statement_id', '=', 'participants.statement_id')
        .whereRef('need_versions.organisation_id', '=', 'participants.organisation_id')
        .orderBy('version', 'desc')
        .limit(1)
        .as('latest'),
    ])
    .where('participants.statement_id', '=', statementId);
  if (page.statuses) q = q.where('participants.status', 'in', [...page.statuses]);
  if (page.after) q = q.where(afterParticipant(page.after));
  return q
    .orderBy('organisations.name')
    .orderBy('participants.organisation_id')
    .limit(page.limit + 1)
    .execute();
}

/** How many participants the statement has in each status (one grouped count, whatever the page). */
export async function participantCountsByStatus(db: DbOrTx, statementId: string): Promise<Record<string, number>> {
  const rows = await db
    .selectFrom('participants')
    .select(['status', (eb) => eb.fn.countAll<string>().as('n')])
    .where('statement_id', '=', statementId)
    .groupBy('status')
    .execute();
  return Object.fromEntries(rows.map((r) => [r.status, Number(r.n)]));
}

/** The submitted version number of each organisation, for the confirmation mail. */
export async function submittedVersionNumbers(db: DbOrTx, statementId: string): Promise<Map<string, number>> {
  const rows = await db
    .selectFrom('need_versions')
    .select(['organisation_id', 'version'])
    .where('statement_id', '=', statementId)
    .where('status', '=', 'submitted')
    .execute();
  return new Map(rows.map((v) => [v.organisation_id, v.version]));
}
