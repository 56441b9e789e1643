import { surveyRespondentsPage } from '../../db/survey-results.js';
import type { Principal } from '../../domain/authorization.js';
import type { RequestMeta, ServiceContext } from '../context.js';
import { iso } from '../iso.js';
import { authorizeStatement } from '../statements/authorize-statement.js';
import { encodeParticipantCursor } from './needs-contracts.js';
import type { SurveyRespondentsQuery } from './survey-results-contracts.js';

/**
 * One page of the participants who answered the lead's survey, in the order of their names: the
 * version that counts, its answers and how many need lines it has (the lines themselves are read
 * per participant, at /needs/{organisationId}). The lead's only.
 */
export async function listSurveyRespondents(
  ctx: ServiceContext,
  principal: Principal,
  statementId: string,
  query: SurveyRespondentsQuery,
  meta: RequestMeta,
) {
  await authorizeStatement(ctx, principal, statementId, 'viewSurveyResults', meta);
  const found = await surveyRespondentsPage(ctx.db, statementId, { limit: query.limit, after: query.cursor });
  const rows = found.slice(0, query.limit);
  const last = rows.at(-1);
  return {
    nextCursor:
      found.length > query.limit && last
        ? encodeParticipantCursor({ name: last.name, organisationId: last.organisation_id })
        : null,
    respondents: rows.map((r) => ({
      organisationId: r.organisation_id,
      name: r.name,
      country: r.country,
      status: r.status as 'submitted' | 'confirmed',
      versionId: r.version_id,
      version: r.version,
      surveyVersion: r.survey_version,
      submittedAt: iso(r.submitted_at)!,
      confirmedAt: iso(r.confirmed_at),
      lines: Number(r.line_count),
      answers: r.answers as Record<string, string | boolean | string[]>,
    })),
  };
}
