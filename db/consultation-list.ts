import { sql } from 'kysely';

import type { DbOrTx } from './database.js';

/**
 * Consultations open now with the aggregate of their latest snapshot (null before the first),
 * the soonest to close first: what a supplier's start page matches its subscription against.
 */
export async function openConsultationsWithAggregate(db: DbOrTx, limit: number) {
  return db
    .selectFrom('statements as s')
    .leftJoinLateral(
      (eb) =>
        eb
          .selectFrom('aggregate_snapshots as a')
          .select('a.aggregate')
          .whereRef('a.statement_id', '=', 's.id')
          .orderBy('a.computed_at', 'desc')
          .limit(1)
          .as('latest'),
      (join) => join.onTrue(),
    )
    .select(['s.id', 's.title', 's.cpv_codes', 's.stage_deadline', 'latest.aggregate'])
    .where('s.stage', '=', 'market_engagement')
    .where('s.stage_deadline', '>', sql<Date>`now()`)
    .orderBy('s.stage_deadline')
    .orderBy('s.id')
    .limit(limit)
    .execute();
}

/**
 * The consultations a supplier organisation has taken part in: answered the request for
 * information or asked the buyers a question. The most recent activity first.
 */
export async function supplierEngagements(db: DbOrTx, supplierOrgId: string, limit: number) {
  const rows = await sql<{
    id: string;
    title: string;
    stage: string;
    stage_deadline: Date | null;
    responded_at: Date | null;
    asked: string;
    answered: string;
    last_activity: Date;
  }>`
    with mine as (
      select statement_id from consultation_responses where supplier_org_id = ${supplierOrgId}
      union
      select statement_id from consultation_questions where supplier_org_id = ${supplierOrgId}
    )
    select s.id, s.title, s.stage, s.stage_deadline, r.updated_at as responded_at,
           coalesce(q.asked, 0) as asked, coalesce(q.answered, 0) as answered,
           greatest(r.updated_at, q.last_asked) as last_activity
    from mine
    join statements s on s.id = mine.statement_id
    left join consultation_responses r on r.statement_id = s.id and r.supplier_org_id = ${supplierOrgId}
    left join lateral (
      select count(*) as asked, count(answer) as answered, max(asked_at) as last_asked
      from consultation_questions where statement_id = s.id and supplier_org_id = ${supplierOrgId}
    ) q on true
    order by last_activity desc nulls last, s.id
    limit ${limit}`.execute(db);
  return rows.rows.map((r) => ({ ...r, asked: Number(r.asked), answered: Number(r.answered) }));
}
