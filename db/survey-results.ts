import { sql } from 'kysely';

import type { DbOrTx } from './database.js';
import { afterParticipant, type ParticipantCursor } from './needs.js';

/**
 * The respondents of a needs survey, for the lead's results: participants still taking part that
 * submitted (or confirmed) a version, with the latest such version. All of the results' SQL is here.
 */

const counted = ['submitted', 'confirmed'];

/**
 * Participants still taking part with a counted version, joined to the latest of them: a buyer
 * that confirmed and then submitted again (a reopened needs assessment) is one respondent, with
 * its newest answers.
 */
function respondents(db: DbOrTx, statementId: string) {
  return db
    .selectFrom('participants')
    .innerJoin('organisations', 'organisations.id', 'participants.organisation_id')
    .innerJoin('need_versions', (j) =>
      j
        .onRef('need_versions.statement_id', '=', 'participants.statement_id')
        .onRef('need_versions.organisation_id', '=', 'participants.organisation_id'),
    )
    .where('participants.statement_id', '=', statementId)
    .where('participants.status', 'in', counted)
    .where('need_versions.status', 'in', counted as ('submitted' | 'confirmed')[])
    .where(({ not, exists, selectFrom }) =>
      not(
        exists(
          selectFrom('need_versions as newer')
            .select(sql`1`.as('one'))
            .whereRef('newer.statement_id', '=', 'need_versions.statement_id')
            .whereRef('newer.organisation_id', '=', 'need_versions.organisation_id')
            .whereRef('newer.version', '>', 'need_versions.version')
            .where('newer.status', 'in', counted as ('submitted' | 'confirmed')[]),
        ),
      ),
    );
}

/**
 * One page of respondents with their counted version, in the order of organisation names;
 * `limit + 1` rows are read so the caller knows whether another follows. `withLines` adds the
 * version's need lines (the exports); without it only their number is read.
 */
export async function surveyRespondentsPage(
  db: DbOrTx,
  statementId: string,
  page: { limit: number; after?: ParticipantCursor | undefined; withLines?: boolean },
) {
  let q = respondents(db, statementId).select([
    'participants.organisation_id',
    'participants.status',
    'organisations.name',
    'organisations.country',
    'need_versions.id as version_id',
    'need_versions.version',
    'need_versions.survey_version',
    'need_versions.answers',
    'need_versions.submitted_at',
    'need_versions.confirmed_at',
    sql<number>`jsonb_array_length(need_versions.lines)`.as('line_count'),
    page.withLines ? 'need_versions.lines' : sql<unknown[] | null>`null`.as('lines'),
  ]);
  if (page.after) q = q.where(afterParticipant(page.after));
  return q
    .orderBy('organisations.name')
    .orderBy('participants.organisation_id')
    .limit(page.limit + 1)
    .execute();
}

/** Only the answers of one page of respondents, in the order of organisation ids (for the per-question tally). */
export async function respondentAnswersPage(
  db: DbOrTx,
  statementId: string,
  page: { limit: number; afterOrganisationId?: string | undefined },
) {
  let q = respondents(db, statementId).select(['participants.organisation_id', 'need_versions.answers']);
  if (page.afterOrganisationId) q = q.where('participants.organisation_id', '>', page.afterOrganisationId);
  return q.orderBy('participants.organisation_id').limit(page.limit).execute();
}
