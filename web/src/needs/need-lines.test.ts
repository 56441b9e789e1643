import type { TFunction } from 'i18next';
import { describe, expect, it } from 'vitest';

import { parseDecimalInput } from '../forms/decimal';
import { ambiguousAnswers, type Question, validateAnswers } from './answers';
import {
  ambiguousNumbers,
  emptyLine,
  lineFromSaved,
  lineToRequest,
  lineValue,
  type NeedLineValues,
  totalsByCurrency,
  uiPathFor,
  validateLine,
} from './need-lines';
import { newQuestion, validateQuestions } from './survey-form';

const t = ((key: string) => key) as unknown as TFunction;
const line = (patch: Partial<NeedLineValues>): NeedLineValues => ({ ...emptyLine({ fromYear: 2027 }), ...patch });

describe('typed decimals', () => {
  it('reads each language’s own convention', () => {
    expect(parseDecimalInput('1 250,50', 'fr')).toBe('1250.5');
    expect(parseDecimalInput('1.250,50', 'de')).toBe('1250.5');
    expect(parseDecimalInput('1,250.50', 'en')).toBe('1250.5');
    expect(parseDecimalInput('1250.5', 'de')).toBe('1250.5');
    expect(parseDecimalInput('1.250', 'de')).toBe('1250');
    expect(parseDecimalInput('0,125', 'de')).toBe('0.125');
    expect(parseDecimalInput('12', 'en')).toBe('12');
    expect(parseDecimalInput('-3', 'en')).toBe('-3');
  });

  it('refuses what could be read two ways, and reads it in the language whose thousands separator it is (issue 18)', () => {
    expect(parseDecimalInput('390.000', 'en')).toBeUndefined();
    expect(parseDecimalInput('390,000', 'en')).toBe('390000');
    expect(parseDecimalInput('390.000', 'de')).toBe('390000');
    expect(parseDecimalInput('390,000', 'de')).toBeUndefined();
    expect(parseDecimalInput('390 000', 'fr')).toBe('390000');
    expect(parseDecimalInput('390.000', 'fr')).toBeUndefined();
  });

  it('names both readings of an ambiguous number at its field, and stops the save for it', () => {
    const lines = [line({ quantity: '2', unitPrice: '390.000' }), line({ quantity: '1,500', unitPrice: '1' })];
    expect(ambiguousNumbers(lines, 'en', t).map((e) => `${e.path} ${e.message}`)).toEqual([
      'lines[0].unitPrice needs.errors.ambiguousNumber',
    ]);
    expect(ambiguousNumbers(lines, 'de', t).map((e) => e.path)).toEqual(['lines[1].quantity']);
    const errors = validateLine(lines[0]!, 0, { fromYear: 2027, toYear: 2027 }, 'en', t);
    expect(errors.find((e) => e.path === 'lines[0].unitPrice')?.message).toBe('needs.errors.ambiguousNumber');
    expect(lineValue(lines[0]!, 'en')).toBeUndefined();
  });

  it('stops the save for a number answer that reads two ways too', () => {
    const questions = [
      { id: 'fleet', label: 'Fleet', type: 'number', unit: 'H87', required: false },
      { id: 'notes', label: 'Notes', type: 'text', required: false, maxLength: 100 },
    ] as unknown as Question[];
    const values = { fleet: '1.500', notes: '1.500' };
    expect(ambiguousAnswers(questions, values, 'en', t)).toEqual([
      { path: 'answers.fleet', message: 'needs.errors.ambiguousNumber' },
    ]);
    expect(ambiguousAnswers(questions, values, 'de', t)).toEqual([]);
    expect(validateAnswers(questions, values, 'en', t).map((e) => e.message)).toEqual(['needs.errors.ambiguousNumber']);
  });

  it('names both readings of a survey limit the lead typed ambiguously', () => {
    const q = { ...newQuestion('number'), label: 'Fleet', unit: 'H87', min: '1.500', max: '2,500' };
    expect(validateQuestions([q], 'en', t).map((e) => `${e.path} ${e.message}`)).toEqual([
      'questions[0].min needs.errors.ambiguousNumber',
    ]);
  });

  it('shows a saved value for editing so that it reads back the same', () => {
    expect(lineFromSaved({ quantity: '1.234', unitPrice: '390000' }, 'en')).toMatchObject({
      quantity: '1.2340',
      unitPrice: '390000',
    });
    expect(lineFromSaved({ quantity: '1.234' }, 'de').quantity).toBe('1,2340');
    expect(parseDecimalInput('1,2340', 'de')).toBe('1.234');
  });

  it('refuses what is not a number', () => {
    for (const bad of ['', 'abc', '1.2.3,4,5', '1,2,3.4.5', '12a', '--1'])
      expect(parseDecimalInput(bad, 'en')).toBeUndefined();
  });
});

describe('estimated value of a line', () => {
  it('is (quantity + optional + renewals × quantity each) × unit price, exactly', () => {
    const v = lineValue(
      line({
        quantity: '4',
        optionalQuantity: '1',
        renewalCount: '2',
        renewalQuantityEach: '0.5',
        unitPrice: '450000.10',
      }),
      'en',
    );
    expect(v?.quantity.toFixed()).toBe('6');
    expect(v?.value.toFixed()).toBe('2700000.6');
  });

  it('does not drift like binary floats', () => {
    const lines = Array.from({ length: 10 }, () => line({ quantity: '1', unitPrice: '0.1' }));
    expect(totalsByCurrency(lines, 'en').totals[0]?.value.toFixed()).toBe('1');
  });

  it('is totalled per currency and leaves out lines it cannot read', () => {
    const { totals, incomplete } = totalsByCurrency(
      [
        line({ quantity: '2', unitPrice: '10' }),
        line({ quantity: '3', unitPrice: '5', currency: 'SEK' }),
        line({ quantity: 'x', unitPrice: '1' }),
        line({ quantity: '1', unitPrice: '0,5' }),
      ],
      'fr',
    );
    expect(totals.map((x) => [x.currency, x.value.toFixed(), x.lines])).toEqual([
      ['EUR', '20.5', 2],
      ['SEK', '15', 1],
    ]);
    expect(incomplete).toBe(1);
  });
});

describe('the request and the saved draft', () => {
  it('sends canonical decimals and whole years, and reads them back', () => {
    const typed = line({
      cpvCode: '43262100-8',
      description: 'Excavator',
      quantity: '1 250,5',
      unit: 'h87',
      unitPrice: '10',
      renewalCount: '1',
      renewalQuantityEach: '2',
    });
    const request = lineToRequest(typed, 'fr');
    expect(request).toMatchObject({
      cpvCode: '43262100-8',
      quantity: '1250.5',
      unit: 'H87',
      delivery: { year: 2027 },
      frameworkMonths: null,
      renewals: { count: 1, quantityEach: '2' },
    });
    const back = lineFromSaved(request, 'fr');
    expect([back.quantity, back.deliveryYear, back.renewalCount]).toEqual(['1250,5', '2027', '1']);
  });

  it('keeps what cannot be read as typed, so a draft loses nothing', () => {
    expect(lineToRequest(line({ quantity: 'lots', deliveryYear: '20x7' }), 'en')).toMatchObject({
      quantity: 'lots',
      delivery: { year: '20x7' },
    });
  });
});

describe('checks beside each field', () => {
  it('names the line and the field', () => {
    const errors = validateLine(
      line({ cpvCode: '4326', description: 'x', quantity: '0', unit: 'H87', unitPrice: '-1', deliveryYear: '2031' }),
      2,
      { fromYear: 2027, toYear: 2029 },
      'en',
      t,
    );
    expect(errors.map((e) => `${e.path} ${e.message}`)).toEqual([
      'lines[2].cpvCode needs.errors.cpvFormat',
      'lines[2].quantity needs.errors.positive',
      'lines[2].unitPrice needs.errors.notNegative',
      'lines[2].delivery.year needs.errors.horizon',
    ]);
  });

  it('asks why a framework agreement runs longer than four years (Art. 33(1)), and sends it only then', () => {
    const base = { cpvCode: '43260000-3', description: 'x', quantity: '1', unit: 'H87', unitPrice: '1' };
    const check = (patch: Partial<NeedLineValues>) =>
      validateLine(line({ ...base, ...patch }), 0, { fromYear: 2027, toYear: 2029 }, 'en', t).map(
        (e) => `${e.path} ${e.message}`,
      );
    expect(check({ frameworkMonths: '48' })).toEqual([]);
    expect(check({ frameworkMonths: '120' })).toEqual([
      'lines[0].frameworkJustification needs.errors.frameworkJustification',
    ]);
    expect(check({ frameworkMonths: '120', frameworkJustification: 'Depot build-out over eight years' })).toEqual([]);
    const long = line({ ...base, frameworkMonths: '96', frameworkJustification: ' Depots ' });
    expect(lineToRequest(long, 'en')).toMatchObject({ frameworkMonths: 96, frameworkJustification: 'Depots' });
    expect(lineFromSaved(lineToRequest(long, 'en'), 'en').frameworkJustification).toBe('Depots');
    expect(
      lineToRequest(line({ ...base, frameworkMonths: '24', frameworkJustification: 'stale' }), 'en'),
    ).not.toHaveProperty('frameworkJustification');
  });

  it('shows server paths at the field that holds them', () => {
    const lines = [line({ deliveryKind: 'window' })];
    expect(uiPathFor('lines[0].cpvCheckDigit', lines)).toBe('lines[0].cpvCode');
    expect(uiPathFor('lines[0].delivery', lines)).toBe('lines[0].delivery.fromYear');
    expect(uiPathFor('lines[0].quantity', lines)).toBe('lines[0].quantity');
    expect(uiPathFor('answers.fleet', lines)).toBe('answers.fleet');
  });
});
