import { describe, expect, it } from 'vitest';

import { canTrackPilots, decide, type Principal, type StatementFacts } from './authorization.js';
import { daysInStage, groupingSchema, isOverdue, isoWeekOf, reportedWeek, stageTimeline } from './pilot-tracking.js';

const d = (iso: string) => new Date(iso);

describe('pilot tracking rules', () => {
  it('flags a pilot as overdue only in a deadline stage whose deadline passed', () => {
    const now = d('2026-12-01T12:00:00Z');
    expect(isOverdue('needs_assessment', d('2026-12-01T11:59:59Z'), now)).toBe(true);
    expect(isOverdue('needs_assessment', d('2026-12-01T12:00:00Z'), now)).toBe(false);
    expect(isOverdue('confirmation', null, now)).toBe(false);
    // A published or ended pilot has nothing left to do by a deadline.
    expect(isOverdue('published', d('2026-11-01T00:00:00Z'), now)).toBe(false);
    expect(isOverdue('cancelled', d('2026-11-01T00:00:00Z'), now)).toBe(false);
  });

  it('counts whole days in a stage', () => {
    expect(daysInStage(d('2026-11-29T12:00:00Z'), d('2026-12-01T11:59:59Z'))).toBe(1);
    expect(daysInStage(d('2026-11-29T12:00:00Z'), d('2026-12-01T12:00:00Z'))).toBe(2);
    expect(daysInStage(d('2026-12-02T00:00:00Z'), d('2026-12-01T00:00:00Z'))).toBe(0);
  });

  it('builds the timeline from creation and stage changes, repeating a reopened stage', () => {
    const timeline = stageTimeline(
      d('2026-11-01T00:00:00Z'),
      [
        { from: 'needs_assessment', to: 'confirmation', at: d('2026-11-10T00:00:00Z') },
        { from: 'draft', to: 'needs_assessment', at: d('2026-11-02T00:00:00Z') },
        { from: 'confirmation', to: 'aggregation', at: d('2026-11-12T00:00:00Z') },
        { from: 'aggregation', to: 'shortfall', at: d('2026-11-12T00:00:01Z') },
        { from: 'shortfall', to: 'needs_assessment', at: d('2026-11-15T00:00:00Z') },
      ],
      d('2026-11-20T00:00:00Z'),
    );
    expect(timeline.map((t) => t.stage)).toEqual([
      'draft',
      'needs_assessment',
      'confirmation',
      'aggregation',
      'shortfall',
      'needs_assessment',
    ]);
    expect(timeline[1]).toEqual({
      stage: 'needs_assessment',
      enteredAt: '2026-11-02T00:00:00.000Z',
      exitedAt: '2026-11-10T00:00:00.000Z',
      days: 8,
      deadline: null,
      late: false,
    });
    expect(timeline.at(-1)).toEqual({
      stage: 'needs_assessment',
      enteredAt: '2026-11-15T00:00:00.000Z',
      exitedAt: null,
      days: 5,
      deadline: null,
      late: false,
    });
  });

  it('sets each stage’s planned end beside its real one: the deadline it entered with, as last extended while it ran', () => {
    const timeline = stageTimeline(
      d('2026-11-01T00:00:00Z'),
      [
        { from: 'draft', to: 'needs_assessment', at: d('2026-11-02T00:00:00Z'), deadline: '2026-11-09T00:00:00Z' },
        {
          from: 'needs_assessment',
          to: 'confirmation',
          at: d('2026-11-12T00:00:00Z'),
          deadline: '2026-11-20T00:00:00Z',
        },
      ],
      d('2026-11-25T00:00:00Z'),
      [
        { stage: 'needs_assessment', deadline: '2026-11-11T00:00:00Z', at: d('2026-11-08T00:00:00Z') },
        // Made before the stage was entered: not this visit's.
        { stage: 'confirmation', deadline: '2026-12-30T00:00:00Z', at: d('2026-11-01T12:00:00Z') },
      ],
    );
    expect(timeline.map((e) => [e.stage, e.deadline, e.late])).toEqual([
      ['draft', null, false],
      // Extended to the 11th, ended on the 12th: a day late.
      ['needs_assessment', '2026-11-11T00:00:00.000Z', true],
      // Still running on the 25th, its deadline the 20th.
      ['confirmation', '2026-11-20T00:00:00.000Z', true],
    ]);
  });

  it('names ISO weeks, including those that straddle a new year', () => {
    expect(isoWeekOf(d('2026-12-01T10:00:00Z')).key).toBe('2026-W49');
    expect(isoWeekOf(d('2026-12-01T10:00:00Z')).start.toISOString()).toBe('2026-11-30T00:00:00.000Z');
    expect(isoWeekOf(d('2027-01-01T00:00:00Z')).key).toBe('2026-W53');
    expect(isoWeekOf(d('2024-12-30T00:00:00Z')).key).toBe('2025-W01');
    expect(isoWeekOf(d('2026-01-04T23:59:59Z')).key).toBe('2026-W01');
    expect(reportedWeek(d('2026-12-07T06:00:00Z')).key).toBe('2026-W49');
  });

  it('validates a grouping, naming the field', () => {
    expect(groupingSchema.parse({ kind: 'working_group', name: 'Zero-emission construction' })).toEqual({
      kind: 'working_group',
      name: 'Zero-emission construction',
      sector: null,
    });
    const bad = groupingSchema.safeParse({ kind: 'club', name: 'x', sector: '4' });
    expect(bad.success).toBe(false);
    expect(bad.error!.issues.map((i) => i.path.join('.')).sort()).toEqual(['kind', 'name', 'sector']);
  });
});

describe('who tracks pilots and sets their grouping', () => {
  const p = (over: Partial<Principal>): Principal => ({
    userId: 'u',
    orgId: 'org-x',
    orgKind: 'buyer',
    isAdmin: false,
    roles: [],
    via: 'session',
    ...over,
  });
  const facts: StatementFacts = { leadOrgId: 'lead', stage: 'needs_assessment', participantStatus: 'joined' };

  it('lets Commission staff and administrators track pilots, nobody else', () => {
    expect(canTrackPilots(p({ orgKind: 'commission' }))).toEqual({ allowed: true });
    expect(canTrackPilots(p({ orgKind: 'operator', isAdmin: true }))).toEqual({ allowed: true });
    for (const other of [p({ orgId: 'lead' }), p({}), p({ orgKind: 'supplier' }), p({ orgKind: 'operator' })]) {
      expect(canTrackPilots(other)).toMatchObject({ allowed: false, code: 'forbidden' });
    }
  });

  it('lets the lead buyer and Commission staff set the grouping, not a participant', () => {
    expect(decide(p({ orgId: 'lead' }), 'setGrouping', facts)).toEqual({ allowed: true });
    expect(decide(p({ orgKind: 'commission' }), 'setGrouping', facts)).toEqual({ allowed: true });
    expect(decide(p({}), 'setGrouping', facts)).toMatchObject({ allowed: false, code: 'forbidden' });
    expect(decide(p({ orgKind: 'supplier' }), 'setGrouping', facts)).toMatchObject({
      allowed: false,
      code: 'not_found',
    });
  });
});
