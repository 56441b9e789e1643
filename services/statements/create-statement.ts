import { createHash, randomUUID } from 'node:crypto';

import { WithStartWorkflowOperation } from '@temporalio/client';

import { findCreatedDetailsHash } from '../../db/audit.js';
import type { Principal } from '../../domain/authorization.js';
import { DomainError } from '../../domain/errors.js';
import type { StatementDetails } from '../../domain/statement.js';
import { contentHash } from '../../platform/canonical-json.js';
import {
  createStatementUpdate,
  statementWorkflowId,
  type StatementWorkflowInput,
  statementWorkflowType,
} from '../../workflows/statement/messages.js';
import type { RequestMeta, ServiceContext } from '../context.js';
import { actorOf } from './authorize-statement.js';
import { statementViewFor } from './get-statement.js';
import { idempotencyKeyReused } from './idempotency.js';
import { assertScheduleDates } from './schedule-dates.js';
import { sealedArg } from './seal.js';
import type { StatementView } from './statement-contracts.js';
import { requireListedCpvCodes } from './statement-cpv.js';

/** A retried create with the same Idempotency-Key maps to the same statement id, hence the same workflow. */
function statementIdFor(orgId: string, idempotencyKey: string | undefined): string {
  if (!idempotencyKey) return randomUUID();
  const h = createHash('sha256').update(`${orgId}\n${idempotencyKey}`).digest('hex');
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-8${h.slice(13, 16)}-a${h.slice(17, 20)}-${h.slice(20, 32)}`;
}

export async function createStatement(
  ctx: ServiceContext,
  principal: Principal,
  details: StatementDetails,
  meta: RequestMeta,
  /** The request as sent, CPV check digits included (the parsed details keep the 8 digits only). */
  typed: unknown = details,
): Promise<StatementView> {
  if (principal.orgKind !== 'buyer')
    throw new DomainError('forbidden', 'Only a buyer organisation can lead a joint statement');
  await requireListedCpvCodes(ctx, typed);
  const statementId = statementIdFor(principal.orgId, meta.idempotencyKey);
  const detailsHash = contentHash(details);
  // Dates the law's periods cannot apply to (domain/schedule-dates.ts). A retry of a create that
  // was accepted answers like the first, even if a date has passed meanwhile.
  const retried =
    meta.idempotencyKey !== undefined && (await findCreatedDetailsHash(ctx.db, statementId)) !== undefined;
  if (!retried) assertScheduleDates(details.schedule, Date.now());
  const input: StatementWorkflowInput = { statementId, leadOrgId: principal.orgId };
  const workflowId = statementWorkflowId(statementId);
  // The statement id follows from the organisation and the key, so the key is the caller's own.
  const updateId = `createStatement:${meta.idempotencyKey ?? randomUUID()}`;
  try {
    await ctx.temporal.workflow.executeUpdateWithStart(createStatementUpdate, {
      args: [
        sealedArg(
          ctx,
          { workflowId, update: createStatementUpdate.name, updateId },
          { actor: actorOf(principal), details, detailsHash },
        ),
      ],
      updateId,
      startWorkflowOperation: new WithStartWorkflowOperation(statementWorkflowType, {
        workflowId,
        taskQueue: ctx.config.TEMPORAL_TASK_QUEUE,
        args: [input],
        workflowIdConflictPolicy: 'USE_EXISTING',
      }),
    });
  } catch (error) {
    // The same key used again once the workflow no longer remembers the first update (it
    // continued as new): answer with what the first request created.
    const code = (error as { cause?: { type?: string } }).cause?.type;
    if (!meta.idempotencyKey || code !== 'conflict') throw error;
  }
  if (meta.idempotencyKey) {
    // Temporal answers a repeated update id with the first result, whatever the new body says:
    // a key reused for a different statement is the client's mistake, not a retry.
    const original = await findCreatedDetailsHash(ctx.db, statementId);
    if (original !== undefined && original !== detailsHash) {
      throw new DomainError(
        'unprocessable',
        'This Idempotency-Key was already used to create a statement with different details',
        [idempotencyKeyReused],
      );
    }
  }
  return statementViewFor(ctx, statementId, principal);
}
