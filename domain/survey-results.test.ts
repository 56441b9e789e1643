import { describe, expect, it } from 'vitest';

import { surveyOfEveryType } from '../test/support/sample-input.js';
import { type Question, surveySchema } from './survey.js';
import { SurveyTally } from './survey-results.js';

const questions: Question[] = surveySchema.parse({
  version: 2,
  questions: surveyOfEveryType,
}).questions;

describe('survey results: per question', () => {
  it('counts options, yes/no, numbers, dates and text, and leaves out answers this version cannot count', () => {
    const tally = new SurveyTally(questions);
    tally.add({
      drive: 'electric',
      sites: ['city', 'port'],
      charging: true,
      fleet: '12',
      start: '2027-03-01',
      notes: 'Depots',
    });
    tally.add({ drive: 'electric', sites: ['city'], charging: false, fleet: '3.5', start: '2026-11-15' });
    tally.add({ drive: 'hydrogen', charging: true, fleet: '40' });
    // Answered an earlier version: an option that is gone, a number where the question now wants a choice.
    tally.add({ drive: 'diesel', sites: 'city', fleet: '7' });
    tally.add({});
    const byId = Object.fromEntries(tally.results().map((r) => [r.id, r]));
    expect(tally.count).toBe(5);
    expect(byId.drive).toMatchObject({
      type: 'single_choice',
      answered: 3,
      notComparable: 1,
      options: [
        { id: 'electric', label: 'Battery electric', count: 2 },
        { id: 'hydrogen', label: 'Hydrogen', count: 1 },
      ],
    });
    expect(byId.sites).toMatchObject({
      answered: 2,
      notComparable: 1,
      options: [
        { id: 'city', count: 2 },
        { id: 'port', count: 1 },
        { id: 'roads', count: 0 },
      ],
    });
    expect(byId.charging).toMatchObject({ type: 'yes_no', answered: 3, yes: 2, no: 1 });
    expect(byId.fleet).toMatchObject({
      type: 'number',
      unit: 'H87',
      answered: 4,
      summary: { min: '3.5', max: '40', sum: '62.5', mean: '15.625', median: '9.5' },
    });
    expect(byId.start).toMatchObject({ answered: 2, earliest: '2026-11-15', latest: '2027-03-01' });
    expect(byId.notes).toMatchObject({ type: 'text', answered: 1 });
  });

  it('has no summary while nobody answered, and exact decimals beyond binary floats', () => {
    const empty = new SurveyTally(questions).results().find((r) => r.id === 'fleet');
    expect(empty).toMatchObject({ answered: 0, summary: null });
    const tally = new SurveyTally(questions);
    for (const v of ['0.1', '0.2', '0.3']) tally.add({ fleet: v });
    expect(tally.results().find((r) => r.id === 'fleet')).toMatchObject({
      summary: { sum: '0.6', mean: '0.2', median: '0.2' },
    });
  });
});
