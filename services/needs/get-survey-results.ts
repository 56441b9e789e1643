import { participantCountsByStatus } from '../../db/needs.js';
import { findSurvey } from '../../db/needs.js';
import { findStatement } from '../../db/statements.js';
import { respondentAnswersPage } from '../../db/survey-results.js';
import type { Principal } from '../../domain/authorization.js';
import type { Question } from '../../domain/survey.js';
import { SurveyTally } from '../../domain/survey-results.js';
import type { RequestMeta, ServiceContext } from '../context.js';
import { iso } from '../iso.js';
import { authorizeStatement } from '../statements/authorize-statement.js';

/** Respondents' answers read per query while tallying: a statement of 10,000 buyers is read in ten. */
const tallyPage = 1000;

/**
 * The answers to the lead's own survey, per question of its latest version: counts per option,
 * yes and no, a numeric summary, the range of dates, how many answered. Every participant's
 * answers are the lead's to read (design: confidentiality), so only the lead is let in.
 */
export async function getSurveyResults(
  ctx: ServiceContext,
  principal: Principal,
  statementId: string,
  meta: RequestMeta,
) {
  await authorizeStatement(ctx, principal, statementId, 'viewSurveyResults', meta);
  const [statement, survey, counts] = await Promise.all([
    findStatement(ctx.db, statementId),
    findSurvey(ctx.db, statementId),
    participantCountsByStatus(ctx.db, statementId),
  ]);
  const tally = await tallySurvey(ctx, statementId, (survey?.questions ?? []) as Question[]);
  return {
    stage: statement!.stage,
    survey: survey ? { version: survey.version, createdAt: iso(survey.created_at)! } : null,
    participants: { total: Object.values(counts).reduce((a, b) => a + b, 0), respondents: tally.count },
    questions: tally.results(),
  };
}

/** Every respondent's answers folded into per-question results, a page at a time. */
export async function tallySurvey(ctx: ServiceContext, statementId: string, questions: Question[]) {
  const tally = new SurveyTally(questions);
  for (let after: string | undefined; ;) {
    const rows = await respondentAnswersPage(ctx.db, statementId, { limit: tallyPage, afterOrganisationId: after });
    for (const r of rows) tally.add(r.answers);
    if (rows.length < tallyPage) return tally;
    after = rows.at(-1)!.organisation_id;
  }
}
