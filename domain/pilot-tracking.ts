import { z } from 'zod';

import { deadlineStages, isStage, type Stage } from '../rules/stages.js';
import { text } from '../rules/text-policy.js';

/**
 * Pilot tracking for Commission staff: every joint statement is a pilot of the programme, in a
 * grouping (a community of practice or a working group) and a sector (a CPV division). Pure rules:
 * the timeline of stages from the audit log's stage changes, when a pilot is overdue, which
 * calendar week a moment falls in (the weekly digest's key).
 */
export const groupingKinds = ['community_of_practice', 'working_group'] as const;
export type GroupingKind = (typeof groupingKinds)[number];

export const cpvDivisionSchema = z
  .string()
  .regex(/^\d{2}$/, 'must be a CPV division (the first 2 digits of a CPV code)')
  .meta({ description: 'CPV division: the first two digits of a CPV code', example: '45' });

export const groupingSchema = z
  .object({
    kind: z.enum(groupingKinds, { error: 'must be community_of_practice or working_group' }),
    name: text('name', { min: 2 }),
    sector: cpvDivisionSchema.nullable().default(null),
  })
  .meta({ id: 'PilotGrouping' });
export type Grouping = z.output<typeof groupingSchema>;

/** Stages in which a passed deadline means the pilot is behind: the stage should have ended. */
export function isOverdue(stage: Stage, deadline: Date | null, now: Date): boolean {
  return (
    deadline !== null && (deadlineStages as readonly Stage[]).includes(stage) && deadline.getTime() < now.getTime()
  );
}

/** Whole days since the pilot entered its current stage (0 on the day it entered). */
export function daysInStage(enteredAt: Date, now: Date): number {
  return Math.max(0, Math.floor((now.getTime() - enteredAt.getTime()) / 86_400_000));
}

export interface StageChange {
  from: string;
  to: string;
  at: Date;
  /** The deadline the stage entered was given, if any. */
  deadline?: string | null;
}

/** A deadline moved while its stage ran (the audit log's `deadline_extended`). */
export interface DeadlineChange {
  stage: string;
  deadline: string;
  at: Date;
}

export interface TimelineEntry {
  stage: Stage;
  enteredAt: string;
  /** Null while the pilot is still in this stage. */
  exitedAt: string | null;
  /** Whole days spent in the stage, up to `now` for the current one. */
  days: number;
  /** The planned end: the stage's deadline as last set while it ran; null for a stage without one. */
  deadline: string | null;
  /** Whether the stage ended after its planned end (or, still running, is past it). */
  late: boolean;
}

/**
 * The stages a pilot went through, in order, from its creation and its recorded stage changes.
 * A stage visited twice (a needs assessment reopened after a shortfall) appears twice.
 */
export function stageTimeline(
  createdAt: Date,
  changes: readonly StageChange[],
  now: Date,
  extensions: readonly DeadlineChange[] = [],
): TimelineEntry[] {
  const sorted = [...changes].sort((a, b) => a.at.getTime() - b.at.getTime());
  const entries: { stage: Stage; enteredAt: Date; exitedAt: Date | null; deadline: string | null }[] = [
    { stage: 'draft', enteredAt: createdAt, exitedAt: null, deadline: null },
  ];
  for (const c of sorted) {
    if (!isStage(c.to)) continue;
    entries.at(-1)!.exitedAt = c.at;
    entries.push({ stage: c.to, enteredAt: c.at, exitedAt: null, deadline: c.deadline ?? null });
  }
  // An extension belongs to the visit of its stage that was running when it was made.
  for (const x of [...extensions].sort((a, b) => a.at.getTime() - b.at.getTime())) {
    const visit = entries.find(
      (e) =>
        e.stage === x.stage &&
        e.enteredAt.getTime() <= x.at.getTime() &&
        (e.exitedAt === null || x.at.getTime() <= e.exitedAt.getTime()),
    );
    if (visit) visit.deadline = x.deadline;
  }
  return entries.map((e) => ({
    stage: e.stage,
    enteredAt: e.enteredAt.toISOString(),
    exitedAt: e.exitedAt?.toISOString() ?? null,
    days: daysInStage(e.enteredAt, e.exitedAt ?? now),
    deadline: e.deadline === null ? null : new Date(e.deadline).toISOString(),
    late: e.deadline !== null && (e.exitedAt ?? now).getTime() > Date.parse(e.deadline),
  }));
}

export interface IsoWeek {
  /** e.g. `2026-W49`. */
  key: string;
  /** Monday 00:00 UTC. */
  start: Date;
  /** The next Monday 00:00 UTC (exclusive). */
  end: Date;
}

/** The ISO 8601 week (Monday to Sunday, UTC) that `at` falls in. */
export function isoWeekOf(at: Date): IsoWeek {
  const day = new Date(Date.UTC(at.getUTCFullYear(), at.getUTCMonth(), at.getUTCDate()));
  const weekday = (day.getUTCDay() + 6) % 7; // Monday 0 … Sunday 6
  const start = new Date(day.getTime() - weekday * 86_400_000);
  const thursday = new Date(start.getTime() + 3 * 86_400_000);
  const year = thursday.getUTCFullYear();
  const firstThursday = new Date(Date.UTC(year, 0, 4));
  const firstMonday = new Date(firstThursday.getTime() - ((firstThursday.getUTCDay() + 6) % 7) * 86_400_000);
  const week = Math.round((start.getTime() - firstMonday.getTime()) / (7 * 86_400_000)) + 1;
  return { key: `${year}-W${String(week).padStart(2, '0')}`, start, end: new Date(start.getTime() + 7 * 86_400_000) };
}

/** The week a digest sent at `at` reports on: the last complete week before it. */
export function reportedWeek(at: Date): IsoWeek {
  return isoWeekOf(new Date(isoWeekOf(at).start.getTime() - 86_400_000));
}
