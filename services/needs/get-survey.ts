import { findSurvey } from '../../db/needs.js';
import type { Principal } from '../../domain/authorization.js';
import { DomainError } from '../../domain/errors.js';
import type { Question } from '../../domain/survey.js';
import type { RequestMeta, ServiceContext } from '../context.js';
import { iso } from '../iso.js';
import { authorizeStatement } from '../statements/authorize-statement.js';

export async function getSurvey(
  ctx: ServiceContext,
  principal: Principal,
  statementId: string,
  meta: RequestMeta,
  version?: number,
) {
  await authorizeStatement(ctx, principal, statementId, 'view', meta);
  const survey = await findSurvey(ctx.db, statementId, version);
  if (!survey)
    throw new DomainError(
      'not_found',
      version ? `The survey has no version ${version}` : 'The statement has no survey',
    );
  return { version: survey.version, questions: survey.questions as Question[], createdAt: iso(survey.created_at)! };
}
