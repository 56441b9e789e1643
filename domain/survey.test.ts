import fc from 'fast-check';
import { describe, expect, it } from 'vitest';

import type { FieldProblem } from './errors.js';
import {
  draftAnswersSchema,
  maxQuestions,
  type Question,
  type QuestionInput,
  surveySchema,
  validateSurveyAnswers,
} from './survey.js';

// Generous: property runs share the machine with the integration suites.
const propertyTimeout = 60_000;

const questionInputs: QuestionInput[] = [
  {
    id: 'fleet-size',
    label: 'How many buses does your fleet have today?',
    type: 'number',
    unit: 'H87',
    min: '0',
    max: '10000',
    required: true,
  },
  { id: 'depot_power', label: 'Grid connection at the depot', type: 'number', unit: 'kwt', helpText: 'In kilowatts' },
  {
    id: 'charging',
    label: 'Charging strategy',
    type: 'single_choice',
    required: true,
    options: [
      { id: 'depot', label: 'Depot only' },
      { id: 'opportunity', label: 'Opportunity charging' },
    ],
  },
  {
    id: 'fuels',
    label: 'Zero-emission technologies of interest',
    type: 'multiple_choice',
    minSelections: 1,
    maxSelections: 2,
    options: [
      { id: 'battery', label: 'Battery electric' },
      { id: 'hydrogen', label: 'Hydrogen fuel cell' },
      { id: 'trolley', label: 'Trolley' },
    ],
  },
  { id: 'tender-date', label: 'When will your own tender start?', type: 'date' },
  { id: 'joint', label: 'Would you join a joint procurement?', type: 'yes_no', required: true },
  { id: 'remarks', label: 'Remarks', type: 'text', maxLength: 20 },
];

const questions: Question[] = surveySchema.parse({ version: 1, questions: questionInputs }).questions;

const goodAnswers = {
  'fleet-size': '120',
  charging: 'depot',
  joint: true,
};

function problemsOf(answers: unknown, qs: readonly Question[] = questions): FieldProblem[] {
  const result = validateSurveyAnswers(qs, answers);
  if (!('problems' in result)) throw new Error(`expected problems, got ${JSON.stringify(result.answers)}`);
  return result.problems;
}

function answersOf(answers: unknown, qs: readonly Question[] = questions) {
  const result = validateSurveyAnswers(qs, answers);
  if (!('answers' in result)) throw new Error(`expected answers, got ${JSON.stringify(result.problems)}`);
  return result.answers;
}

/** Issues of a survey that fails, as `path: message`. */
function surveyIssues(survey: unknown): string[] {
  const result = surveySchema.safeParse(survey);
  expect(result.success).toBe(false);
  return result.error!.issues.map((i) => `${i.path.join('.')}: ${i.message}`);
}

const choice = (extra: Record<string, unknown> = {}) => ({
  id: 'q',
  label: 'Pick',
  type: 'single_choice',
  options: [
    { id: 'a', label: 'A' },
    { id: 'b', label: 'B' },
  ],
  ...extra,
});

describe('surveySchema', () => {
  it('takes every question type and fills in the defaults', () => {
    expect(questions.map((q) => q.type)).toEqual([
      'number',
      'number',
      'single_choice',
      'multiple_choice',
      'date',
      'yes_no',
      'text',
    ]);
    expect(questions.find((q) => q.id === 'tender-date')).toEqual({
      id: 'tender-date',
      label: 'When will your own tender start?',
      type: 'date',
      required: false,
    });
    expect(questions.find((q) => q.id === 'depot_power')).toMatchObject({
      unit: 'KWT',
      required: false,
      helpText: 'In kilowatts',
    });
    const text = surveySchema.parse({ version: 1, questions: [{ id: 'why', label: 'Why?', type: 'text' }] })
      .questions[0];
    expect(text).toEqual({ id: 'why', label: 'Why?', type: 'text', required: false, maxLength: 2000 });
  });

  it('accepts a survey without questions of its own (the need-line form is always there)', () => {
    expect(surveySchema.parse({ version: 3, questions: [] })).toEqual({ version: 3, questions: [] });
  });

  it('rejects question ids that repeat', () => {
    expect(
      surveyIssues({ version: 1, questions: [choice(), { id: 'x', label: 'X', type: 'yes_no' }, choice()] }),
    ).toEqual(['questions.2.id: must be unique; questions[0] has it too']);
  });

  it(`rejects more than ${maxQuestions} questions`, () => {
    const many = Array.from({ length: maxQuestions + 1 }, (_, i) => ({ id: `q${i}`, label: `Q${i}`, type: 'yes_no' }));
    expect(surveyIssues({ version: 1, questions: many })).toEqual([
      `questions: must have at most ${maxQuestions} questions`,
    ]);
    expect(surveySchema.parse({ version: 1, questions: many.slice(0, maxQuestions) }).questions).toHaveLength(
      maxQuestions,
    );
  });

  it.each([
    ['Fleet size', 'questions.0.id: must be a short slug'],
    ['1st', 'questions.0.id: must be a short slug'],
    ['__proto__', 'questions.0.id: must be a short slug'],
    ['x'.repeat(41), 'questions.0.id: must be a short slug'],
  ])('rejects the question id %j', (id, issue) => {
    expect(surveyIssues({ version: 1, questions: [{ id, label: 'L', type: 'yes_no' }] })[0]).toContain(issue);
  });

  it.each([
    [
      'a choice with one option',
      choice({ options: [{ id: 'a', label: 'A' }] }),
      'questions.0.options: must offer at least 2 options',
    ],
    [
      'repeated option ids',
      choice({
        options: [
          { id: 'a', label: 'A' },
          { id: 'a', label: 'B' },
        ],
      }),
      'questions.0.options.1.id: must be unique; options[0] has it too',
    ],
    [
      'repeated option labels',
      choice({
        options: [
          { id: 'a', label: 'Same' },
          { id: 'b', label: 'same' },
        ],
      }),
      'questions.0.options.1.label: must be unique; options[0] has it too',
    ],
    ['no options', { id: 'q', label: 'L', type: 'multiple_choice' }, 'questions.0.options: is required'],
    [
      'an unknown type',
      { id: 'q', label: 'L', type: 'essay' },
      'questions.0.type: must be one of: text, number, single_choice, multiple_choice, date, yes_no',
    ],
    ['a question that is not an object', 'yes_no', 'questions.0: must be a question object'],
    ['a number without unit', { id: 'q', label: 'L', type: 'number' }, 'questions.0.unit: is required'],
    [
      'a malformed unit',
      { id: 'q', label: 'L', type: 'number', unit: 'pieces' },
      'questions.0.unit: must be a UN/CEFACT Recommendation 20 unit code',
    ],
    [
      'min above max',
      { id: 'q', label: 'L', type: 'number', unit: 'C62', min: '10', max: '9.5' },
      'questions.0.max: must not be less than min',
    ],
    [
      'a non-numeric min',
      { id: 'q', label: 'L', type: 'number', unit: 'C62', min: 'none' },
      'questions.0.min: must be a number written with digits',
    ],
    [
      'more selections than options',
      choice({ type: 'multiple_choice', minSelections: 3 }),
      'questions.0.minSelections: must not exceed the number of options (2)',
    ],
    [
      'max selections below min',
      choice({ type: 'multiple_choice', minSelections: 2, maxSelections: 1 }),
      'questions.0.maxSelections: must not be less than minSelections',
    ],
    [
      'options on a text question',
      { id: 'q', label: 'L', type: 'text', options: [] },
      'questions.0: Unrecognized key: "options"',
    ],
    ['an empty label', { id: 'q', label: '  ', type: 'yes_no' }, 'questions.0.label: must not be empty'],
    [
      'a text limit of 0',
      { id: 'q', label: 'L', type: 'text', maxLength: 0 },
      'questions.0.maxLength: must be a whole number from 1 to 10000',
    ],
    [
      'required as a string',
      { id: 'q', label: 'L', type: 'yes_no', required: 'yes' },
      'questions.0.required: must be true or false',
    ],
  ])('rejects %s', (_what, question, issue) => {
    expect(surveyIssues({ version: 1, questions: [question] })[0]).toContain(issue);
  });

  it('rejects a version below 1 and a missing question list', () => {
    expect(surveyIssues({ version: 0, questions: [] })).toEqual(['version: must be a whole number from 1']);
    expect(surveyIssues({ version: 1 })).toEqual(['questions: is required']);
  });
});

describe('validateSurveyAnswers: good answers', () => {
  it('returns the answers, normalised, and leaves out unanswered optional questions', () => {
    expect(
      answersOf({
        'fleet-size': '0120.50',
        depot_power: -3.5,
        charging: 'opportunity',
        fuels: ['hydrogen', 'battery'],
        'tender-date': '2028-02-29',
        joint: false,
        remarks: '  fine  ',
      }),
    ).toEqual({
      'fleet-size': '120.5',
      depot_power: '-3.5',
      charging: 'opportunity',
      fuels: ['hydrogen', 'battery'],
      'tender-date': '2028-02-29',
      joint: false,
      remarks: 'fine',
    });
    expect(answersOf(goodAnswers)).toEqual({ 'fleet-size': '120', charging: 'depot', joint: true });
  });

  it('treats null, "", whitespace and [] as unanswered', () => {
    expect(answersOf({ ...goodAnswers, depot_power: null, fuels: [], 'tender-date': '', remarks: '   ' })).toEqual({
      'fleet-size': '120',
      charging: 'depot',
      joint: true,
    });
  });

  it('accepts the limits themselves', () => {
    expect(answersOf({ ...goodAnswers, 'fleet-size': '10000', remarks: 'x'.repeat(20) })).toMatchObject({
      'fleet-size': '10000',
    });
    expect(answersOf({ ...goodAnswers, 'fleet-size': 0 })).toMatchObject({ 'fleet-size': '0' });
    expect(answersOf({ ...goodAnswers, fuels: ['trolley', 'battery'] })).toMatchObject({
      fuels: ['trolley', 'battery'],
    });
  });

  it('needs no answers when nothing is required', () => {
    const optional = questions.map((q) => ({ ...q, required: false }));
    expect(answersOf(undefined, optional)).toEqual({});
    expect(answersOf({}, optional)).toEqual({});
  });
});

describe('validateSurveyAnswers: problems', () => {
  it('names every required question left unanswered', () => {
    const required = ['answers.fleet-size', 'answers.charging', 'answers.joint'].map((field) => ({
      field,
      rule: 'is required',
    }));
    expect(problemsOf({})).toEqual(required);
    expect(problemsOf(undefined)).toEqual(required);
    expect(problemsOf({ 'fleet-size': '', charging: null })).toEqual(required);
  });

  it('requires an answer of every type', () => {
    const all = questions.map((q) => ({ ...q, required: true }));
    expect(problemsOf({ fuels: [], remarks: ' ', 'tender-date': '' }, all).map((p) => `${p.field} ${p.rule}`)).toEqual(
      all.map((q) => `answers.${q.id} is required`),
    );
  });

  it('rejects answers to questions the survey does not ask', () => {
    expect(problemsOf({ ...goodAnswers, colour: 'red', __proto__x: 1 })).toEqual([
      { field: 'answers.colour', rule: 'is not a question of this survey' },
      { field: 'answers.__proto__x', rule: 'is not a question of this survey' },
    ]);
  });

  it.each([[[]], ['yes'], [42], [true]])(
    'rejects answers that are not an object keyed by question id: %j',
    (answers) => {
      expect(problemsOf(answers)).toEqual([{ field: 'answers', rule: 'must be an object keyed by question id' }]);
    },
  );

  it.each([
    ['fleet-size', 'many', 'must be a number written with digits, an optional "-" and an optional "." (e.g. -12.5)'],
    ['fleet-size', '1,5', 'must use "." as the decimal separator, not "," (e.g. 12.5)'],
    ['fleet-size', true, 'must be a number written with digits, an optional "-" and an optional "." (e.g. -12.5)'],
    [
      'fleet-size',
      Number.NaN,
      'must be a number written with digits, an optional "-" and an optional "." (e.g. -12.5)',
    ],
    ['fleet-size', 1e21, 'must be a number written with digits, an optional "-" and an optional "." (e.g. -12.5)'],
    ['fleet-size', '-1', 'must be at least 0'],
    ['fleet-size', '10000.000001', 'must be at most 10000'],
    ['charging', 'solar', 'must be one of the offered options (depot, opportunity)'],
    ['charging', ['depot'], 'must be the id of one of the offered options'],
    ['fuels', 'battery', 'must be a list of ids of the offered options'],
    ['fuels', ['battery', 7], 'must be a list of ids of the offered options'],
    [
      'fuels',
      ['battery', 'diesel'],
      'must only contain offered options (battery, hydrogen, trolley); "diesel" is not one',
    ],
    ['fuels', ['battery', 'battery'], 'must not select an option twice'],
    ['fuels', ['battery', 'hydrogen', 'trolley'], 'must select at most 2 options'],
    ['tender-date', '2027-02-29', 'must be a date (YYYY-MM-DD)'],
    ['tender-date', '2027-04-31', 'must be a date (YYYY-MM-DD)'],
    ['tender-date', '29/02/2028', 'must be a date (YYYY-MM-DD)'],
    ['tender-date', '2028-02-29T10:00:00Z', 'must be a date (YYYY-MM-DD)'],
    ['tender-date', 20280229, 'must be a date (YYYY-MM-DD)'],
    ['joint', 'yes', 'must be true or false'],
    ['joint', 1, 'must be true or false'],
    ['remarks', 'x'.repeat(21), 'must be at most 20 characters'],
    ['remarks', 42, 'must be text'],
  ])('answers.%s = %j → %s', (id, value, rule) => {
    expect(problemsOf({ ...goodAnswers, [id]: value })).toEqual([{ field: `answers.${id}`, rule }]);
  });

  it('enforces the minimum number of selections', () => {
    const [q] = surveySchema.parse({
      version: 1,
      questions: [choice({ type: 'multiple_choice', minSelections: 2 })],
    }).questions;
    expect(problemsOf({ q: ['a'] }, [q!])).toEqual([{ field: 'answers.q', rule: 'must select at least 2 options' }]);
    expect(answersOf({ q: ['b', 'a'] }, [q!])).toEqual({ q: ['b', 'a'] });
  });

  it('does not read answers from Object.prototype for an id like "constructor"', () => {
    const [q] = surveySchema.parse({
      version: 1,
      questions: [{ id: 'constructor', label: 'L', type: 'text', required: true }],
    }).questions;
    expect(problemsOf({}, [q!])).toEqual([{ field: 'answers.constructor', rule: 'is required' }]);
    expect(answersOf({ constructor: 'ok' }, [q!])).toEqual({ constructor: 'ok' });
  });

  it('reports every problem at once', () => {
    expect(problemsOf({ 'fleet-size': 'lots', fuels: ['battery', 'battery'], extra: 1 }).map((p) => p.field)).toEqual([
      'answers.extra',
      'answers.fleet-size',
      'answers.charging',
      'answers.fuels',
      'answers.joint',
    ]);
  });
});

describe('validateSurveyAnswers never throws', () => {
  it(
    'on any answers at all, and every problem names the answers',
    () => {
      fc.assert(
        fc.property(fc.anything(), (answers) => {
          const result = validateSurveyAnswers(questions, answers);
          if ('problems' in result) {
            for (const p of result.problems) expect(p.field).toMatch(/^answers(\.|$)/);
          } else {
            for (const key of Object.keys(result.answers)) expect(questions.map((q) => q.id)).toContain(key);
          }
        }),
      );
    },
    propertyTimeout,
  );

  it(
    'on answers keyed by the real question ids holding anything',
    () => {
      const answer = fc.oneof(
        fc.anything(),
        fc.string(),
        fc.double(),
        fc.boolean(),
        fc.array(fc.string()),
        fc.constantFrom('depot', '2028-01-01', '5'),
      );
      fc.assert(
        fc.property(
          fc.record(Object.fromEntries(questions.map((q) => [q.id, answer])), { requiredKeys: [] }),
          (answers) => {
            const result = validateSurveyAnswers(questions, answers);
            expect('answers' in result !== 'problems' in result).toBe(true);
          },
        ),
      );
    },
    propertyTimeout,
  );
});

describe('draft answers and text answers under the text policy', () => {
  const issues = (value: unknown) =>
    draftAnswersSchema.safeParse(value).error?.issues.map((i) => ({ path: i.path.join('.'), message: i.message }));

  it('takes every shape an answer has, normalising text', () => {
    expect(
      draftAnswersSchema.parse({
        notes: '  Cafe\u0301\r\nline  ',
        fleet: 12.5,
        size: '12,5',
        charging: true,
        fuel: ['ev', 'h2'],
        later: null,
      }),
    ).toEqual({
      notes: 'Café\nline',
      fleet: 12.5,
      size: '12,5',
      charging: true,
      fuel: ['ev', 'h2'],
      later: null,
    });
  });

  it('names the answer and the rule for bad text, a bad key, an object or too much', () => {
    expect(issues({ notes: 'a\u0000b' })).toEqual([{ path: 'notes', message: 'must not contain control characters' }]);
    expect(issues({ notes: 'x'.repeat(10_001) })).toEqual([
      { path: 'notes', message: 'must be at most 10000 characters' },
    ]);
    expect(issues({ fuel: ['ev', 'h2\ud800'] })).toEqual([
      { path: 'fuel.1', message: 'must be well-formed Unicode (no lone surrogates)' },
    ]);
    expect(issues({ 'Not a slug': 'x' })?.[0]?.path).toBe('Not a slug');
    expect(issues({ nested: { a: 1 } })).toEqual([
      { path: 'nested', message: 'must be text, a number, true or false, a list of option ids, or null' },
    ]);
    expect(issues(Object.fromEntries(Array.from({ length: maxQuestions + 1 }, (_, i) => [`q${i}`, 'x'])))).toEqual([
      { path: '', message: `must answer at most ${maxQuestions} questions` },
    ]);
  });

  it('checks a text answer on submission with the policy and the question’s own limit, and stores it normalised', () => {
    const questions = surveySchema.parse({
      version: 1,
      questions: [{ id: 'notes', label: 'Notes', type: 'text', maxLength: 5 }],
    }).questions;
    expect(validateSurveyAnswers(questions, { notes: ' Cafe\u0301 ' })).toEqual({ answers: { notes: 'Café' } });
    expect(validateSurveyAnswers(questions, { notes: 'ab\u0000' })).toEqual({
      problems: [{ field: 'answers.notes', rule: 'must not contain control characters' }],
    });
    expect(validateSurveyAnswers(questions, { notes: 'abcdef' })).toEqual({
      problems: [{ field: 'answers.notes', rule: 'must be at most 5 characters' }],
    });
  });

  it('refuses a label on more than one line or with a bidi override, and keeps help text multi-line', () => {
    const parsed = surveySchema.safeParse({
      version: 1,
      questions: [
        { id: 'a', label: 'Fleet\nsize', type: 'yes_no' },
        { id: 'b', label: 'Fleet \u202esize', type: 'yes_no', helpText: 'One line\nand another' },
      ],
    });
    expect(parsed.error?.issues.map((i) => [i.path.join('.'), i.message])).toEqual([
      ['questions.0.label', 'must be a single line (no line breaks or tabs)'],
      ['questions.1.label', 'must not contain bidirectional control characters'],
    ]);
  });
});
