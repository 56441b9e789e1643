import { describe, expect, it } from 'vitest';

import { checkAnswers, rfiQuestionsSchema, summariseMarket } from './consultation.js';

describe('market consultation rules', () => {
  const rfi = [
    { id: 'lead-time', text: 'What lead time do you need?' },
    { id: 'charging', text: 'Which charging standard do you support?' },
  ];

  it('summarises responses: count, SME share, countries, answers per question', () => {
    const s = summariseMarket(
      [
        { supplierOrgId: 'a', country: 'FI', sme: true, answers: { 'lead-time': '6 months', charging: '' } },
        { supplierOrgId: 'b', country: 'DE', sme: false, answers: { 'lead-time': '9 months', charging: 'CCS2' } },
        { supplierOrgId: 'c', country: 'FI', sme: true, answers: {} },
      ],
      rfi,
      { asked: 2, answered: 1 },
    );
    expect(s).toEqual({
      responses: 3,
      smeResponses: 2,
      smeShare: '0.6667',
      countries: [
        { country: 'DE', responses: 1 },
        { country: 'FI', responses: 2 },
      ],
      answersPerQuestion: [
        { questionId: 'lead-time', text: rfi[0]!.text, answers: 2 },
        { questionId: 'charging', text: rfi[1]!.text, answers: 1 },
      ],
      questionsAsked: 2,
      questionsAnswered: 1,
    });
    expect(summariseMarket([], rfi, { asked: 0, answered: 0 }).smeShare).toBe('0');
  });

  it('names answers to questions that do not exist, and duplicate question ids', () => {
    expect(checkAnswers({ 'lead-time': 'x', price: 'y' }, rfi)).toEqual([
      { field: 'answers.price', rule: expect.any(String) },
    ]);
    const r = rfiQuestionsSchema.safeParse({ questions: [rfi[0], rfi[0]] });
    expect(r.success).toBe(false);
    expect(r.error!.issues[0]!.path).toEqual(['questions', 1, 'id']);
  });
});
