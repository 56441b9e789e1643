import { Decimal } from 'decimal.js';
import { z } from 'zod';

import { missingRateRule, type RateCoverage, rateMissingCode, rateProblemOf } from '../rules/exchange-rates.js';
import {
  decimalPattern,
  frameworkMonthsWithoutJustification,
  maxDescriptionLength,
  maxFrameworkJustificationLength,
  maxFrameworkMonths,
  maxNeedLines,
  maxRenewals,
  maxRequirementsLength,
} from '../rules/need-lines.js';
import { text } from '../rules/text-policy.js';
import { cpvCodeSchema, type CpvListEntry, cpvListProblem, parseCpv } from './cpv.js';
import { currencySchema } from './currency.js';
import type { FieldProblem } from './errors.js';

/**
 * A need line is one buyer's estimate of one thing it wants to buy: what (CPV code and
 * description), how much (quantity in a UN/CEFACT Rec 20 unit), at what estimated unit price
 * (net of VAT), when, and under which contract shape (framework term, options, renewals).
 * Amounts travel as decimal strings and are computed with decimal.js: a statement's totals are
 * sums of thousands of lines and must not drift the way binary floats do.
 */
export interface NeedLine {
  /** The 8 digits: the key everywhere in the system. */
  cpvCode: string;
  /** The check digit as the buyer typed it, if given; verified against the official list when loaded. */
  cpvCheckDigit: string | null;
  description: string;
  /** For the whole delivery window (and the whole framework term), not per year or per call-off. */
  quantity: string;
  /** UN/CEFACT Recommendation 20 code, e.g. H87 (piece), KGM (kilogram), C62 (one). */
  unit: string;
  /** Estimated, net of VAT, in `currency`. */
  unitPrice: string;
  currency: string;
  delivery: { fromYear: number; toYear: number };
  /** Framework agreement term in months; null when the need is not for a framework agreement. */
  frameworkMonths: number | null;
  /**
   * Why a framework agreement runs longer than four years (Directive 2014/24/EU Art. 33(1)):
   * required above `frameworkMonthsWithoutJustification` months, null otherwise.
   */
  frameworkJustification: string | null;
  /** Quantity the buyer may add as an option (Directive 2014/24/EU Art. 5(1)). */
  optionalQuantity: string;
  /** Possible renewals, each for `quantityEach` (Art. 5(1)). */
  renewals: { count: number; quantityEach: string };
  requirements: string;
}

/** The limits are shared with the web's need-line form: rules/need-lines.ts. */
export {
  frameworkMonthsWithoutJustification,
  maxDescriptionLength,
  maxFrameworkJustificationLength,
  maxFrameworkMonths,
  maxNeedLines,
  maxRenewals,
  maxRequirementsLength,
} from '../rules/need-lines.js';
const minYear = 2000;
const maxYear = 2100;

/**
 * Wide enough for every product of two admitted decimals (15+6 digits each, times up to 99
 * renewals), so no multiplication or sum ever rounds; `toFixed()` never switches to exponents.
 */
const Exact = Decimal.clone({ precision: 80, rounding: Decimal.ROUND_HALF_EVEN });

const requiredOr = (rule: string) => (issue: { input?: unknown }) => (issue.input === undefined ? 'is required' : rule);

type Sign = 'positive' | 'non_negative';

const decimalFormatRule = 'must be a number written with digits and an optional "." (e.g. 1250.50)';

/** The first rule a decimal string breaks, or undefined when it is acceptable. */
function decimalRule(value: string, sign: Sign): string | undefined {
  if (/^-(\d+(\.\d*)?|\.\d+)$/.test(value))
    return sign === 'positive' ? 'must be greater than 0' : 'must not be negative';
  if (/^\d+,\d+$/.test(value)) return 'must use "." as the decimal separator, not "," (e.g. 1250.50)';
  if (!/^\d+(\.\d+)?$/.test(value)) return decimalFormatRule;
  if (!decimalPattern.test(value)) return 'must have at most 15 digits before and 6 after the decimal point';
  if (sign === 'positive' && new Exact(value).isZero()) return 'must be greater than 0';
  return undefined;
}

/**
 * Like `decimalStringSchema`, with a rule per way of getting it wrong. The output is canonical
 * ("007.50" becomes "7.5"), so equal amounts have equal text and equal content hashes.
 */
function decimalField(sign: Sign, description: string, example: string) {
  return z
    .string({ error: requiredOr(`must be a decimal number written as a string (e.g. "${example}")`) })
    .trim()
    .transform((value, ctx) => {
      const rule = decimalRule(value, sign);
      if (rule) {
        ctx.addIssue({ code: 'custom', message: rule });
        return z.NEVER;
      }
      return new Exact(value).toFixed();
    })
    .meta({ description, example });
}

const yearRule = `must be a year written as a whole number from ${minYear} to ${maxYear}`;
const yearField = z
  .int({ error: requiredOr(yearRule) })
  .min(minYear, yearRule)
  .max(maxYear, yearRule);

const deliverySchema = z
  .strictObject(
    { year: yearField.optional(), fromYear: yearField.optional(), toYear: yearField.optional() },
    { error: requiredOr('must be an object with either year, or fromYear and toYear') },
  )
  .transform((d, ctx) => {
    if (d.year !== undefined) {
      if (d.fromYear !== undefined || d.toYear !== undefined) {
        ctx.addIssue({ code: 'custom', message: 'must give either year, or fromYear and toYear, not both' });
        return z.NEVER;
      }
      return { fromYear: d.year, toYear: d.year };
    }
    if (d.fromYear === undefined && d.toYear === undefined) {
      ctx.addIssue({ code: 'custom', message: 'must give either year, or fromYear and toYear' });
      return z.NEVER;
    }
    if (d.fromYear === undefined) {
      ctx.addIssue({ code: 'custom', path: ['fromYear'], message: 'is required with toYear' });
      return z.NEVER;
    }
    if (d.toYear === undefined) {
      ctx.addIssue({ code: 'custom', path: ['toYear'], message: 'is required with fromYear' });
      return z.NEVER;
    }
    if (d.toYear < d.fromYear) {
      ctx.addIssue({ code: 'custom', path: ['toYear'], message: 'must not be before fromYear' });
      return z.NEVER;
    }
    return { fromYear: d.fromYear, toYear: d.toYear };
  })
  .meta({ description: 'A delivery year ({ "year": 2027 }) or window ({ "fromYear": 2027, "toYear": 2029 })' });

const unitRule =
  'must be a UN/CEFACT Recommendation 20 unit code of 2 or 3 letters and digits (e.g. H87 for piece, KGM for kilogram)';
const unitField = z
  .string({ error: requiredOr(unitRule) })
  .trim()
  .toUpperCase()
  .regex(/^[A-Z0-9]{2,3}$/, unitRule)
  .meta({ description: 'UN/CEFACT Recommendation 20 unit code', example: 'H87' });

const frameworkRule = `must be a whole number of months from 1 to ${maxFrameworkMonths}, or null when not a framework agreement`;
/** The rule of Art. 33(1), as the API names it on the justification field. */
export const frameworkJustificationRule = `is required when frameworkMonths is more than ${frameworkMonthsWithoutJustification}: the term of a framework agreement shall not exceed four years, save in exceptional cases duly justified (Directive 2014/24/EU Art. 33(1))`;

/** Whether a framework term needs a recorded justification (Directive 2014/24/EU Art. 33(1)). */
export function frameworkNeedsJustification(frameworkMonths: number | null | undefined): boolean {
  return (
    typeof frameworkMonths === 'number' &&
    Number.isInteger(frameworkMonths) &&
    frameworkMonths > frameworkMonthsWithoutJustification &&
    // A longer term is refused on its own field; its justification is then beside the point.
    frameworkMonths <= maxFrameworkMonths
  );
}
const renewalCountRule = `must be a whole number from 0 to ${maxRenewals}`;

const renewalsSchema = z.strictObject(
  {
    count: z
      .int({ error: requiredOr(renewalCountRule) })
      .min(0, renewalCountRule)
      .max(maxRenewals, renewalCountRule)
      .default(0),
    quantityEach: decimalField('non_negative', 'Quantity of each renewal', '100').default('0'),
  },
  { error: requiredOr('must be an object with count and quantityEach') },
);

/**
 * One need line as a buyer sends it. It also accepts its own output, so stored lines can be
 * validated again (on submission, or after the statement's horizon changed).
 */
export const needLineSchema = z
  .strictObject(
    {
      cpvCode: z
        .string({ error: requiredOr('must be a CPV code written as a string (e.g. "34144900-7")') })
        .pipe(cpvCodeSchema),
      cpvCheckDigit: z.string().regex(/^\d$/, 'must be a single digit').nullable().optional(),
      description: text('paragraph', { min: 1, max: maxDescriptionLength }),
      quantity: decimalField('positive', 'Quantity over the whole delivery window, > 0', '12'),
      unit: unitField,
      unitPrice: decimalField('non_negative', 'Estimated unit price net of VAT, >= 0, in `currency`', '1250.50'),
      currency: currencySchema,
      delivery: deliverySchema,
      frameworkMonths: z
        .int({ error: requiredOr(frameworkRule) })
        .min(1, frameworkRule)
        .max(maxFrameworkMonths, frameworkRule)
        .nullable()
        .optional(),
      frameworkJustification: text('paragraph', { max: maxFrameworkJustificationLength }).nullable().optional(),
      optionalQuantity: decimalField('non_negative', 'Quantity the buyer may add as an option (Art. 5)', '0').default(
        '0',
      ),
      renewals: renewalsSchema.optional(),
      requirements: text('paragraph', { max: maxRequirementsLength }).default(''),
    },
    { error: requiredOr('must be a need line object') },
  )
  .superRefine((line, ctx) => {
    const typed = line.cpvCode.checkDigit;
    if (typed !== undefined && line.cpvCheckDigit != null && line.cpvCheckDigit !== typed) {
      ctx.addIssue({
        code: 'custom',
        path: ['cpvCheckDigit'],
        message: `must match the check digit given in cpvCode (${typed})`,
      });
    }
    if (frameworkNeedsJustification(line.frameworkMonths) && !line.frameworkJustification?.trim()) {
      ctx.addIssue({ code: 'custom', path: ['frameworkJustification'], message: frameworkJustificationRule });
    }
    const renewals = line.renewals;
    if (renewals && renewals.count === 0 && !new Exact(renewals.quantityEach).isZero()) {
      ctx.addIssue({ code: 'custom', path: ['renewals', 'quantityEach'], message: 'must be 0 when count is 0' });
    }
    if (renewals && renewals.count > 0 && new Exact(renewals.quantityEach).isZero()) {
      ctx.addIssue({
        code: 'custom',
        path: ['renewals', 'quantityEach'],
        message: 'must be greater than 0 when count is more than 0',
      });
    }
  })
  .transform((line): NeedLine => ({
    cpvCode: line.cpvCode.code,
    cpvCheckDigit: line.cpvCode.checkDigit ?? line.cpvCheckDigit ?? null,
    description: line.description,
    quantity: line.quantity,
    unit: line.unit,
    unitPrice: line.unitPrice,
    currency: line.currency,
    delivery: line.delivery,
    frameworkMonths: line.frameworkMonths ?? null,
    // Kept only where Art. 33(1) asks for it, so a stale text never stands beside a short term.
    frameworkJustification: frameworkNeedsJustification(line.frameworkMonths)
      ? line.frameworkJustification!.trim()
      : null,
    optionalQuantity: line.optionalQuantity,
    renewals: line.renewals ?? { count: 0, quantityEach: '0' },
    requirements: line.requirements,
  }))
  .meta({ id: 'NeedLineInput', description: "One need line of a buyer's needs assessment answer" });

export type NeedLineInput = z.input<typeof needLineSchema>;

/** A value of a draft line's field as typed: text under the policy (at most `max`), a number, true/false or nothing. */
const draftValue = (kind: 'line' | 'paragraph', max: number) =>
  z.union([text(kind, { max }), z.number(), z.boolean(), z.null()], {
    error: 'must be text, a number, true or false, or null',
  });
const draftCode = draftValue('line', 100);

/**
 * A need line as a draft holds it: the fields of a need line, any of them missing or not yet
 * valid (a draft saves what was typed; the answer lists what would stop a submission), but no
 * other field, and every text under the text policy and its field's length limit.
 */
export const needLineDraftSchema = z
  .strictObject(
    {
      cpvCode: draftCode.optional(),
      cpvCheckDigit: draftCode.optional(),
      description: draftValue('paragraph', maxDescriptionLength).optional(),
      quantity: draftCode.optional(),
      unit: draftCode.optional(),
      unitPrice: draftCode.optional(),
      currency: draftCode.optional(),
      delivery: z
        .strictObject(
          { year: draftCode.optional(), fromYear: draftCode.optional(), toYear: draftCode.optional() },
          { error: 'must be an object with either year, or fromYear and toYear' },
        )
        .nullable()
        .optional(),
      frameworkMonths: draftCode.optional(),
      frameworkJustification: draftValue('paragraph', maxFrameworkJustificationLength).optional(),
      optionalQuantity: draftCode.optional(),
      renewals: z
        .strictObject(
          { count: draftCode.optional(), quantityEach: draftCode.optional() },
          { error: 'must be an object with count and quantityEach' },
        )
        .nullable()
        .optional(),
      requirements: draftValue('paragraph', maxRequirementsLength).optional(),
    },
    { error: 'must be a need line object' },
  )
  .meta({
    id: 'NeedLineDraft',
    description: 'A need line as saved in a draft: any field may be missing or not yet valid',
  });

export type NeedLineDraft = z.input<typeof needLineDraftSchema>;

/** Quantity including options and every renewal: what Art. 5 counts towards the estimated value. */
export function totalLineQuantity(line: Pick<NeedLine, 'quantity' | 'optionalQuantity' | 'renewals'>): string {
  return new Exact(line.quantity)
    .plus(line.optionalQuantity)
    .plus(new Exact(line.renewals.quantityEach).times(line.renewals.count))
    .toFixed();
}

/**
 * Estimated value of a line in its own currency, net of VAT, options and renewals included
 * (Directive 2014/24/EU Art. 5(1)). The quantity already spans the framework's whole term, so
 * frameworkMonths does not multiply it.
 */
export function estimatedLineValue(
  line: Pick<NeedLine, 'quantity' | 'optionalQuantity' | 'renewals' | 'unitPrice'>,
): string {
  return new Exact(totalLineQuantity(line)).times(line.unitPrice).toFixed();
}

export interface NeedValidationContext {
  /** The statement's delivery horizon: every line is delivered inside it. */
  horizon: { fromYear: number; toYear: number };
  /** The CPV 2008 list's entry for a code; the list is always loaded (db/reference-data-files.ts). */
  cpv: (code8: string) => CpvListEntry;
  /** Whether the code is in UN/CEFACT Recommendation 20, loaded with the CPV list. */
  unitKnown: (code: string) => boolean;
  /**
   * What the rate tables convert today (db/exchange-rates.ts): a currency without a rate in the
   * latest table cannot be aggregated, so it is refused. A stale rate is not the buyer's to fix:
   * the pages warn and the aggregation waits for the administrator's import. None: not checked.
   */
  rates?: RateCoverage;
}

export type NeedLinesValidation = { lines: NeedLine[] } | { problems: FieldProblem[] };

function formatField(prefix: string, path: readonly PropertyKey[]): string {
  return path.reduce<string>(
    (acc, key) => (typeof key === 'number' ? `${acc}[${key}]` : `${acc}.${String(key)}`),
    prefix,
  );
}

/** Zod issues as field problems under `prefix`; an unknown key is named as its own field. */
function issuesToProblems(issues: readonly z.core.$ZodIssue[], prefix: string): FieldProblem[] {
  return issues.flatMap((issue) => {
    if (issue.code === 'unrecognized_keys') {
      return issue.keys.map((key) => ({
        field: formatField(prefix, [...issue.path, key]),
        rule: 'is not a known field',
      }));
    }
    const rule =
      issue.code === 'invalid_type' && /received undefined/.test(issue.message) ? 'is required' : issue.message;
    return [{ field: formatField(prefix, issue.path), rule }];
  });
}

/**
 * Checks a buyer's need lines against the rules and the reference lists and returns either all
 * lines, normalised, or every problem found, each naming its line and field. Never throws on
 * bad input: what a buyer sends is data, not a programming error.
 */
export function validateNeedLines(lines: unknown, ctx: NeedValidationContext): NeedLinesValidation {
  if (!Array.isArray(lines)) {
    return {
      problems: [{ field: 'lines', rule: lines === undefined ? 'is required' : 'must be a list of need lines' }],
    };
  }
  if (lines.length === 0) return { problems: [{ field: 'lines', rule: 'must have at least one need line' }] };
  if (lines.length > maxNeedLines) {
    return { problems: [{ field: 'lines', rule: `must have at most ${maxNeedLines} need lines` }] };
  }
  const problems: FieldProblem[] = [];
  const out: NeedLine[] = [];
  lines.forEach((raw: unknown, i) => {
    const at = `lines[${i}]`;
    const parsed = needLineSchema.safeParse(raw);
    if (!parsed.success) problems.push(...issuesToProblems(parsed.error.issues, at));
    // Checked even when other fields are wrong, so one answer names every problem of the line.
    if (typeof raw === 'object' && raw !== null)
      problems.push(...referenceProblems(raw as Record<string, unknown>, at, ctx));
    if (parsed.success) out.push(parsed.data);
  });
  return problems.length > 0 ? { problems } : { lines: out };
}

/**
 * The checks against the reference lists and the statement, each run only on a field that is
 * well-formed on its own (a malformed field has its problem from the schema already).
 */
function referenceProblems(raw: Record<string, unknown>, at: string, ctx: NeedValidationContext): FieldProblem[] {
  const problems: FieldProblem[] = [];

  const cpv = typeof raw.cpvCode === 'string' ? parseCpv(raw.cpvCode) : undefined;
  if (cpv) {
    const official = ctx.cpv(cpv.code);
    const typedField = official === undefined || cpv.checkDigit !== undefined ? 'cpvCode' : 'cpvCheckDigit';
    const typed =
      cpv.checkDigit ??
      (typeof raw.cpvCheckDigit === 'string' && /^\d$/.test(raw.cpvCheckDigit) ? raw.cpvCheckDigit : undefined);
    const rule = cpvListProblem({ code: cpv.code, checkDigit: typed }, official);
    if (rule !== undefined) problems.push({ field: `${at}.${typedField}`, rule });
  }

  const unit = unitField.safeParse(raw.unit);
  if (unit.success && ctx.unitKnown(unit.data) === false) {
    problems.push({
      field: `${at}.unit`,
      rule: 'must be a code of UN/CEFACT Recommendation 20 (e.g. H87 for piece, KGM for kilogram)',
    });
  }

  const currency = currencySchema.safeParse(raw.currency);
  const rate = currency.success && ctx.rates ? rateProblemOf(currency.data, ctx.rates) : undefined;
  if (rate?.code === rateMissingCode) {
    problems.push({
      field: `${at}.currency`,
      rule: missingRateRule(rate),
      code: rate.code,
      values: { currency: rate.currency, tableDate: rate.tableDate },
    });
  }

  const delivery = deliverySchema.safeParse(raw.delivery);
  if (delivery.success) {
    const { fromYear, toYear } = ctx.horizon;
    const rule = `must be within the statement's delivery horizon (${fromYear} to ${toYear})`;
    const outside = (year: number) => year < fromYear || year > toYear;
    const gaveYear = (raw.delivery as { year?: unknown }).year !== undefined;
    if (gaveYear) {
      if (outside(delivery.data.fromYear)) problems.push({ field: `${at}.delivery.year`, rule });
    } else {
      if (outside(delivery.data.fromYear)) problems.push({ field: `${at}.delivery.fromYear`, rule });
      if (outside(delivery.data.toYear)) problems.push({ field: `${at}.delivery.toYear`, rule });
    }
  }
  return problems;
}

/**
 * The CPV codes (8 digits) and unit codes a batch of raw lines mentions, unique, so a caller can
 * fetch just those from the reference lists before calling validateNeedLines. Tolerates any input.
 */
export function referencedCodes(lines: unknown): { cpvCodes: string[]; unitCodes: string[] } {
  const cpv = new Set<string>();
  const units = new Set<string>();
  if (Array.isArray(lines)) {
    for (const raw of lines.slice(0, maxNeedLines)) {
      if (typeof raw !== 'object' || raw === null) continue;
      const { cpvCode, unit } = raw as { cpvCode?: unknown; unit?: unknown };
      const parsed = typeof cpvCode === 'string' ? parseCpv(cpvCode) : undefined;
      if (parsed) cpv.add(parsed.code);
      if (typeof unit === 'string' && /^[A-Z0-9]{2,3}$/.test(unit.trim().toUpperCase()))
        units.add(unit.trim().toUpperCase());
    }
  }
  return { cpvCodes: [...cpv], unitCodes: [...units] };
}
