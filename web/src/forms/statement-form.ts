import { criticalMassLimits, deliveryYearRange, minJointBuyers, minTitleLength } from '@jointdemand/rules/statement';
import type { TFunction } from 'i18next';

import type { Statement, StatementDetails } from '../api/client';
import { durationDays } from '../i18n/format';
import { cpvInputPattern, normaliseCpvInput } from '../pages/statement/cpv';
import type { FieldError } from './errors';
import { textCharacterError, textMaxLength } from './text-rules';

/**
 * The statement form as the user edits it (strings, as typed) and its conversion to the
 * request shape the OpenAPI document defines. Durations are typed in days and sent as ISO 8601
 * durations (30 → P30D); a duration that is not whole days (a test statement's PT10S) is shown
 * and sent back as written.
 */
export const durationFields = ['needsAssessment', 'confirmation', 'marketEngagement', 'approval', 'signature'] as const;
export type DurationField = (typeof durationFields)[number];

export interface QuantityRuleValues {
  cpvCode: string;
  unit: string;
  minQuantity: string;
}

export interface StatementFormValues {
  title: string;
  description: string;
  cpvCodes: string[];
  durations: Record<DurationField, string>;
  reminderOffsets: string[];
  deliveryFromYear: string;
  deliveryToYear: string;
  expectedProcurementStart: string;
  minBuyers: string;
  minCountries: string;
  minTotalValueEur: string;
  quantityRules: QuantityRuleValues[];
}

export const MAX_CPV_CODES = 50;
/** The server's limits for the title and the description (the text policy's kinds). */
export const TITLE_MAX = textMaxLength('title');
export const DESCRIPTION_MAX = textMaxLength('document');
export const MAX_REMINDERS = 5;
export const MAX_QUANTITY_RULES = 50;

export function emptyStatementForm(now = new Date()): StatementFormValues {
  const year = now.getFullYear();
  return {
    title: '',
    description: '',
    cpvCodes: [''],
    durations: { needsAssessment: '30', confirmation: '14', marketEngagement: '30', approval: '14', signature: '30' },
    reminderOffsets: ['7', '1'],
    deliveryFromYear: String(year + 1),
    deliveryToYear: String(year + 2),
    expectedProcurementStart: '',
    minBuyers: '',
    minCountries: '',
    minTotalValueEur: '',
    quantityRules: [],
  };
}

const durationToInput = (iso: string) => {
  const days = durationDays(iso);
  return days === undefined ? iso : String(days);
};

export function statementToForm(s: Statement): StatementFormValues {
  return {
    title: s.title,
    description: s.description,
    cpvCodes: s.cpvCodes.length > 0 ? [...s.cpvCodes] : [''],
    durations: {
      needsAssessment: durationToInput(s.schedule.needsAssessment),
      confirmation: durationToInput(s.schedule.confirmation),
      marketEngagement: durationToInput(s.schedule.marketEngagement),
      approval: durationToInput(s.schedule.approval),
      signature: durationToInput(s.schedule.signature),
    },
    reminderOffsets: s.schedule.reminderOffsets.map(durationToInput),
    deliveryFromYear: String(s.schedule.deliveryFromYear),
    deliveryToYear: String(s.schedule.deliveryToYear),
    expectedProcurementStart: s.schedule.expectedProcurementStart,
    minBuyers: s.criticalMass.minBuyers?.toString() ?? '',
    minCountries: s.criticalMass.minCountries?.toString() ?? '',
    minTotalValueEur: s.criticalMass.minTotalValueEur ?? '',
    quantityRules: s.criticalMass.minQuantityPerCpv.map((r) => ({ ...r })),
  };
}

const wholeNumber = /^\d+$/;
const isoDuration = /^P(?!$)(\d+W)?(\d+D)?(T(?=\d)(\d+H)?(\d+M)?(\d+(\.\d+)?S)?)?$/;
const decimal = /^\d{1,15}(\.\d{1,6})?$/;

/** Days as typed ("30") become P30D; an ISO duration kept from the statement goes back unchanged. */
export function toDuration(value: string): string {
  const v = value.trim();
  return wholeNumber.test(v) ? `P${Number(v)}D` : v.toUpperCase();
}

/** "1 250 000,50" and "1250000.50" both become "1250000.50". */
export function normaliseDecimal(value: string): string {
  const compact = value.trim().replace(/[\s\u00a0\u202f']/g, '');
  return compact.includes(',') && !compact.includes('.') ? compact.replace(',', '.') : compact.replace(/,/g, '');
}

const optionalInt = (value: string) => (value.trim() === '' ? undefined : Number(value.trim()));

export function formToDetails(v: StatementFormValues): StatementDetails {
  const minTotal = normaliseDecimal(v.minTotalValueEur);
  return {
    title: v.title.trim(),
    description: v.description.trim(),
    cpvCodes: v.cpvCodes.map(normaliseCpvInput).filter(Boolean),
    schedule: {
      needsAssessment: toDuration(v.durations.needsAssessment),
      confirmation: toDuration(v.durations.confirmation),
      marketEngagement: toDuration(v.durations.marketEngagement),
      approval: toDuration(v.durations.approval),
      signature: toDuration(v.durations.signature),
      reminderOffsets: v.reminderOffsets.filter((r) => r.trim() !== '').map(toDuration),
      deliveryFromYear: Number(v.deliveryFromYear.trim()),
      deliveryToYear: Number(v.deliveryToYear.trim()),
      expectedProcurementStart: v.expectedProcurementStart,
    },
    criticalMass: {
      ...(optionalInt(v.minBuyers) !== undefined ? { minBuyers: optionalInt(v.minBuyers) } : {}),
      ...(optionalInt(v.minCountries) !== undefined ? { minCountries: optionalInt(v.minCountries) } : {}),
      ...(minTotal ? { minTotalValueEur: minTotal } : {}),
      minQuantityPerCpv: v.quantityRules.map((r) => ({
        cpvCode: normaliseCpvInput(r.cpvCode),
        unit: r.unit.trim().toUpperCase(),
        minQuantity: normaliseDecimal(r.minQuantity),
      })),
    },
  };
}

function intInRange(value: string, min: number, max: number): boolean {
  const v = value.trim();
  return wholeNumber.test(v) && Number(v) >= min && Number(v) <= max;
}

/** The checks a person should hear about before sending; the server checks everything again. */
export function validateStatementForm(v: StatementFormValues, t: TFunction): FieldError[] {
  const errors: FieldError[] = [];
  const add = (path: string, message: string) => errors.push({ path, message });

  const title = v.title.trim();
  const titleCharacters = textCharacterError('title', v.title, t);
  if (titleCharacters) add('title', titleCharacters);
  else if (title.length < minTitleLength || title.length > TITLE_MAX)
    add('title', t('statementForm.errors.titleLength', { min: minTitleLength, max: TITLE_MAX }));
  const description = v.description.trim();
  const descriptionCharacters = textCharacterError('document', v.description, t);
  if (descriptionCharacters) add('description', descriptionCharacters);
  else if (!description) add('description', t('statementForm.errors.descriptionRequired'));
  else if (description.length > DESCRIPTION_MAX)
    add('description', t('statementForm.errors.descriptionLength', { max: DESCRIPTION_MAX }));

  const codes = v.cpvCodes.map(normaliseCpvInput);
  if (codes.every((c) => c === '')) add('cpvCodes[0]', t('statementForm.errors.cpvRequired'));
  else {
    codes.forEach((code, i) => {
      if (code === '' && codes.length > 1) add(`cpvCodes[${i}]`, t('statementForm.errors.cpvEmptyRow'));
      else if (code !== '' && !cpvInputPattern.test(code)) add(`cpvCodes[${i}]`, t('statementForm.errors.cpvFormat'));
    });
  }
  if (codes.filter(Boolean).length > MAX_CPV_CODES)
    add('cpvCodes', t('statementForm.errors.cpvTooMany', { max: MAX_CPV_CODES }));

  const durationOk = (value: string) => {
    const d = value.trim();
    return (
      (wholeNumber.test(d) && Number(d) >= 1 && Number(d) <= 3650) ||
      (isoDuration.test(d.toUpperCase()) && d.toUpperCase() !== 'P0D')
    );
  };
  for (const field of durationFields) {
    if (!durationOk(v.durations[field])) add(`schedule.${field}`, t('statementForm.errors.days'));
  }
  v.reminderOffsets.forEach((r, i) => {
    if (!durationOk(r)) add(`schedule.reminderOffsets[${i}]`, t('statementForm.errors.days'));
  });
  if (v.reminderOffsets.length > MAX_REMINDERS)
    add('schedule.reminderOffsets', t('statementForm.errors.remindersTooMany', { max: MAX_REMINDERS }));

  const years = deliveryYearRange;
  const fromOk = intInRange(v.deliveryFromYear, years.min, years.max);
  const toOk = intInRange(v.deliveryToYear, years.min, years.max);
  if (!fromOk) add('schedule.deliveryFromYear', t('statementForm.errors.year', { min: years.min, max: years.max }));
  if (!toOk) add('schedule.deliveryToYear', t('statementForm.errors.year', { min: years.min, max: years.max }));
  if (fromOk && toOk && Number(v.deliveryToYear) < Number(v.deliveryFromYear)) {
    add('schedule.deliveryToYear', t('statementForm.errors.yearOrder'));
  }
  if (!/^\d{4}-\d{2}-\d{2}$/.test(v.expectedProcurementStart) || Number.isNaN(Date.parse(v.expectedProcurementStart))) {
    add('schedule.expectedProcurementStart', t('statementForm.errors.date'));
  }

  const { maxMinBuyers, maxMinCountries } = criticalMassLimits;
  // The lead and at least one other buyer (Directive 2014/24/EU Art. 38(1)); the server holds the same rule.
  if (v.minBuyers.trim() && !intInRange(v.minBuyers, minJointBuyers, maxMinBuyers))
    add('criticalMass.minBuyers', t('statementForm.errors.minBuyers', { min: minJointBuyers, max: maxMinBuyers }));
  if (v.minCountries.trim() && !intInRange(v.minCountries, 1, maxMinCountries))
    add('criticalMass.minCountries', t('statementForm.errors.wholeNumber', { min: 1, max: maxMinCountries }));
  if (v.minTotalValueEur.trim() && !decimal.test(normaliseDecimal(v.minTotalValueEur)))
    add('criticalMass.minTotalValueEur', t('statementForm.errors.amount'));
  v.quantityRules.forEach((r, i) => {
    const base = `criticalMass.minQuantityPerCpv[${i}]`;
    if (!cpvInputPattern.test(normaliseCpvInput(r.cpvCode)))
      add(`${base}.cpvCode`, t('statementForm.errors.cpvFormat'));
    if (!/^[A-Z0-9]{2,3}$/.test(r.unit.trim().toUpperCase())) add(`${base}.unit`, t('statementForm.errors.unit'));
    if (!decimal.test(normaliseDecimal(r.minQuantity))) add(`${base}.minQuantity`, t('statementForm.errors.quantity'));
  });
  return errors;
}

/** The visible name of each field path, for the error summary. */
export function statementFieldLabel(path: string, t: TFunction): string | undefined {
  const n = (s: string | undefined) => Number(s ?? 0) + 1;
  let m: RegExpExecArray | null;
  if ((m = /^cpvCodes\[(\d+)\]$/.exec(path))) return t('statementForm.cpvCode', { n: n(m[1]) });
  if (path === 'cpvCodes') return t('statementForm.sections.cpv');
  if ((m = /^schedule\.reminderOffsets\[(\d+)\]$/.exec(path))) return t('statementForm.reminder', { n: n(m[1]) });
  if ((m = /^criticalMass\.minQuantityPerCpv\[(\d+)\]\.(cpvCode|unit|minQuantity)$/.exec(path))) {
    return `${t('statementForm.quantityRule', { n: n(m[1]) })}, ${t(`statementForm.quantity.${m[2] as 'cpvCode' | 'unit' | 'minQuantity'}`)}`;
  }
  switch (path) {
    case 'title':
      return t('statementForm.title');
    case 'description':
      return t('statementForm.description');
    case 'schedule.reminderOffsets':
      return t('statementForm.reminders');
    case 'schedule.deliveryFromYear':
      return t('statementForm.deliveryFromYear');
    case 'schedule.deliveryToYear':
      return t('statementForm.deliveryToYear');
    case 'schedule.expectedProcurementStart':
      return t('statementForm.expectedProcurementStart');
    case 'criticalMass.minBuyers':
      return t('statementForm.minBuyers');
    case 'criticalMass.minCountries':
      return t('statementForm.minCountries');
    case 'criticalMass.minTotalValueEur':
      return t('statementForm.minTotalValueEur');
  }
  const d = /^schedule\.(\w+)$/.exec(path)?.[1];
  if (d && (durationFields as readonly string[]).includes(d)) return t(`statementForm.durations.${d as DurationField}`);
  return undefined;
}
