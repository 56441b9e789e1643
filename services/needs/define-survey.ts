import type { Principal } from '../../domain/authorization.js';
import type { Question } from '../../domain/survey.js';
import { contentHash } from '../../platform/canonical-json.js';
import { defineSurveyUpdate } from '../../workflows/statement/messages.js';
import type { RequestMeta, ServiceContext } from '../context.js';
import { actorOf, authorizeStatement } from '../statements/authorize-statement.js';
import { updateStatementProcess } from '../statements/statement-process.js';
import { getSurvey } from './get-survey.js';

/** In draft the survey is rewritten in place; once buyers answer it, each change is a new version. */
export async function defineSurvey(
  ctx: ServiceContext,
  principal: Principal,
  statementId: string,
  questions: Question[],
  meta: RequestMeta,
) {
  const facts = await authorizeStatement(ctx, principal, statementId, 'defineSurvey', meta);
  await updateStatementProcess(
    ctx,
    statementId,
    defineSurveyUpdate,
    { actor: actorOf(principal, facts), questions, surveyHash: contentHash(questions) },
    meta.idempotencyKey,
  );
  return getSurvey(ctx, principal, statementId, meta);
}
