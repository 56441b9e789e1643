import { condition, workflowInfo } from '@temporalio/workflow';

import { nextClockStep, reminderStillDue } from '../../domain/reminder-schedule.js';
import { awaitingInStage, type Stage } from '../../rules/stages.js';
import type { StatementProcess } from './process.js';

export type DeadlineOutcome = 'deadline' | 'done' | 'left' | 'continue_as_new';

/**
 * Waits out a stage: sends each reminder once at its offset before the deadline (only to those
 * who have not acted; `domain/reminder-schedule.ts`), and returns when the deadline passes, every
 * participant is done (`done`), the stage was left by other means (the lead closed it early), or
 * history wants a fresh run. With `refresh`, a buyer's action (a signal) wakes the wait to read
 * what `done` looks at. (The awaits stay exactly where they were: recorded histories replay.)
 */
export async function waitForDeadline(
  p: StatementProcess,
  stage: Stage,
  done: () => boolean = () => false,
  refresh?: () => Promise<unknown>,
): Promise<DeadlineOutcome> {
  const s = p.state;
  for (;;) {
    if (s.stage !== stage) return 'left';
    if (refresh && p.participationStale) {
      await refresh();
      continue;
    }
    if (done()) return 'done';
    if (workflowInfo().continueAsNewSuggested) return 'continue_as_new';
    const deadline = s.deadline!;
    const now = Date.now();
    if (now >= deadline) return 'deadline';

    const step = nextClockStep(
      deadline,
      now,
      s.schedule?.reminderOffsets ?? [],
      s.remindersSent,
      (d, offset) => `${stage}|${d}|${offset}`,
    );
    if (step.kind === 'remind') {
      s.remindersSent.push(step.key);
      if (reminderStillDue(step.at, s.deadlineSetAt, s.stageEnteredAt)) {
        await p.record(null, {
          kind: 'reminder_sent',
          stage,
          deadline: new Date(deadline).toISOString(),
          offset: step.offset,
          statuses: [...(awaitingInStage[stage] ?? [])],
        });
      }
      continue;
    }
    await condition(
      () =>
        s.stage !== stage ||
        s.deadline !== deadline ||
        done() ||
        (refresh !== undefined && p.participationStale) ||
        workflowInfo().continueAsNewSuggested,
      Math.max(1, step.until - now),
    );
  }
}
