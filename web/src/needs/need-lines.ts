import {
  frameworkMonthsWithoutJustification,
  maxDescriptionLength,
  maxFrameworkJustificationLength,
  maxFrameworkMonths,
  maxNeedLines,
  maxRenewals,
  maxRequirementsLength,
} from '@jointdemand/rules/need-lines';
import type { TFunction } from 'i18next';

import type { Schemas } from '../api/client';
import { decimalForInput, Exact, parseDecimalInput, readDecimalInput, withinDecimalBounds } from '../forms/decimal';
import type { FieldError } from '../forms/field-error';
import { textCharacterError } from '../forms/text-rules';
import { cpvInputPattern, normaliseCpvInput } from '../pages/statement/cpv';

/** The request shape of a need line: the API's NeedLineDraft (it takes draft lines as they are). */
type NeedLineDraft = Schemas['NeedLineDraft'];

/**
 * A need line as the buyer edits it (text, as typed, in the buyer's own number convention),
 * its conversion to the request the API takes, the checks worth hearing about before saving
 * (the server checks everything again, against the reference lists too), and its estimated
 * value, computed exactly.
 */
export interface NeedLineValues {
  /** Stable identity for React while lines are added, copied and removed. */
  key: number;
  cpvCode: string;
  description: string;
  quantity: string;
  unit: string;
  unitPrice: string;
  currency: string;
  deliveryKind: 'year' | 'window';
  deliveryYear: string;
  deliveryFromYear: string;
  deliveryToYear: string;
  /** Empty when the need is not for a framework agreement. */
  frameworkMonths: string;
  /** Why a framework runs longer than four years (Directive 2014/24/EU Art. 33(1)); asked for only then. */
  frameworkJustification: string;
  optionalQuantity: string;
  renewalCount: string;
  renewalQuantityEach: string;
  requirements: string;
}

/** The server's limits of need lines (`@jointdemand/rules/need-lines`), under the names the form uses. */
export const MAX_LINES = maxNeedLines;
export const MAX_DESCRIPTION = maxDescriptionLength;
export const MAX_REQUIREMENTS = maxRequirementsLength;
export const MAX_FRAMEWORK_MONTHS = maxFrameworkMonths;
export const FRAMEWORK_MONTHS_WITHOUT_JUSTIFICATION = frameworkMonthsWithoutJustification;
export const MAX_FRAMEWORK_JUSTIFICATION = maxFrameworkJustificationLength;

/** Whether the line's framework term needs its justification: more than four years (Art. 33(1)). */
export function needsFrameworkJustification(line: Pick<NeedLineValues, 'frameworkMonths'>): boolean {
  const v = line.frameworkMonths.trim();
  return /^\d{1,9}$/.test(v) && Number(v) > frameworkMonthsWithoutJustification && Number(v) <= maxFrameworkMonths;
}
export const MAX_RENEWALS = maxRenewals;

/** EUR first, then the currencies of EU Member States outside the euro area and of the EEA (`@jointdemand/rules/currencies`). */
export { commonCurrencies } from '@jointdemand/rules/currencies';

let nextKey = 1;
export const newKey = () => nextKey++;

export function emptyLine(horizon: { fromYear: number }, currency = 'EUR'): NeedLineValues {
  return {
    key: newKey(),
    cpvCode: '',
    description: '',
    quantity: '',
    unit: '',
    unitPrice: '',
    currency,
    deliveryKind: 'year',
    deliveryYear: String(horizon.fromYear),
    deliveryFromYear: '',
    deliveryToYear: '',
    frameworkMonths: '',
    frameworkJustification: '',
    optionalQuantity: '',
    renewalCount: '',
    renewalQuantityEach: '',
    requirements: '',
  };
}

export function copyLine(line: NeedLineValues): NeedLineValues {
  return { ...line, key: newKey() };
}

const text = (v: unknown): string =>
  typeof v === 'string' ? v : typeof v === 'number' && Number.isFinite(v) ? String(v) : '';
const decimalText = (v: unknown, locale: string): string => {
  const s = text(v);
  return /^-?\d+(\.\d+)?$/.test(s) ? decimalForInput(s, locale) : s;
};
const record = (v: unknown): Record<string, unknown> =>
  typeof v === 'object' && v !== null && !Array.isArray(v) ? (v as Record<string, unknown>) : {};

/** A line from a saved draft or a submitted version (which may hold anything the buyer saved). */
export function lineFromSaved(raw: unknown, locale: string): NeedLineValues {
  const r = record(raw);
  const delivery = record(r.delivery);
  const renewals = record(r.renewals);
  const cpv = text(r.cpvCode);
  const check = text(r.cpvCheckDigit);
  const window = delivery.year === undefined && (delivery.fromYear !== undefined || delivery.toYear !== undefined);
  const sameYear = window && delivery.fromYear !== undefined && delivery.fromYear === delivery.toYear;
  const optional = decimalText(r.optionalQuantity, locale);
  const count = text(renewals.count);
  const each = decimalText(renewals.quantityEach, locale);
  return {
    key: newKey(),
    cpvCode: /^\d{8}$/.test(cpv) && /^\d$/.test(check) ? `${cpv}-${check}` : cpv,
    description: text(r.description),
    quantity: decimalText(r.quantity, locale),
    unit: text(r.unit),
    unitPrice: decimalText(r.unitPrice, locale),
    currency: text(r.currency) || 'EUR',
    deliveryKind: window && !sameYear ? 'window' : 'year',
    deliveryYear: text(sameYear ? delivery.fromYear : delivery.year),
    deliveryFromYear: sameYear ? '' : text(delivery.fromYear),
    deliveryToYear: sameYear ? '' : text(delivery.toYear),
    frameworkMonths: text(r.frameworkMonths),
    frameworkJustification: text(r.frameworkJustification),
    optionalQuantity: optional === '0' ? '' : optional,
    renewalCount: count === '0' ? '' : count,
    renewalQuantityEach: each === '0' && (count === '0' || count === '') ? '' : each,
    requirements: text(r.requirements),
  };
}

/** A whole number as a number; anything else as typed, so a draft keeps what was written. */
function intOrText(value: string): number | string | undefined {
  const v = value.trim();
  if (v === '') return undefined;
  return /^\d{1,9}$/.test(v) ? Number(v) : v;
}

function decimalOrText(value: string, locale: string): string | undefined {
  const v = value.trim();
  if (v === '') return undefined;
  return parseDecimalInput(v, locale) ?? v;
}

/**
 * The line as the API takes it. What cannot be read is sent as typed (a draft saves anything),
 * and the server's answer then names the field; empty fields are left out.
 */
export function lineToRequest(line: NeedLineValues, locale: string): NeedLineDraft {
  const out: NeedLineDraft = {};
  const put = <K extends keyof NeedLineDraft>(key: K, value: NeedLineDraft[K] | undefined) => {
    if (value !== undefined) out[key] = value;
  };
  put('cpvCode', normaliseCpvInput(line.cpvCode) || undefined);
  put('description', line.description.trim() || undefined);
  put('quantity', decimalOrText(line.quantity, locale));
  put('unit', line.unit.trim().toUpperCase() || undefined);
  put('unitPrice', decimalOrText(line.unitPrice, locale));
  put('currency', line.currency);
  if (line.deliveryKind === 'year') {
    const year = intOrText(line.deliveryYear);
    put('delivery', year === undefined ? {} : { year });
  } else {
    const fromYear = intOrText(line.deliveryFromYear);
    const toYear = intOrText(line.deliveryToYear);
    put('delivery', { ...(fromYear !== undefined ? { fromYear } : {}), ...(toYear !== undefined ? { toYear } : {}) });
  }
  put('frameworkMonths', intOrText(line.frameworkMonths) ?? null);
  // Sent only where it is asked for: a shorter term keeps no justification (the server drops it too).
  if (needsFrameworkJustification(line)) put('frameworkJustification', line.frameworkJustification.trim() || undefined);
  put('optionalQuantity', decimalOrText(line.optionalQuantity, locale));
  const count = intOrText(line.renewalCount);
  const each = decimalOrText(line.renewalQuantityEach, locale);
  if (count !== undefined || each !== undefined) put('renewals', { count: count ?? 0, quantityEach: each ?? '0' });
  put('requirements', line.requirements.trim() || undefined);
  return out;
}

/** Field paths of a line, as the server names them (`lines[2].quantity`). */
export const linePath = (i: number, field: string) => `lines[${i}].${field}`;

/** The UI field that shows a server problem's path (`lines[0].cpvCheckDigit` is shown at the CPV code). */
export function uiPathFor(serverPath: string, lines: readonly NeedLineValues[]): string {
  const m = /^lines\[(\d+)\](?:\.(.+))?$/.exec(serverPath);
  if (!m) return serverPath;
  const i = Number(m[1]);
  const field = m[2] ?? '';
  const line = lines[i];
  if (field === 'cpvCheckDigit' || field === '') return linePath(i, field === '' ? 'description' : 'cpvCode');
  if (field === 'delivery') return linePath(i, line?.deliveryKind === 'window' ? 'delivery.fromYear' : 'delivery.year');
  if (field === 'renewals') return linePath(i, 'renewals.count');
  if (field.startsWith('delivery.') && line) {
    // A window of one year is shown as a year.
    if (line.deliveryKind === 'year') return linePath(i, 'delivery.year');
  }
  return linePath(i, field);
}

type Parsed =
  | { ok: true; value: Exact }
  | { ok: false; rule: 'required' | 'format' | 'grouping' | 'bounds' }
  | { ok: false; rule: 'ambiguous'; typed: string; asDecimal: string; asThousands: string };

function readDecimal(value: string, locale: string, required: boolean): Parsed | undefined {
  const v = value.trim();
  if (v === '') return required ? { ok: false, rule: 'required' } : undefined;
  const read = readDecimalInput(v, locale);
  if (!read.ok) {
    const p = read.problem;
    if (p.kind === 'ambiguous') return { ok: false, rule: 'ambiguous', typed: v, ...p };
    return { ok: false, rule: p.kind === 'grouping' ? 'grouping' : 'format' };
  }
  if (!withinDecimalBounds(read.value)) return { ok: false, rule: 'bounds' };
  return { ok: true, value: new Exact(read.value) };
}

/** The amount and quantity fields of a line, by their path under the line. */
const decimalFields = [
  ['quantity', 'quantity'],
  ['unitPrice', 'unitPrice'],
  ['optionalQuantity', 'optionalQuantity'],
  ['renewals.quantityEach', 'renewalQuantityEach'],
] as const;

/**
 * The message of a number that cannot be read as typed, in the interface language: the two
 * readings of an ambiguous one, each as it would be typed so it cannot be misread.
 */
export function numberProblemMessage(p: Parsed & { ok: false }, locale: string, t: TFunction): string {
  const number = (v: string) => new Intl.NumberFormat(locale, { maximumFractionDigits: 6 }).format(v as never);
  switch (p.rule) {
    case 'ambiguous':
      return t('needs.errors.ambiguousNumber', {
        typed: p.typed,
        asDecimal: number(p.asDecimal),
        asThousands: number(p.asThousands),
        typeDecimal: decimalForInput(p.asDecimal, locale),
        typeThousands: p.asThousands,
      });
    case 'grouping':
      return t('needs.errors.grouping', { example: number('1250000') });
    case 'bounds':
      return t('needs.errors.decimalBounds');
    default:
      return t('needs.errors.decimalFormat', { example: decimalForInput('1250.5', locale) });
  }
}

/** What a typed amount or quantity reads as, for the value shown beside its field; undefined while empty. */
export function readNumberField(value: string, locale: string): Parsed | undefined {
  return readDecimal(value, locale, false);
}

/**
 * The numbers of the lines that could be read two ways ("390.000" in English). They stop a save:
 * sent as typed, the API would take "390.000" as its own canonical 390, which may not be what the
 * buyer meant (issue 18). Every other unreadable text is saved as typed and named on submission.
 */
export function ambiguousNumbers(lines: readonly NeedLineValues[], locale: string, t: TFunction): FieldError[] {
  return lines.flatMap((line, i) =>
    decimalFields.flatMap(([path, key]) => {
      const p = readDecimal(line[key], locale, false);
      return p && !p.ok && p.rule === 'ambiguous'
        ? [{ path: linePath(i, path), message: numberProblemMessage(p, locale, t) }]
        : [];
    }),
  );
}

const wholeNumber = (value: string) => (/^\d{1,9}$/.test(value.trim()) ? Number(value.trim()) : undefined);

/** The checks a buyer should hear about, in the interface language; each names its field. */
export function validateLine(
  line: NeedLineValues,
  i: number,
  horizon: { fromYear: number; toYear: number },
  locale: string,
  t: TFunction,
): FieldError[] {
  const errors: FieldError[] = [];
  const add = (field: string, message: string) => errors.push({ path: linePath(i, field), message });

  const cpv = normaliseCpvInput(line.cpvCode);
  if (!cpv) add('cpvCode', t('needs.errors.cpvRequired'));
  else if (!cpvInputPattern.test(cpv)) add('cpvCode', t('needs.errors.cpvFormat'));

  const description = line.description.trim();
  const descriptionCharacters = textCharacterError('paragraph', line.description, t);
  if (descriptionCharacters) add('description', descriptionCharacters);
  else if (!description) add('description', t('needs.errors.descriptionRequired'));
  else if (description.length > MAX_DESCRIPTION)
    add('description', t('needs.errors.tooLong', { max: MAX_DESCRIPTION }));

  const decimalMessage = (p: Parsed & { ok: false }, what: 'quantity' | 'price') =>
    p.rule === 'required'
      ? t(what === 'quantity' ? 'needs.errors.quantityRequired' : 'needs.errors.priceRequired')
      : numberProblemMessage(p, locale, t);

  const quantity = readDecimal(line.quantity, locale, true);
  if (quantity && !quantity.ok) add('quantity', decimalMessage(quantity, 'quantity'));
  else if (quantity?.ok && !quantity.value.gt(0)) add('quantity', t('needs.errors.positive'));

  const unit = line.unit.trim();
  if (!unit) add('unit', t('needs.errors.unitRequired'));
  else if (!/^[A-Za-z0-9]{2,3}$/.test(unit)) add('unit', t('needs.errors.unitFormat'));

  const price = readDecimal(line.unitPrice, locale, true);
  if (price && !price.ok) add('unitPrice', decimalMessage(price, 'price'));
  else if (price?.ok && price.value.isNegative()) add('unitPrice', t('needs.errors.notNegative'));

  if (!line.currency) add('currency', t('needs.errors.currencyRequired'));

  const yearCheck = (field: string, value: string) => {
    const year = wholeNumber(value);
    if (year === undefined) add(field, t('needs.errors.year', { from: horizon.fromYear, to: horizon.toYear }));
    else if (year < horizon.fromYear || year > horizon.toYear)
      add(field, t('needs.errors.horizon', { from: horizon.fromYear, to: horizon.toYear }));
    return year;
  };
  if (line.deliveryKind === 'year') yearCheck('delivery.year', line.deliveryYear);
  else {
    const from = yearCheck('delivery.fromYear', line.deliveryFromYear);
    const to = yearCheck('delivery.toYear', line.deliveryToYear);
    if (from !== undefined && to !== undefined && to < from) add('delivery.toYear', t('needs.errors.yearOrder'));
  }

  if (line.frameworkMonths.trim() !== '') {
    const months = wholeNumber(line.frameworkMonths);
    if (months === undefined || months < 1 || months > MAX_FRAMEWORK_MONTHS)
      add('frameworkMonths', t('needs.errors.months', { max: MAX_FRAMEWORK_MONTHS }));
  }
  if (needsFrameworkJustification(line)) {
    const characters = textCharacterError('paragraph', line.frameworkJustification, t);
    if (characters) add('frameworkJustification', characters);
    else if (!line.frameworkJustification.trim())
      add(
        'frameworkJustification',
        t('needs.errors.frameworkJustification', { months: FRAMEWORK_MONTHS_WITHOUT_JUSTIFICATION }),
      );
    else if (line.frameworkJustification.trim().length > MAX_FRAMEWORK_JUSTIFICATION)
      add('frameworkJustification', t('needs.errors.tooLong', { max: MAX_FRAMEWORK_JUSTIFICATION }));
  }

  const optional = readDecimal(line.optionalQuantity, locale, false);
  if (optional && !optional.ok) add('optionalQuantity', decimalMessage(optional, 'quantity'));
  else if (optional?.ok && optional.value.isNegative()) add('optionalQuantity', t('needs.errors.notNegative'));

  let count: number | undefined = 0;
  if (line.renewalCount.trim() !== '') {
    count = wholeNumber(line.renewalCount);
    if (count === undefined || count > MAX_RENEWALS)
      add('renewals.count', t('needs.errors.renewalCount', { max: MAX_RENEWALS }));
  }
  const each = readDecimal(line.renewalQuantityEach, locale, false);
  if (each && !each.ok) add('renewals.quantityEach', decimalMessage(each, 'quantity'));
  else if (count !== undefined && count > 0 && !(each?.ok && each.value.gt(0)))
    add('renewals.quantityEach', t('needs.errors.renewalQuantity'));
  else if (count === 0 && each?.ok && !each.value.isZero())
    add('renewals.count', t('needs.errors.renewalCountMissing'));

  const requirementsCharacters = textCharacterError('paragraph', line.requirements, t);
  if (requirementsCharacters) add('requirements', requirementsCharacters);
  else if (line.requirements.trim().length > MAX_REQUIREMENTS)
    add('requirements', t('needs.errors.tooLong', { max: MAX_REQUIREMENTS }));
  return errors;
}

/**
 * Total quantity (options and every renewal included) and estimated value of a line:
 * (quantity + optional + renewals × quantity each) × unit price, exactly; undefined while the
 * quantity or the price cannot be read.
 */
export function lineValue(
  line: NeedLineValues,
  locale: string,
): { quantity: Exact; price: Exact; value: Exact } | undefined {
  const read = (v: string, required: boolean) => {
    const p = readDecimal(v, locale, required);
    return p === undefined ? new Exact(0) : p.ok ? p.value : undefined;
  };
  const quantity = read(line.quantity, true);
  const price = read(line.unitPrice, true);
  const optional = read(line.optionalQuantity, false);
  const each = read(line.renewalQuantityEach, false);
  const count = line.renewalCount.trim() === '' ? 0 : wholeNumber(line.renewalCount);
  if (!quantity || !price || !optional || !each || count === undefined) return undefined;
  const total = quantity.plus(optional).plus(each.times(count));
  return { quantity: total, price, value: total.times(price) };
}

export interface CurrencyTotal {
  currency: string;
  value: Exact;
  lines: number;
}

/** Estimated value per currency over the lines that can be computed, in the order currencies first appear. */
export function totalsByCurrency(
  lines: readonly NeedLineValues[],
  locale: string,
): { totals: CurrencyTotal[]; incomplete: number } {
  const totals = new Map<string, CurrencyTotal>();
  let incomplete = 0;
  for (const line of lines) {
    const v = lineValue(line, locale);
    if (!v || !line.currency) {
      incomplete += 1;
      continue;
    }
    const t = totals.get(line.currency) ?? { currency: line.currency, value: new Exact(0), lines: 0 };
    totals.set(line.currency, { currency: line.currency, value: t.value.plus(v.value), lines: t.lines + 1 });
  }
  return { totals: [...totals.values()], incomplete };
}

/** The visible name of a line field, for the error summary ("Line 2, quantity"). */
export function lineFieldLabel(path: string, t: TFunction): string | undefined {
  const m = /^lines\[(\d+)\]\.(.+)$/.exec(path);
  if (!m) return path === 'lines' ? t('needs.lines.title') : undefined;
  const n = Number(m[1]) + 1;
  const key = (
    {
      cpvCode: 'needs.line.cpvCode',
      cpvCheckDigit: 'needs.line.cpvCode',
      description: 'needs.line.description',
      quantity: 'needs.line.quantity',
      unit: 'needs.line.unit',
      unitPrice: 'needs.line.unitPrice',
      currency: 'needs.line.currency',
      delivery: 'needs.line.deliveryYear',
      'delivery.year': 'needs.line.deliveryYear',
      'delivery.fromYear': 'needs.line.deliveryFromYear',
      'delivery.toYear': 'needs.line.deliveryToYear',
      frameworkMonths: 'needs.line.frameworkMonths',
      frameworkJustification: 'needs.line.frameworkJustification',
      optionalQuantity: 'needs.line.optionalQuantity',
      renewals: 'needs.line.renewalCount',
      'renewals.count': 'needs.line.renewalCount',
      'renewals.quantityEach': 'needs.line.renewalQuantityEach',
      requirements: 'needs.line.requirements',
    } as const
  )[m[2] as 'cpvCode'];
  return key ? t('needs.errors.lineField', { n, field: t(key) }) : t('needs.line.title', { n });
}
