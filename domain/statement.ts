import { z } from 'zod';

import { criticalMassLimits, deliveryYearRange, minJointBuyers, minTitleLength } from '../rules/statement.js';
import { text } from '../rules/text-policy.js';
import { cpvCodeListSchema } from './cpv.js';
import { decimalStringSchema } from './decimal.js';
import { parseDurationMs } from './duration.js';

/**
 * What the lead buyer says about a joint statement: its subject, its schedule and the rules for
 * a critical mass. Durations, not dates: a stage's deadline is fixed when the stage opens, and
 * the same statement can then run in weeks for real or in seconds in a test.
 */
export const durationSchema = z
  .string()
  .refine((v) => (parseDurationMs(v) ?? 0) > 0, {
    message: 'must be a positive ISO 8601 duration in weeks, days, hours, minutes or seconds (e.g. P30D, PT12H, PT5S)',
  })
  .meta({ description: 'ISO 8601 duration (W, D, H, M, S), e.g. P30D or PT10S', example: 'P30D' });

export const scheduleSchema = z
  .object({
    needsAssessment: durationSchema.default('P30D'),
    confirmation: durationSchema.default('P14D'),
    marketEngagement: durationSchema.default('P30D'),
    approval: durationSchema.default('P14D'),
    signature: durationSchema.default('P30D'),
    reminderOffsets: z
      .array(durationSchema)
      .max(5, 'must list at most 5 reminders')
      .default(['P7D', 'P1D'])
      .meta({ description: 'How long before each deadline a reminder goes to those who have not acted' }),
    deliveryFromYear: z.int().min(deliveryYearRange.min).max(deliveryYearRange.max),
    deliveryToYear: z.int().min(deliveryYearRange.min).max(deliveryYearRange.max),
    expectedProcurementStart: z.iso.date({ message: 'must be a date (YYYY-MM-DD)' }),
  })
  .refine((s) => s.deliveryToYear >= s.deliveryFromYear, {
    path: ['deliveryToYear'],
    message: 'must not be before deliveryFromYear',
  })
  .meta({ id: 'Schedule' });

export type Schedule = z.infer<typeof scheduleSchema>;

export const quantityRuleSchema = z.object({
  cpvCode: z.string().regex(/^\d{8}(-\d)?$/, 'must be a CPV code'),
  unit: z.string().regex(/^[A-Z0-9]{2,3}$/, 'must be a UN/CEFACT Rec 20 unit code'),
  minQuantity: decimalStringSchema,
});

export { minJointBuyers } from '../rules/statement.js';

/**
 * The one rule on how few buyers a joint statement may aim for: the lead and at least one other,
 * as a joint procurement is by "two or more contracting authorities" (Directive 2014/24/EU
 * Art. 38(1)). A statement asking for fewer could be created but never opened, as opening the
 * needs assessment needs another buyer to have joined (the same number, in the workflow).
 */
export const minBuyersRule = `must be at least ${minJointBuyers}: a joint procurement is carried out by two or more contracting authorities, the lead buyer and at least one other (Directive 2014/24/EU Art. 38(1))`;

const criticalMassFields = {
  minBuyers: z
    .int()
    .min(minJointBuyers, minBuyersRule)
    .max(criticalMassLimits.maxMinBuyers)
    .optional()
    .meta({
      description: `At least ${minJointBuyers}: the lead and one other buyer (Directive 2014/24/EU Art. 38(1))`,
    }),
};

export const criticalMassSchema = z
  .object({
    ...criticalMassFields,
    minCountries: z.int().min(1).max(criticalMassLimits.maxMinCountries).optional(),
    minTotalValueEur: decimalStringSchema.optional(),
    minQuantityPerCpv: z.array(quantityRuleSchema).max(50).default([]),
  })
  .meta({ id: 'CriticalMassRules' });

export type CriticalMassRules = z.infer<typeof criticalMassSchema>;

/**
 * The critical-mass rules as a statement shows them: a statement created before the rule on
 * minBuyers still reads (its opening is refused until another buyer joins, whatever it says).
 */
export const criticalMassViewSchema = criticalMassSchema
  .extend({ minBuyers: z.int().min(1).max(criticalMassLimits.maxMinBuyers).optional() })
  .meta({ id: 'CriticalMassRulesView' });

export const statementDetailsSchema = z
  .object({
    title: text('title', { min: minTitleLength }),
    description: text('document', { min: 1, max: 20_000 }),
    cpvCodes: cpvCodeListSchema,
    schedule: scheduleSchema,
    criticalMass: criticalMassSchema.default({ minQuantityPerCpv: [] }),
  })
  .meta({ id: 'StatementDetails' });

/** The request shape (codes as typed) and the stored shape (8-digit keys) differ only in cpvCodes. */
export type StatementDetailsInput = z.input<typeof statementDetailsSchema>;
export type StatementDetails = z.output<typeof statementDetailsSchema>;

/** A patch may change any part; the schedule is replaced as a whole to keep its checks meaningful. */
export const statementDetailsPatchSchema = z
  .object({
    title: statementDetailsSchema.shape.title.optional(),
    description: statementDetailsSchema.shape.description.optional(),
    cpvCodes: cpvCodeListSchema.optional(),
    schedule: scheduleSchema.optional(),
    criticalMass: criticalMassSchema.optional(),
  })
  .refine((p) => Object.values(p).some((v) => v !== undefined), { message: 'must change at least one field' })
  .meta({ id: 'StatementDetailsPatch' });

export type StatementDetailsPatch = z.output<typeof statementDetailsPatchSchema>;
