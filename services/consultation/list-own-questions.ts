import { listQuestionsOf } from '../../db/consultation.js';
import type { Principal } from '../../domain/authorization.js';
import type { RequestMeta, ServiceContext } from '../context.js';
import { requireSupplier, visibleConsultation } from './consultation-access.js';

/** The questions the caller's supplier organisation asked, with the lead's answers; never another supplier's. */
export async function listOwnQuestions(
  ctx: ServiceContext,
  principal: Principal,
  statementId: string,
  meta: RequestMeta,
) {
  await requireSupplier(ctx, principal, statementId, meta);
  await visibleConsultation(ctx, statementId);
  const rows = await listQuestionsOf(ctx.db, statementId, principal.orgId);
  return {
    questions: rows.map((q) => ({
      number: q.number,
      question: q.question,
      askedAt: q.asked_at.toISOString(),
      answer: q.answer,
      answeredAt: q.answered_at?.toISOString() ?? null,
    })),
  };
}
