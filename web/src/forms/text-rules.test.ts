import type { TFunction } from 'i18next';
import { describe, expect, it } from 'vitest';

import { answersToRequest, validateAnswers } from '../needs/answers';
import { emptyLine, validateLine } from '../needs/need-lines';
import { newQuestion, validateQuestions } from '../needs/survey-form';
import { REASON_MAX, reasonError, textCharacterError, textMaxLength } from './text-rules';

const t = ((key: string, options?: Record<string, unknown>) =>
  options ? `${key} ${JSON.stringify(options)}` : key) as unknown as TFunction;
const messageAt = (errors: { path: string; message: string }[], path: string) =>
  errors.find((e) => e.path === path)?.message;

describe('the text policy in the forms', () => {
  it('names the character rule the server would apply, as a catalogue key', () => {
    expect(textCharacterError('title', 'Excavators\u0000', t)).toBe('form.text.noControls');
    expect(textCharacterError('title', 'Excavators \ud800', t)).toBe('form.text.wellFormed');
    expect(textCharacterError('title', 'Excavators \u202e', t)).toBe('form.text.noBidiControls');
    expect(textCharacterError('title', 'one\ntwo', t)).toBe('form.text.singleLine');
    expect(textCharacterError('paragraph', 'one\ntwo \u202e', t)).toBeUndefined();
    expect(textCharacterError('name', 'Ærø Kommune', t)).toBeUndefined();
  });

  it('gives each field the server’s maximum', () => {
    expect(textMaxLength('title')).toBe(200);
    expect(textMaxLength('document')).toBe(20_000);
    expect(REASON_MAX).toBe(2000);
  });

  it('shows the rule beside a survey label, an option label, a text answer and a need line description', () => {
    const question = { ...newQuestion('single_choice'), label: 'Fleet\u0000' };
    question.options = question.options.map((o, i) => ({ ...o, label: i === 0 ? 'Electric\u202e' : 'Diesel' }));
    const surveyErrors = validateQuestions([question], 'en', t);
    expect(messageAt(surveyErrors, 'questions[0].label')).toBe('form.text.noControls');
    expect(messageAt(surveyErrors, 'questions[0].options[0].label')).toBe('form.text.noBidiControls');

    const asked = [{ id: 'notes', type: 'text', label: 'Notes', required: false, maxLength: 2000 }] as Parameters<
      typeof validateAnswers
    >[0];
    expect(messageAt(validateAnswers(asked, { notes: 'a\u0000b' }, 'en', t), 'answers.notes')).toBe(
      'form.text.noControls',
    );
    expect(answersToRequest(asked, { notes: ' fine ' }, 'en')).toEqual({ notes: 'fine' });

    const lineErrors = validateLine(
      { ...emptyLine({ fromYear: 2027 }), description: 'Trucks \ud800' },
      0,
      { fromYear: 2027, toYear: 2029 },
      'en',
      t,
    );
    expect(messageAt(lineErrors, 'lines[0].description')).toBe('form.text.wellFormed');
  });

  it('checks a reason’s characters first, then its length', () => {
    expect(reasonError('No\u0000 budget', t, { required: true })).toBe('form.text.noControls');
    expect(reasonError('no', t, { required: true })).toBe('actions.errors.reasonRequired {"min":3}');
    expect(reasonError('', t, { required: false })).toBeUndefined();
    expect(reasonError('x'.repeat(2001), t, { required: false })).toBe('actions.errors.reasonTooLong {"max":2000}');
  });
});
