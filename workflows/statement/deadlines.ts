import { condition, workflowInfo } from '@temporalio/workflow';
import { durationMs } from '../../domain/duration.js';
import { awaitingInStage, type Stage } from '../../rules/stages.js';
import type { StatementProcess } from './process.js';

export type DeadlineOutcome = 'deadline' | 'done' | 'left' | 'continue_as_new';

/**
 * Waits out a stage: sends each reminder once at its offset before the deadline (only to those
 * who have not acted), and returns when the deadline passes, every participant is done (`done`), the stage was left by other means (the lead closed it early), or history wants a fresh run.
 * A reminder whose moment fell before the deadline was set is skipped, not sent late.
 * With `refresh`, a buyer's action (a signal) wakes the wait to read what `done` looks at.
 */
export async function waitForDeadline(p: StatementProcess, stage: Stage, done: () => boolean = () => false, refresh?: () => Promise<unknown>): Promise<DeadlineOutcome> {
  const s = p.state;
  for (;;) {
    if (s.stage !== stage) return 'left';
    if (refresh && p.participationStale) await refresh();
    if (s.stage !== stage) return 'left';
    if (done()) return 'done';
    if (workflowInfo().continueAsNewSuggested) return 'continue_as_new';
    const deadline = s.deadline!;
    const now = Date.now();
    if (now >= deadline) return 'deadline';

    const pending = (s.schedule?.reminderOffsets ?? [])
      .map((offset) => ({ offset, at: deadline - durationMs(offset), key: `${stage}|${deadline}|${offset}` }))
      .filter((r) => !s.remindersSent.includes(r.key))
      .sort((a, b) => a.at - b.at);
    const due = pending.find((r) => r.at <= now);
    if (due) {
      s.remindersSent.push(due.key);
      // Late for this deadline (it was set or extended after the reminder's moment): skip it.
      if (due.at >= s.stageEnteredAt && (s.deadlineSetAt ?? 0) <= due.at) {
        await p.record(null, {
          kind: 'reminder_sent',
          stage,
          deadline: new Date(deadline).toISOString(),
          offset: due.offset,
          statuses: [...(awaitingInStage[stage] ?? [])],
        });
      }
      continue;
    }
    const wakeAt = Math.min(deadline, pending[0]?.at ?? deadline);
    await condition(
      () => s.stage !== stage || s.deadline !== deadline || done() || (refresh !== undefined && p.participationStale) || workflowInfo().continueAsNewSuggested,
      Math.max(1, wakeAt - now),
    );
  }
}
