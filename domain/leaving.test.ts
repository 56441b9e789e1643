import { describe, expect, it } from 'vitest';

import { droppedReason, leavingOf, reasonIsOwnWords } from './leaving.js';

describe('leavingOf: each way of leaving has its own wording', () => {
  it('tells declining and withdrawing apart, with the buyer’s own words', () => {
    expect(leavingOf({ status: 'declined', droppedFrom: null, statusReason: 'No budget' })).toBe('declined');
    expect(leavingOf({ status: 'withdrawn', droppedFrom: null, statusReason: null })).toBe('withdrew');
    expect(reasonIsOwnWords('declined')).toBe(true);
    expect(reasonIsOwnWords('notSubmittedClosedEarly')).toBe(false);
  });

  it('says the lead closed the stage early, not that a deadline passed, when it did', () => {
    const early = droppedReason('needs_assessment', true);
    expect(early).not.toContain('deadline');
    expect(leavingOf({ status: 'dropped', droppedFrom: 'joined', statusReason: early })).toBe(
      'notSubmittedClosedEarly',
    );
    expect(leavingOf({ status: 'dropped', droppedFrom: 'invited', statusReason: early })).toBe('unansweredClosedEarly');
    expect(
      leavingOf({ status: 'dropped', droppedFrom: 'submitted', statusReason: droppedReason('confirmation', true) }),
    ).toBe('notConfirmedClosedEarly');
  });

  it('says the deadline passed when it did, from what the buyer had not done', () => {
    const late = droppedReason('needs_assessment', false);
    expect(leavingOf({ status: 'dropped', droppedFrom: 'joined', statusReason: late })).toBe('notSubmittedAtDeadline');
    expect(leavingOf({ status: 'dropped', droppedFrom: 'invited', statusReason: late })).toBe('unansweredAtDeadline');
    expect(
      leavingOf({ status: 'dropped', droppedFrom: 'submitted', statusReason: droppedReason('confirmation', false) }),
    ).toBe('notConfirmedAtDeadline');
    // Rows dropped by runs that carried the participants have no dropped_from: the reason tells.
    expect(
      leavingOf({ status: 'dropped', droppedFrom: null, statusReason: 'did not confirm before the deadline' }),
    ).toBe('notConfirmedAtDeadline');
  });

  it('is nothing while the buyer is invited or taking part', () => {
    for (const status of ['invited', 'joined', 'submitted', 'confirmed'] as const)
      expect(leavingOf({ status, droppedFrom: null, statusReason: null })).toBeNull();
  });
});
