import { randomUUID } from 'node:crypto';

import { WithStartWorkflowOperation } from '@temporalio/client';

import { listSignatories } from '../../db/publication.js';
import { findStatement, participantOrgIds } from '../../db/statements.js';
import { signatoryStatuses, startRefusal } from '../../domain/agreement-process.js';
import type { Principal } from '../../domain/authorization.js';
import { durationMs } from '../../domain/duration.js';
import { DomainError } from '../../domain/errors.js';
import type { Schedule } from '../../domain/statement.js';
import {
  agreementWorkflowId,
  type AgreementWorkflowInput,
  agreementWorkflowType,
  startAgreementUpdate,
} from '../../workflows/agreement/messages.js';
import type { RequestMeta, ServiceContext } from '../context.js';
import { actorOf } from '../statements/authorize-statement.js';
import { scopedUpdateId } from '../statements/idempotency.js';
import { sealedArg } from '../statements/seal.js';
import type { AgreementView } from './agreement-contracts.js';
import { authorizeAgreement } from './authorize-agreement.js';
import { loadAgreementView } from './get-agreement.js';

export interface StartAgreementInput {
  /** Signature deadline (ISO 8601); otherwise now + the statement schedule's `signature` duration. */
  signatureDeadline?: string | undefined;
  /** Reminder offsets before the deadline; otherwise the statement schedule's. */
  reminderOffsets?: string[] | undefined;
}

/**
 * Starts the agreement of a published statement: its own workflow (`agreement-<statementId>`),
 * created atomically with its first update, so a retried or concurrent start makes one agreement.
 * The statement's signatories are invited to opt in; the lead is a party from the start.
 */
export async function startAgreement(
  ctx: ServiceContext,
  principal: Principal,
  statementId: string,
  input: StartAgreementInput,
  meta: RequestMeta,
): Promise<AgreementView> {
  const facts = await authorizeAgreement(ctx, principal, statementId, 'start', meta);
  const refusal = startRefusal(facts.statement.stage, facts.statement.procurementRoute);
  if (refusal) throw new DomainError(refusal.code, refusal.message, refusal.problems);
  if (facts.exists) throw new DomainError('conflict', 'The agreement of this statement has been started already');

  const statement = (await findStatement(ctx.db, statementId))!;
  const schedule = statement.schedule as Schedule;
  const deadline = input.signatureDeadline ?? new Date(Date.now() + durationMs(schedule.signature)).toISOString();
  // The signatories recorded at publication (approvers and late signatories); a statement moved to
  // `published` without them (older data, test scenes) falls back to its confirmed buyers.
  const recorded = (await listSignatories(ctx.db, statementId)).map((s) => s.organisationId);
  const signatories = (
    recorded.length > 0 ? recorded : await participantOrgIds(ctx.db, statementId, signatoryStatuses)
  ).filter((o) => o !== statement.lead_org_id);
  const workflowInput: AgreementWorkflowInput = { statementId, leadOrgId: statement.lead_org_id };
  const workflowId = agreementWorkflowId(statementId);
  // A default deadline is computed afresh on each retry: the request a key stands for is the caller's input.
  const updateId = meta.idempotencyKey
    ? await scopedUpdateId(
        ctx,
        { organisationId: principal.orgId, workflowId, operation: startAgreementUpdate.name },
        meta.idempotencyKey,
        input,
      )
    : `${startAgreementUpdate.name}:${randomUUID()}`;
  const request = {
    actor: actorOf(principal, facts.statement),
    invitedOrgIds: signatories,
    deadline,
    reminderOffsets: input.reminderOffsets ?? schedule.reminderOffsets,
  };
  await ctx.temporal.workflow.executeUpdateWithStart(startAgreementUpdate, {
    args: [sealedArg(ctx, { workflowId, update: startAgreementUpdate.name, updateId }, request)],
    updateId,
    startWorkflowOperation: new WithStartWorkflowOperation(agreementWorkflowType, {
      workflowId,
      taskQueue: ctx.config.TEMPORAL_TASK_QUEUE,
      args: [workflowInput],
      workflowIdConflictPolicy: 'USE_EXISTING',
    }),
  });
  return loadAgreementView(ctx, statementId, principal);
}
