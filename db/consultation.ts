import { sql } from 'kysely';

import type { RfiQuestion } from '../domain/consultation.js';
import type { DbOrTx } from './database.js';

export async function findConsultation(
  db: DbOrTx,
  statementId: string,
): Promise<{ questions: RfiQuestion[]; version: number } | undefined> {
  const row = await db
    .selectFrom('consultations')
    .select(['questions', 'questions_version'])
    .where('statement_id', '=', statementId)
    .executeTakeFirst();
  return row && { questions: row.questions as RfiQuestion[], version: row.questions_version };
}

/** The consultation's row, made when it opens (no questions yet); nothing when it is there already. */
export async function openConsultation(db: DbOrTx, statementId: string): Promise<void> {
  await db
    .insertInto('consultations')
    .values({ statement_id: statementId, questions: '[]', questions_version: 0, updated_by: null })
    .onConflict((oc) => oc.column('statement_id').doNothing())
    .execute();
}

export async function saveRfiQuestions(
  db: DbOrTx,
  statementId: string,
  questions: RfiQuestion[],
  userId: string,
): Promise<number> {
  const row = await db
    .insertInto('consultations')
    .values({
      statement_id: statementId,
      questions: JSON.stringify(questions),
      questions_version: 1,
      updated_by: userId,
    })
    .onConflict((oc) =>
      oc.column('statement_id').doUpdateSet({
        questions: JSON.stringify(questions),
        questions_version: sql<number>`consultations.questions_version + 1`,
        updated_by: userId,
        updated_at: sql<Date>`now()`,
      }),
    )
    .returning('questions_version')
    .executeTakeFirstOrThrow();
  return row.questions_version;
}

export async function setNameConsent(
  db: DbOrTx,
  c: { statementId: string; orgId: string; agreed: boolean; userId: string },
): Promise<void> {
  await db
    .insertInto('consultation_name_consents')
    .values({ statement_id: c.statementId, organisation_id: c.orgId, agreed: c.agreed, decided_by: c.userId })
    .onConflict((oc) =>
      oc
        .columns(['statement_id', 'organisation_id'])
        .doUpdateSet({ agreed: c.agreed, decided_by: c.userId, decided_at: sql<Date>`now()` }),
    )
    .execute();
}

export async function findNameConsent(db: DbOrTx, statementId: string, orgId: string): Promise<boolean | null> {
  const row = await db
    .selectFrom('consultation_name_consents')
    .select('agreed')
    .where('statement_id', '=', statementId)
    .where('organisation_id', '=', orgId)
    .executeTakeFirst();
  return row?.agreed ?? null;
}

export async function namedOrgIds(db: DbOrTx, statementId: string): Promise<Set<string>> {
  const rows = await db
    .selectFrom('consultation_name_consents')
    .select('organisation_id')
    .where('statement_id', '=', statementId)
    .where('agreed', '=', true)
    .execute();
  return new Set(rows.map((r) => r.organisation_id));
}

/**
 * Saves a supplier's response while the consultation is open: the stage and deadline are
 * checked in the same statement, so nothing is written once the deadline has passed.
 * Returns the revision, or undefined if the consultation is not open.
 */
export async function upsertResponseWhileOpen(
  db: DbOrTx,
  r: { statementId: string; supplierOrgId: string; userId: string; answers: Record<string, string> },
): Promise<number | undefined> {
  const result = await sql<{ revision: number }>`
    insert into consultation_responses (statement_id, supplier_org_id, answers, updated_by)
    select ${r.statementId}, ${r.supplierOrgId}, ${JSON.stringify(r.answers)}::jsonb, ${r.userId}
    where exists (select 1 from statements s where s.id = ${r.statementId} and s.stage = 'market_engagement' and s.stage_deadline > now())
    on conflict (statement_id, supplier_org_id) do update
      set answers = excluded.answers, updated_by = excluded.updated_by, updated_at = now(), revision = consultation_responses.revision + 1
    returning revision`.execute(db);
  return result.rows[0]?.revision;
}

export async function findResponse(db: DbOrTx, statementId: string, supplierOrgId: string) {
  return db
    .selectFrom('consultation_responses')
    .selectAll()
    .where('statement_id', '=', statementId)
    .where('supplier_org_id', '=', supplierOrgId)
    .executeTakeFirst();
}

export async function listResponses(db: DbOrTx, statementId: string) {
  return db
    .selectFrom('consultation_responses as r')
    .innerJoin('organisations as o', 'o.id', 'r.supplier_org_id')
    .select([
      'r.supplier_org_id',
      'o.name',
      'o.country',
      'o.sme',
      'r.answers',
      'r.revision',
      'r.created_at',
      'r.updated_at',
    ])
    .where('r.statement_id', '=', statementId)
    .orderBy('r.created_at')
    .execute();
}

/** Adds a question while the consultation is open; numbers are consecutive per statement. */
export async function insertQuestionWhileOpen(
  db: DbOrTx,
  q: { statementId: string; supplierOrgId: string; userId: string; question: string },
): Promise<{ id: string; number: number } | undefined> {
  // Serialise numbering per statement with an advisory lock held to the end of the transaction.
  await sql`select pg_advisory_xact_lock(hashtext(${`consultation-questions:${q.statementId}`}))`.execute(db);
  const result = await sql<{ id: string; number: number }>`
    insert into consultation_questions (statement_id, number, supplier_org_id, asked_by, question)
    select ${q.statementId}, coalesce((select max(number) from consultation_questions where statement_id = ${q.statementId}), 0) + 1,
           ${q.supplierOrgId}, ${q.userId}, ${q.question}
    where exists (select 1 from statements s where s.id = ${q.statementId} and s.stage = 'market_engagement' and s.stage_deadline > now())
    returning id, number`.execute(db);
  return result.rows[0];
}

export async function listQuestions(db: DbOrTx, statementId: string) {
  return db
    .selectFrom('consultation_questions as q')
    .innerJoin('organisations as o', 'o.id', 'q.supplier_org_id')
    .select([
      'q.id',
      'q.number',
      'q.question',
      'q.asked_at',
      'q.answer',
      'q.answered_at',
      'q.supplier_org_id',
      'o.name as supplier_name',
    ])
    .where('q.statement_id', '=', statementId)
    .orderBy('q.number')
    .execute();
}

/** The questions one supplier organisation asked about a statement, in order, with the lead's answers. */
export async function listQuestionsOf(db: DbOrTx, statementId: string, supplierOrgId: string) {
  return db
    .selectFrom('consultation_questions')
    .select(['number', 'question', 'asked_at', 'answer', 'answered_at'])
    .where('statement_id', '=', statementId)
    .where('supplier_org_id', '=', supplierOrgId)
    .orderBy('number')
    .execute();
}

/** Records the lead's answer once; returns the question, or undefined if missing or answered already. */
export async function answerQuestion(
  db: DbOrTx,
  a: { statementId: string; number: number; answer: string; userId: string },
) {
  return db
    .updateTable('consultation_questions')
    .set({ answer: a.answer, answered_by: a.userId, answered_at: sql<Date>`now()` })
    .where('statement_id', '=', a.statementId)
    .where('number', '=', a.number)
    .where('answer', 'is', null)
    .returning(['id', 'number', 'question', 'answer', 'supplier_org_id'])
    .executeTakeFirst();
}

export async function findQuestion(db: DbOrTx, statementId: string, number: number) {
  return db
    .selectFrom('consultation_questions')
    .selectAll()
    .where('statement_id', '=', statementId)
    .where('number', '=', number)
    .executeTakeFirst();
}

export async function listSupplierContacts(db: DbOrTx, statementId: string, page: { limit: number; offset: number }) {
  return db
    .selectFrom('supplier_contacts as c')
    .leftJoin('organisations as o', 'o.id', 'c.supplier_org_id')
    .select(['c.id', 'c.kind', 'c.supplier_org_id', 'o.name as supplier_name', 'c.user_id', 'c.detail', 'c.at'])
    .where('c.statement_id', '=', statementId)
    .orderBy('c.id')
    .limit(page.limit)
    .offset(page.offset)
    .execute();
}

export async function responseFacts(db: DbOrTx, statementId: string) {
  return db
    .selectFrom('consultation_responses as r')
    .innerJoin('organisations as o', 'o.id', 'r.supplier_org_id')
    .select(['r.supplier_org_id', 'o.country', 'o.sme', 'r.answers'])
    .where('r.statement_id', '=', statementId)
    .orderBy('r.supplier_org_id')
    .execute();
}

export async function questionCounts(db: DbOrTx, statementId: string): Promise<{ asked: number; answered: number }> {
  const row = await db
    .selectFrom('consultation_questions')
    .select([sql<string>`count(*)`.as('asked'), sql<string>`count(answer)`.as('answered')])
    .where('statement_id', '=', statementId)
    .executeTakeFirstOrThrow();
  return { asked: Number(row.asked), answered: Number(row.answered) };
}

export async function insertMarketSummary(
  db: DbOrTx,
  s: { id: string; statementId: string; summary: unknown; hash: string; at: Date },
): Promise<void> {
  await db
    .insertInto('market_summaries')
    .values({
      id: s.id,
      statement_id: s.statementId,
      summary: JSON.stringify(s.summary),
      summary_hash: s.hash,
      computed_at: s.at,
    })
    .onConflict((oc) => oc.column('id').doNothing())
    .execute();
}

export async function findMarketSummary(db: DbOrTx, id: string) {
  return db.selectFrom('market_summaries').selectAll().where('id', '=', id).executeTakeFirst();
}

export async function latestMarketSummary(db: DbOrTx, statementId: string) {
  return db
    .selectFrom('market_summaries')
    .selectAll()
    .where('statement_id', '=', statementId)
    .orderBy('computed_at', 'desc')
    .limit(1)
    .executeTakeFirst();
}

/** Supplier organisations that answered or asked in this consultation. */
export async function engagedSupplierOrgIds(db: DbOrTx, statementId: string): Promise<string[]> {
  const rows = await sql<{ id: string }>`
    select supplier_org_id as id from consultation_responses where statement_id = ${statementId}
    union select supplier_org_id from consultation_questions where statement_id = ${statementId}`.execute(db);
  return rows.rows.map((r) => r.id);
}
