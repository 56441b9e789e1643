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

/**
 * Saves a participant's draft; returns when it was saved. With `unlessRecorded`, a save whose event
 * is on the audit chain already (a request repeated with its Idempotency-Key) writes nothing and
 * returns undefined: the check is a condition of the write, not a statement of its own.
 */
export async function saveNeedsDraft(
  db: DbOrTx,
  d: { statementId: string; orgId: string; lines: unknown; answers: unknown; userId: string },
  unlessRecorded?: { chain: string; eventKey: string },
): Promise<Date | undefined> {
  const row = await db
    .insertInto('need_drafts')
    .values({
      statement_id: d.statementId,
      organisation_id: d.orgId,
      lines: JSON.stringify(d.lines),
      answers: JSON.stringify(d.answers),
      updated_by: d.userId,
    })
    .onConflict((oc) => {
      const update = oc.columns(['statement_id', 'organisation_id']).doUpdateSet({
        lines: JSON.stringify(d.lines),
        answers: JSON.stringify(d.answers),
        updated_by: d.userId,
        updated_at: sql<Date>`now()`,
      });
      // A repeated save finds the draft its first one wrote: the condition is met on the update.
      return unlessRecorded
        ? update.where(({ not, exists, selectFrom }) =>
            not(
              exists(
                selectFrom('audit_events')
                  .select('seq')
                  .where('chain', '=', unlessRecorded.chain)
                  .where('event_key', '=', unlessRecorded.eventKey),
              ),
            ),
          )
        : update;
    })
    .returning('updated_at')
    .executeTakeFirst();
  return row?.updated_at;
}

export async function findNeedsDraft(db: DbOrTx, statementId: string, orgId: string) {
  return db
    .selectFrom('need_drafts')
    .selectAll()
    .where('statement_id', '=', statementId)
    .where('organisation_id', '=', orgId)
    .executeTakeFirst();
}

/** Lines are inserted 500 to a statement (PostgreSQL's limit of 65,535 parameters, 15 a line). */
const linesPerInsert = 500;

/**
 * Locks a submitted version with its lines. The version and its first 500 lines are one statement
 * (the version's insert a CTE of the lines' insert): a submission is one of the rush's hot paths,
 * and nearly every one has fewer lines than that.
 */
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
  const version = db.insertInto('need_versions').values({
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
  });
  const rows = (from: number) =>
    v.lines.slice(from, from + linesPerInsert).map((l, j) => ({
      version_id: v.id,
      line_no: from + j + 1,
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
    }));
  if (v.lines.length === 0) {
    await version.execute();
    return;
  }
  // A CTE's insert runs whether or not the main statement reads it; the lines' foreign key is
  // checked at the end of the statement, when the version is there.
  await db
    .with('version', () => version.returning('id'))
    .insertInto('need_lines')
    .values(rows(0))
    .execute();
  for (let i = linesPerInsert; i < v.lines.length; i += linesPerInsert)
    await db.insertInto('need_lines').values(rows(i)).execute();
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

/**
 * Confirms an organisation's submitted version and its participant with it, in one statement (a
 * round trip fewer for each of the crowd confirming at a deadline). Answers the version's content
 * hash, or nothing when the version is not a submitted one of this organisation in this statement.
 */
export async function confirmNeedVersion(
  db: DbOrTx,
  c: { statementId: string; orgId: string; versionId: string; userId: string | null; at: Date },
): Promise<string | undefined> {
  const row = await db
    .with('confirmed', (q) =>
      q
        .updateTable('need_versions')
        .set({ status: 'confirmed', confirmed_by: c.userId, confirmed_at: c.at })
        .where('id', '=', c.versionId)
        .where('statement_id', '=', c.statementId)
        .where('organisation_id', '=', c.orgId)
        .where('status', '=', 'submitted')
        .returning('content_hash'),
    )
    .with('participant', (q) =>
      q
        .updateTable('participants')
        .set({ status: 'confirmed', status_reason: null, updated_at: c.at })
        .where('statement_id', '=', c.statementId)
        .where('organisation_id', '=', c.orgId)
        .where((eb) => eb.exists(eb.selectFrom('confirmed').select('content_hash'))),
    )
    .selectFrom('confirmed')
    .select('content_hash')
    .executeTakeFirst();
  return row?.content_hash;
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
 * are read so the caller knows whether another page follows. With it, how many participants the
 * statement has in each status, whatever the page: one statement for both, as the overview is
 * read every few seconds by the lead and Commission staff while thousands of buyers act.
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
  const counted = db
    .selectFrom((eb) =>
      eb
        .selectFrom('participants')
        .select(['status', sql<number>`count(*)::int`.as('n')])
        .where('statement_id', '=', statementId)
        .groupBy('status')
        .as('c'),
    )
    .select(sql<Record<string, number>>`coalesce(json_object_agg(c.status, c.n), '{}'::json)`.as('counts'));
  // The counts are one row; the page joins it (none: a page of no rows still has the counts).
  const rows = await db
    .selectFrom(counted.as('counted'))
    .leftJoin(
      q
        .orderBy('organisations.name')
        .orderBy('participants.organisation_id')
        .limit(page.limit + 1)
        .as('page'),
      (j) => j.onTrue(),
    )
    .selectAll('page')
    .select('counted.counts')
    .orderBy('page.name')
    .orderBy('page.organisation_id')
    .execute();
  return {
    counts: rows[0]?.counts ?? {},
    participants: rows.flatMap(({ counts: _, organisation_id, name, status, ...r }) =>
      organisation_id === null || name === null || status === null ? [] : [{ ...r, organisation_id, name, status }],
    ),
  };
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
