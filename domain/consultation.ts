import { Decimal } from 'decimal.js';
import { z } from 'zod';

import { consultationTextMax, minQuestionLength } from '../rules/consultation.js';
import { text } from '../rules/text-policy.js';
import type { Aggregate } from './aggregation.js';
import { discloseAggregate, type DisclosurePattern } from './disclosure/protected-views.js';

/**
 * The preliminary market consultation (Directive 2014/24/EU Art. 40-41): what the public sees
 * of the demand, the request-for-information questions, suppliers' responses and questions, and
 * the market summary that closes it. Pure.
 */
const rfiQuestionIdSchema = z
  .string()
  .regex(/^[a-z0-9][a-z0-9_-]{0,39}$/, 'must be 1 to 40 lowercase letters, digits, - or _');

export const rfiQuestionSchema = z.object({
  id: rfiQuestionIdSchema,
  text: text('paragraph', { min: minQuestionLength, max: consultationTextMax.rfiQuestion }),
});

export const rfiQuestionsSchema = z
  .object({
    questions: z
      .array(rfiQuestionSchema)
      .max(50, 'must list at most 50 questions')
      .superRefine((qs, ctx) => {
        const seen = new Set<string>();
        qs.forEach((q, i) => {
          if (seen.has(q.id))
            ctx.addIssue({ code: 'custom', path: [i, 'id'], message: 'must be unique among the questions' });
          seen.add(q.id);
        });
      }),
  })
  .meta({ id: 'RequestForInformation' });

export type RfiQuestion = z.output<typeof rfiQuestionSchema>;

export const supplierResponseSchema = z
  .object({
    answers: z
      .record(rfiQuestionIdSchema, text('paragraph', { max: consultationTextMax.response }))
      .refine((a) => Object.keys(a).length <= 50, { message: 'must answer at most 50 questions' }),
  })
  .meta({ id: 'SupplierResponse' });

export const supplierQuestionSchema = z
  .object({ question: text('paragraph', { min: minQuestionLength, max: consultationTextMax.supplierQuestion }) })
  .meta({ id: 'SupplierQuestion' });

export const leadAnswerSchema = z
  .object({ answer: text('paragraph', { min: 1, max: consultationTextMax.leadAnswer }) })
  .meta({ id: 'LeadAnswer' });

/** Answers must name questions of the request for information; returns the problems. */
export function checkAnswers(
  answers: Record<string, string>,
  questions: readonly RfiQuestion[],
): { field: string; rule: string }[] {
  const ids = new Set(questions.map((q) => q.id));
  return Object.keys(answers)
    .filter((k) => !ids.has(k))
    .map((k) => ({ field: `answers.${k}`, rule: 'must be the id of a question of the request for information' }));
}

/**
 * The demand as the public sees it: the figures the disclosure pattern leaves, and no buyer's
 * own figures. Buyers are named only if they agreed to it.
 */
export function publicDemand(aggregate: Aggregate, pattern: DisclosurePattern, namedOrgIds: ReadonlySet<string>) {
  const d = discloseAggregate(aggregate, pattern);
  return {
    totals: d.totals,
    byCpv: d.byCpv,
    byCountry: d.byCountry,
    byDeliveryYear: d.byDeliveryYear,
    buyers: d.buyers.filter((b) => namedOrgIds.has(b.orgId)).map((b) => ({ name: b.name, country: b.country })),
    unnamedBuyers: d.buyers.filter((b) => !namedOrgIds.has(b.orgId)).length,
    // Printed beside the converted figures: which rates, of which day, from where.
    conversion: d.conversion,
  };
}

export interface ResponseFact {
  supplierOrgId: string;
  country: string;
  sme: boolean;
  answers: Record<string, string>;
}

export interface MarketSummary {
  responses: number;
  smeResponses: number;
  /** SMEs among the responding suppliers, a decimal fraction with 4 places ("0.5000"); "0" without responses. */
  smeShare: string;
  countries: { country: string; responses: number }[];
  answersPerQuestion: { questionId: string; text: string; answers: number }[];
  questionsAsked: number;
  questionsAnswered: number;
}

export function summariseMarket(
  responses: readonly ResponseFact[],
  rfi: readonly RfiQuestion[],
  questions: { asked: number; answered: number },
): MarketSummary {
  const sme = responses.filter((r) => r.sme).length;
  const byCountry = new Map<string, number>();
  for (const r of responses) byCountry.set(r.country, (byCountry.get(r.country) ?? 0) + 1);
  return {
    responses: responses.length,
    smeResponses: sme,
    smeShare: responses.length === 0 ? '0' : new Decimal(sme).div(responses.length).toFixed(4),
    countries: [...byCountry].sort(([a], [b]) => a.localeCompare(b)).map(([country, n]) => ({ country, responses: n })),
    answersPerQuestion: rfi.map((q) => ({
      questionId: q.id,
      text: q.text,
      answers: responses.filter((r) => (r.answers[q.id] ?? '').trim() !== '').length,
    })),
    questionsAsked: questions.asked,
    questionsAnswered: questions.answered,
  };
}
