import { randomUUID } from 'node:crypto';

import type { WorkflowHandle } from '@temporalio/client';
import type { UpdateDefinition } from '@temporalio/common';

import { findAgreement } from '../../db/agreements.js';
import type { Actor } from '../../domain/events.js';
import { agreementWorkflowId } from '../../workflows/agreement/messages.js';
import type { ServiceContext } from '../context.js';
import { executeProcessUpdate } from '../process-update.js';
import { scopedUpdateId } from '../statements/idempotency.js';
import { sealedArg } from '../statements/seal.js';

/**
 * Sends one change to the statement's agreement workflow and waits for its answer. An
 * idempotency key is scoped to the caller's organisation and the operation; the request is
 * sealed for the workflow (`activities/actor-seal.ts`). Bounded like the statement's updates
 * (`executeProcessUpdate`).
 */
export async function updateAgreementProcess<Ret, Arg extends { actor: Actor }>(
  ctx: ServiceContext,
  statementId: string,
  update: UpdateDefinition<Ret, [Arg]>,
  arg: Arg,
  idempotencyKey?: string,
): Promise<Ret> {
  const workflowId = agreementWorkflowId(statementId);
  const handle: WorkflowHandle = ctx.temporal.workflow.getHandle(workflowId);
  const updateId = idempotencyKey
    ? await scopedUpdateId(
        ctx,
        { organisationId: arg.actor.orgId, workflowId, operation: update.name },
        idempotencyKey,
        arg,
      )
    : `${update.name}:${randomUUID()}`;
  // Through a hand-over to the next run, as the statement's (the kernel's dedupe answers a retried id once).
  return executeProcessUpdate(
    ctx,
    handle,
    update,
    { args: [sealedArg(ctx, { workflowId, update: update.name, updateId }, arg)], updateId },
    async () => {
      const agreement = await findAgreement(ctx.db, statementId);
      return !agreement || agreement.status !== 'negotiation';
    },
  );
}
