import { uuid4 } from '@temporalio/workflow';

import type { Actor } from '../../domain/events.js';
import type { Stage } from '../../rules/stages.js';
import { isDeadlineStage, operationOpen } from '../../rules/stages.js';
import {
  closeStageUpdate,
  confirmNeedsUpdate,
  extendDeadlineUpdate,
  submitNeedsUpdate,
  withdrawNeedsUpdate,
} from './messages.js';
import { reject, type StatementProcess } from './process.js';
import { closeMarketEngagement } from './stage-market-engagement.js';
import { closeConfirmation, closedEarly, closeNeedsAssessment } from './stage-needs.js';

/** How each stage with a deadline ends, whether at its deadline or closed early by the lead. */
const stageClosers: Partial<
  Record<Stage, (p: StatementProcess, actor: Actor | null, reason: string) => Promise<void>>
> = {
  needs_assessment: closeNeedsAssessment,
  confirmation: closeConfirmation,
  market_engagement: closeMarketEngagement,
};

/**
 * The lead's deadline controls, and a participant's needs as runs that carried the participants took
 * them (submit, withdraw, confirm as updates; later runs get them from PostgreSQL, signalled).
 */
export function registerNeedsHandlers(p: StatementProcess): void {
  const s = p.state;

  p.onUpdate(
    submitNeedsUpdate,
    (request) =>
      p.lock.runShared(request.actor.orgId, async () => {
        const entry = p.requireAllowed('submitNeeds', request.actor);
        const versionId = uuid4();
        const version = (entry.version ?? 0) + 1;
        await p.record(request.actor, {
          kind: 'needs_submitted',
          orgId: request.actor.orgId,
          versionId,
          version,
          surveyVersion: s.surveyVersion,
          contentHash: request.contentHash,
          supersedes: entry.versionId,
        });
        Object.assign(entry, { status: 'submitted', version, versionId, contentHash: request.contentHash });
        return { versionId, version };
      }),
    {
      validator: (request) => {
        p.requireAllowed('submitNeeds', request.actor);
      },
    },
  );

  p.onUpdate(
    withdrawNeedsUpdate,
    (request) =>
      p.lock.runShared(request.actor.orgId, async () => {
        const entry = p.requireAllowed('withdrawNeeds', request.actor);
        await p.record(request.actor, { kind: 'needs_withdrawn', orgId: request.actor.orgId, reason: request.reason });
        entry.status = 'withdrawn';
        return p.ack();
      }),
    {
      validator: (request) => {
        p.requireAllowed('withdrawNeeds', request.actor);
      },
    },
  );

  p.onUpdate(
    confirmNeedsUpdate,
    (request) =>
      p.lock.runShared(request.actor.orgId, async () => {
        const entry = p.requireAllowed('confirmNeeds', request.actor, { versionId: request.versionId });
        await p.record(request.actor, {
          kind: 'needs_confirmed',
          orgId: request.actor.orgId,
          versionId: request.versionId,
        });
        entry.status = 'confirmed';
        return p.ack();
      }),
    {
      validator: (request) => {
        p.requireAllowed('confirmNeeds', request.actor, { versionId: request.versionId });
      },
    },
  );

  p.onUpdate(
    extendDeadlineUpdate,
    (request) =>
      p.lock.runExclusive(async () => {
        if (!isDeadlineStage(s.stage)) reject('wrong_stage', `The ${s.stage} stage has no deadline to extend`);
        const deadline = Date.parse(request.deadline);
        await p.record(request.actor, {
          kind: 'deadline_extended',
          stage: s.stage,
          deadline: new Date(deadline).toISOString(),
          previous: s.deadline === null ? null : new Date(s.deadline).toISOString(),
        });
        s.deadline = deadline;
        s.deadlineSetAt = Date.now();
        return p.ack();
      }),
    {
      validator: (request) => {
        p.requireCreated();
        p.requireLead(request.actor);
        if (!isDeadlineStage(s.stage)) reject('wrong_stage', `The ${s.stage} stage has no deadline to extend`);
        const deadline = Date.parse(request.deadline);
        if (!(deadline > Date.now()) || (s.deadline !== null && deadline <= s.deadline)) {
          reject('unprocessable', 'A new deadline must be later than the current one', [
            {
              field: 'deadline',
              rule: `must be after the current deadline ${s.deadline === null ? '' : new Date(s.deadline).toISOString()}`.trim(),
            },
          ]);
        }
      },
    },
  );

  p.onUpdate(
    closeStageUpdate,
    (request) =>
      p.lock.runExclusive(async () => {
        const close = stageClosers[s.stage];
        if (!close) reject('wrong_stage', `The ${s.stage} stage cannot be closed early`);
        await close(p, request.actor, closedEarly);
        return p.ack();
      }),
    {
      validator: (request) => {
        p.requireCreated();
        p.requireLead(request.actor);
        if (!operationOpen('closeStage', s.stage)) reject('wrong_stage', `The ${s.stage} stage cannot be closed early`);
      },
    },
  );
}
