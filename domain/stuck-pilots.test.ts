import { describe, expect, it } from 'vitest';

import { endsProcessFailure, failedStepOf, type StuckFacts, stuckOf } from './stuck-pilots.js';

const d = (iso: string) => new Date(iso);
const now = d('2026-12-10T12:00:00Z');
const base: StuckFacts = {
  stage: 'needs_assessment',
  stageEnteredAt: d('2026-12-01T00:00:00Z'),
  deadline: d('2026-12-20T00:00:00Z'),
  aggregationBlocked: null,
  processFailure: null,
};

describe('stuck pilots', () => {
  it('is not stuck while the process can go on by itself, overdue or not', () => {
    expect(stuckOf(base, now)).toBeNull();
    // Overdue by an hour: the workflow is closing it.
    expect(stuckOf({ ...base, deadline: d('2026-12-10T11:00:00Z') }, now)).toBeNull();
    // Aggregating (nothing blocked), published, ended.
    expect(stuckOf({ ...base, stage: 'aggregation', deadline: null }, now)).toBeNull();
    expect(stuckOf({ ...base, stage: 'published', deadline: d('2026-11-01T00:00:00Z') }, now)).toBeNull();
    expect(stuckOf({ ...base, stage: 'cancelled', deadline: d('2026-11-01T00:00:00Z') }, now)).toBeNull();
  });

  it('is stuck on a missing or stale exchange rate while the aggregation waits, since it first blocked', () => {
    const since = d('2026-12-09T08:00:00Z');
    const blocked = { ...base, stage: 'aggregation' as const, deadline: null };
    expect(stuckOf({ ...blocked, aggregationBlocked: { codes: ['rate_missing'], since } }, now)).toEqual({
      reasons: ['rate_missing'],
      since,
      actors: ['administrator', 'lead'],
    });
    expect(
      stuckOf({ ...blocked, aggregationBlocked: { codes: ['rate_stale', 'rate_missing', 'rate_stale'], since } }, now)
        ?.reasons,
    ).toEqual(['rate_missing', 'rate_stale']);
    // A problem that is no rate problem is not a rate reason; a block left behind in another stage is over.
    expect(stuckOf({ ...blocked, aggregationBlocked: { codes: ['unprocessable'], since } }, now)).toBeNull();
    expect(
      stuckOf({ ...base, stage: 'market_engagement', aggregationBlocked: { codes: ['rate_missing'], since } }, now),
    ).toBeNull();
  });

  it('is stuck on a process failure, whatever the stage, for the lead to repair', () => {
    const at = d('2026-12-10T10:00:00Z');
    expect(stuckOf({ ...base, processFailure: { at } }, now)).toEqual({
      reasons: ['process_failure'],
      since: at,
      actors: ['lead'],
    });
  });

  it('is stuck when a deadline passed more than a day ago without the stage closing, since the deadline', () => {
    const deadline = d('2026-12-09T11:59:59Z');
    expect(stuckOf({ ...base, deadline }, now)).toEqual({
      reasons: ['deadline_not_closed'],
      since: deadline,
      actors: ['operators', 'lead'],
    });
    // Exactly a day: not yet.
    expect(stuckOf({ ...base, deadline: d('2026-12-09T12:00:00Z') }, now)).toBeNull();
    // A stage without a deadline of its own is never late.
    expect(stuckOf({ ...base, stage: 'draft', deadline }, now)).toBeNull();
  });

  it('is stuck when a shortfall waits for the lead’s decision for more than a week', () => {
    const shortfall = { ...base, stage: 'shortfall' as const, deadline: null };
    expect(stuckOf({ ...shortfall, stageEnteredAt: d('2026-12-04T12:00:00Z') }, now)).toBeNull();
    const entered = d('2026-12-03T11:00:00Z');
    expect(stuckOf({ ...shortfall, stageEnteredAt: entered }, now)).toEqual({
      reasons: ['shortfall_undecided'],
      since: entered,
      actors: ['lead'],
    });
  });

  it('names every cause once, since the earliest, with everyone who can act', () => {
    const stuck = stuckOf(
      {
        ...base,
        deadline: d('2026-12-01T00:00:00Z'),
        processFailure: { at: d('2026-12-01T00:00:05Z') },
      },
      now,
    );
    expect(stuck).toEqual({
      reasons: ['process_failure', 'deadline_not_closed'],
      since: d('2026-12-01T00:00:00Z'),
      actors: ['lead', 'operators'],
    });
  });

  it('names the failed step of a process failure as a kind and a stage to word', () => {
    const at = d('2026-12-10T10:00:00Z');
    expect(stuckOf({ ...base, processFailure: { at, step: 'needs_assessment: stage_changed' } }, now)).toEqual({
      reasons: ['process_failure'],
      since: at,
      actors: ['lead'],
      failedStep: { kind: 'stage_changed', stage: 'needs_assessment' },
    });
    expect(failedStepOf('deliver mail')).toEqual({ kind: 'mail', stage: null });
    // The aggregation's failure carries whichever kind the stage last recorded.
    expect(failedStepOf('aggregation: stage_changed')).toEqual({ kind: 'aggregation', stage: 'aggregation' });
    expect(failedStepOf('confirmation: reminder_sent')).toEqual({ kind: 'other', stage: 'confirmation' });
    expect(failedStepOf('something odd')).toEqual({ kind: 'other', stage: null });
  });

  it('ends a process failure on a later stage change or block, and on a new deadline unless mail failed', () => {
    expect(endsProcessFailure('needs_assessment: stage_changed', 'stage_changed')).toBe(true);
    expect(endsProcessFailure('needs_assessment: stage_changed', 'deadline_extended')).toBe(true);
    expect(endsProcessFailure('aggregation: stage_changed', 'aggregation_blocked')).toBe(true);
    expect(endsProcessFailure('deliver mail', 'stage_changed')).toBe(true);
    // Mail waits for the next stage; a buyer's action or a reminder ends nothing.
    expect(endsProcessFailure('deliver mail', 'deadline_extended')).toBe(false);
    expect(endsProcessFailure('needs_assessment: stage_changed', 'needs_submitted')).toBe(false);
    expect(endsProcessFailure('needs_assessment: stage_changed', 'process_failed')).toBe(false);
  });
});
