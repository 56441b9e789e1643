import { latestSnapshot } from '../../db/aggregation.js';
import { findConsultation, listQuestions, namedOrgIds } from '../../db/consultation.js';
import { snapshotDisclosure } from '../../db/disclosure.js';
import type { Aggregate } from '../../domain/aggregation.js';
import { publicDemand } from '../../domain/consultation.js';
import { loadLpSolver } from '../../platform/lp-solver.js';
import type { ServiceContext } from '../context.js';
import { isOpen, visibleConsultation } from './consultation-access.js';

/**
 * The public consultation page (no sign-in): the aggregated demand without any buyer's own
 * figures, buyers named only if they agreed, the request for information, the deadline, and
 * every published answer without who asked (equal treatment, Art. 41).
 */
export async function getPublicConsultation(ctx: ServiceContext, statementId: string) {
  const statement = await visibleConsultation(ctx, statementId);
  const [snapshot, named, consultation, questions] = await Promise.all([
    latestSnapshot(ctx.db, statementId),
    namedOrgIds(ctx.db, statementId),
    findConsultation(ctx.db, statementId),
    listQuestions(ctx.db, statementId),
  ]);
  return {
    statementId,
    title: statement.title,
    description: statement.description,
    cpvCodes: statement.cpv_codes,
    stage: statement.stage,
    open: isOpen(statement),
    deadline: statement.stage === 'market_engagement' ? (statement.stage_deadline?.toISOString() ?? null) : null,
    demand: snapshot
      ? publicDemand(
          snapshot.aggregate as Aggregate,
          await snapshotDisclosure(ctx.db, await loadLpSolver(), snapshot.id),
          named,
        )
      : null,
    requestForInformation: consultation?.questions ?? [],
    answers: questions
      .filter((q) => q.answer !== null)
      .map((q) => ({
        number: q.number,
        question: q.question,
        answer: q.answer!,
        answeredAt: q.answered_at!.toISOString(),
      })),
  };
}
