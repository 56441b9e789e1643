import { sql } from 'kysely';
import type { DbOrTx } from './database.js';

/** Consultations open now, the soonest to close first. */
export async function listOpenConsultationRows(db: DbOrTx, page: { limit: number; offset: number }) {
  return db
    .selectFrom('statements')
    .select(['id', 'title', 'cpv_codes', 'stage_deadline'])
    .where('stage', '=', 'market_engagement')
    .where('stage_deadline', '>', sql<Date>`now()`)
    .orderBy('stage_deadline')
    .orderBy('id')
    .limit(page.limit)
    .offset(page.offset)
    .execute();
}
