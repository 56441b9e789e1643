import { durationMs } from './duration.js';

/** What a process waiting for a deadline does next: send a reminder that is due, or sleep until `until`. */
export type ClockStep = { kind: 'remind'; offset: string; at: number; key: string } | { kind: 'sleep'; until: number };

/**
 * The reminder scheduler of both processes (statement stages, agreement signatures), written
 * once: each reminder goes out once, at its offset before the deadline (`sent` holds the keys of
 * those sent or skipped); with none due, the process sleeps until the next one or the deadline.
 * Whether a due reminder is still worth sending (not one whose moment fell before the deadline
 * was set) is the caller's rule.
 */
export function nextClockStep(
  deadline: number,
  now: number,
  offsets: readonly string[],
  sent: readonly string[],
  key: (deadline: number, offset: string) => string,
): ClockStep {
  const pending = offsets
    .map((offset) => ({ offset, at: deadline - durationMs(offset), key: key(deadline, offset) }))
    .filter((r) => !sent.includes(r.key))
    .sort((a, b) => a.at - b.at);
  const due = pending.find((r) => r.at <= now);
  if (due) return { kind: 'remind', ...due };
  return { kind: 'sleep', until: Math.min(deadline, pending[0]?.at ?? deadline) };
}

/** A reminder whose moment fell before its deadline was set (or its stage opened) is skipped, not sent late. */
export function reminderStillDue(at: number, deadlineSetAt: number | null, openedAt = 0): boolean {
  return at >= openedAt && (deadlineSetAt ?? 0) <= at;
}
