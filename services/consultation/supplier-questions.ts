import { WorkflowExecutionAlreadyStartedError } from '@temporalio/client';

import { appendAudit } from '../../db/audit.js';
import { answerQuestion, findQuestion, insertQuestionWhileOpen, listQuestions } from '../../db/consultation.js';
import { refreshPilotSummary } from '../../db/projections/pilot-summary.js';
import { logSupplierContact } from '../../db/suppliers.js';
import type { Principal } from '../../domain/authorization.js';
import { DomainError } from '../../domain/errors.js';
import type { SupplierFanoutInput } from '../../domain/market-events.js';
import { operationOpen } from '../../rules/stages.js';
import { supplierFanoutWorkflowId, supplierFanoutWorkflowType } from '../../workflows/statement/market-messages.js';
import type { RequestMeta, ServiceContext } from '../context.js';
import { authorizeStatement } from '../statements/authorize-statement.js';
import { closedError, isOpen, requireSupplier, visibleConsultation } from './consultation-access.js';

/** A supplier asks a question while the consultation is open; the lead's answer will be public, the asker not. */
export async function askQuestion(
  ctx: ServiceContext,
  principal: Principal,
  statementId: string,
  question: string,
  meta: RequestMeta,
) {
  await requireSupplier(ctx, principal, statementId, meta);
  const statement = await visibleConsultation(ctx, statementId);
  if (!isOpen(statement)) throw closedError(statement);
  const asked = await ctx.db.transaction().execute(async (trx) => {
    const q = await insertQuestionWhileOpen(trx, {
      statementId,
      supplierOrgId: principal.orgId,
      userId: principal.userId,
      question,
    });
    if (!q) return undefined;
    await logSupplierContact(trx, {
      statementId,
      supplierOrgId: principal.orgId,
      userId: principal.userId,
      kind: 'question_asked',
      detail: { number: q.number },
    });
    await appendAudit(trx, {
      chain: statementId,
      eventKey: null,
      statementId,
      actorUserId: principal.userId,
      actorOrgId: principal.orgId,
      action: 'supplier_question_asked',
      data: { number: q.number, supplierOrgId: principal.orgId },
      at: new Date(),
    });
    await refreshPilotSummary(trx, statementId);
    return q;
  });
  if (!asked) throw closedError(statement);
  return { number: asked.number, question, answered: false };
}

/** Every question with who asked it: for the lead buyer (and oversight) only. */
export async function listSupplierQuestions(
  ctx: ServiceContext,
  principal: Principal,
  statementId: string,
  meta: RequestMeta,
) {
  await authorizeStatement(ctx, principal, statementId, 'viewConsultation', meta);
  const rows = await listQuestions(ctx.db, statementId);
  return rows.map((q) => ({
    number: q.number,
    question: q.question,
    askedAt: q.asked_at.toISOString(),
    askedBy: { organisationId: q.supplier_org_id, name: q.supplier_name },
    answer: q.answer,
    answeredAt: q.answered_at?.toISOString() ?? null,
  }));
}

/**
 * The lead answers a question once. The answer is published on the consultation page and sent
 * to every supplier concerned (matching subscribers and those who took part), never naming the
 * asker (equal treatment, Art. 41); the fan-out is the same child workflow as for notices.
 */
export async function answerSupplierQuestion(
  ctx: ServiceContext,
  principal: Principal,
  statementId: string,
  number: number,
  answer: string,
  meta: RequestMeta,
) {
  const facts = await authorizeStatement(ctx, principal, statementId, 'manageConsultation', meta);
  if (!operationOpen('answerSupplierQuestions', facts.stage))
    throw new DomainError('wrong_stage', `Questions are answered during market engagement, not in ${facts.stage}`);
  const existing = await findQuestion(ctx.db, statementId, number);
  if (!existing) throw new DomainError('not_found', `There is no question ${number}`);
  const answered = await ctx.db.transaction().execute(async (trx) => {
    const q = await answerQuestion(trx, { statementId, number, answer, userId: principal.userId });
    if (!q) return undefined;
    await logSupplierContact(trx, {
      statementId,
      supplierOrgId: q.supplier_org_id,
      userId: null,
      kind: 'question_answered',
      detail: { number, publishedToAll: true },
    });
    await appendAudit(trx, {
      chain: statementId,
      eventKey: null,
      statementId,
      actorUserId: principal.userId,
      actorOrgId: principal.orgId,
      action: 'supplier_question_answered',
      data: { number, questionId: q.id },
      at: new Date(),
    });
    return q;
  });
  if (!answered) throw new DomainError('conflict', `Question ${number} has been answered already`);
  const input: SupplierFanoutInput = {
    noticeId: `answer-${answered.id}`,
    statementId,
    kind: 'answer',
    ref: String(number),
    afterUserId: null,
    queued: 0,
    sent: 0,
  };
  try {
    await ctx.temporal.workflow.start(supplierFanoutWorkflowType, {
      workflowId: supplierFanoutWorkflowId(input.noticeId),
      taskQueue: ctx.config.TEMPORAL_TASK_QUEUE,
      args: [input],
    });
  } catch (error) {
    if (!(error instanceof WorkflowExecutionAlreadyStartedError)) throw error;
  }
  return { number, question: answered.question, answer: answered.answer!, published: true };
}
