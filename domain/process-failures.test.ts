import fc from 'fast-check';
import { describe, expect, it } from 'vitest';

import {
  nonRetryableFailureTypes,
  repairActionsFor,
  storableMessage,
  unstorableTextFields,
  unstorableTextRule,
} from './process-failures.js';

describe('text PostgreSQL cannot store, named by its field', () => {
  it('finds NUL and lone surrogates, not well-formed text (emoji are surrogate pairs)', () => {
    expect(unstorableTextRule('Zero-emission machinery 🚜 für Städte')).toBeUndefined();
    expect(unstorableTextRule('a\u0000b')).toMatch(/NUL/);
    expect(unstorableTextRule('a\ud800b')).toMatch(/lone surrogate/);
    expect(unstorableTextRule('trailing high \ud83d')).toMatch(/lone surrogate/);
    expect(unstorableTextRule('\udc00 leading low')).toMatch(/lone surrogate/);
  });

  it('names each field by its JSON path, keys included', () => {
    const input = {
      kind: 'survey_defined',
      details: { title: 'A\u0000B', ok: 'fine' },
      questions: [{ label: 'ok' }, { label: 'x\udfff', options: [{ id: 'a', label: '\u0000' }] }],
      ['k\ud800']: 1,
    };
    expect(unstorableTextFields(input).map((p) => p.field)).toEqual([
      'details.title',
      'questions[1].label',
      'questions[1].options[0].label',
      'k\ud800',
    ]);
  });

  it('finds exactly the strings that are not well-formed or hold NUL (property)', () => {
    fc.assert(
      fc.property(fc.string({ unit: 'binary' }), (text) => {
        // Well-formed exactly when it survives UTF-8 (a lone surrogate becomes U+FFFD).
        const wellFormed = new TextDecoder().decode(new TextEncoder().encode(text)) === text;
        const bad = text.includes('\u0000') || !wellFormed;
        expect(unstorableTextRule(text) !== undefined).toBe(bad);
      }),
    );
  });

  it('makes any message storable and bounded', () => {
    fc.assert(
      fc.property(fc.string({ unit: 'binary', maxLength: 2000 }), (message) => {
        const stored = storableMessage(message);
        expect(unstorableTextRule(stored)).toBeUndefined();
        expect(stored.length).toBeLessThanOrEqual(500);
      }),
    );
  });

  it('treats the process failure types and the final error codes as non-retryable', () => {
    expect(nonRetryableFailureTypes).toEqual(
      expect.arrayContaining(['invalid_data', 'constraint_violation', 'unprocessable', 'conflict', 'invalid_input']),
    );
  });
});

describe('what the lead may do about a step that failed for good', () => {
  it('offers, per stage, exactly the decisions the process takes in that stage', () => {
    expect(repairActionsFor('needs_assessment')).toEqual(['closeStage', 'extendDeadline', 'cancel']);
    expect(repairActionsFor('confirmation')).toEqual(['closeStage', 'extendDeadline', 'cancel']);
    expect(repairActionsFor('market_engagement')).toEqual(['closeStage', 'extendDeadline', 'cancel']);
    expect(repairActionsFor('approval')).toEqual(['extendDeadline', 'cancel']);
    expect(repairActionsFor('aggregation')).toEqual(['retryAggregation', 'cancel']);
    expect(repairActionsFor('shortfall')).toEqual(['cancel']);
    expect(repairActionsFor('published')).toEqual([]);
    expect(repairActionsFor('cancelled')).toEqual([]);
  });
});
