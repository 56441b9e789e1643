import { describe, expect, it } from 'vitest';

import { allowedTransitions, canCancel, canTransition, isTerminal, operationOpen, stages } from '../rules/stages.js';

describe('the statement stage machine', () => {
  it('follows the design: draft through publication, with shortfall, cancellation and abandonment', () => {
    const happy = [
      'draft',
      'needs_assessment',
      'confirmation',
      'aggregation',
      'market_engagement',
      'approval',
      'published',
    ] as const;
    for (let i = 0; i + 1 < happy.length; i++) expect(canTransition(happy[i]!, happy[i + 1]!)).toBe(true);
    expect(canTransition('aggregation', 'shortfall')).toBe(true);
    expect(allowedTransitions('shortfall')).toEqual([
      'needs_assessment',
      'market_engagement',
      'abandoned',
      'cancelled',
    ]);
  });

  it('never skips a stage or goes back except from a shortfall', () => {
    expect(canTransition('draft', 'confirmation')).toBe(false);
    expect(canTransition('needs_assessment', 'draft')).toBe(false);
    expect(canTransition('approval', 'market_engagement')).toBe(false);
    expect(canTransition('published', 'approval')).toBe(false);
  });

  it('allows cancellation at every stage until publication, and ends there', () => {
    for (const s of stages) {
      const expected = !['published', 'cancelled', 'abandoned'].includes(s);
      expect(canCancel(s), s).toBe(expected);
    }
    expect(isTerminal('cancelled')).toBe(true);
    expect(isTerminal('abandoned')).toBe(true);
    expect(isTerminal('published')).toBe(false);
    for (const s of ['cancelled', 'abandoned'] as const) expect(allowedTransitions(s)).toEqual([]);
  });

  it('opens each operation only in its stages', () => {
    expect(operationOpen('editStatement', 'draft')).toBe(true);
    expect(operationOpen('editStatement', 'needs_assessment')).toBe(false);
    expect(operationOpen('inviteBuyers', 'shortfall')).toBe(true);
    expect(operationOpen('inviteBuyers', 'approval')).toBe(false);
    expect(operationOpen('openNeedsAssessment', 'needs_assessment')).toBe(false);
  });
});
