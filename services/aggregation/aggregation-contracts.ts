import { z } from 'zod';

import { procurementRouteKinds } from '../../domain/cross-border.js';
import { aggregateFiguresSchema, decimal, shownMoney } from '../../domain/public-contracts.js';
import {
  maxAbandonReasonLength,
  maxShortfallJustificationLength,
  type ShortfallDecision,
  shortfallDecisions,
} from '../../rules/aggregation.js';
import { text } from '../../rules/text-policy.js';

/** Response shapes of the aggregation use cases: the services build them, the API documents them from these same schemas. */
const ruleOutcome = <T extends z.ZodType>(t: T) => ({
  field: z.string(),
  required: t,
  actual: t.nullable(),
  met: z.boolean().nullable().meta({ description: 'Null when the figure the rule is decided on is withheld' }),
  gap: t.nullable(),
  withheld: z.boolean(),
});
const thresholdPeriodSchema = z.object({
  validFrom: z.string(),
  validTo: z.string(),
  legalBasis: z.array(z.string()).readonly(),
  provisional: z.boolean(),
  note: z.string().optional(),
});

const natureSchema = z.enum(['works', 'supplies', 'services', 'social-services']);
const positionSchema = z.enum(['at-or-above', 'below']);
const thresholdSetterSchema = z.object({
  orgId: z.string(),
  name: z.string(),
  buyerLegalType: z.string(),
  authorityCategory: z.enum(['central', 'sub-central', 'utilities']),
  categoryBasis: z.enum(['directive', 'assumption']).meta({
    description: 'directive: the Directives place the legal type in that column; assumption: the safe default',
  }),
  categorySource: z.string().meta({ description: 'Article and paragraph placing the legal type in its column' }),
});
const verdictSource = {
  source: z.string().meta({ description: 'Articles and paragraphs the verdict rests on' }),
  explanation: z.string().meta({ description: 'The rule in words (no figures)' }),
};

export const aggregateViewSchema = z
  .object({
    snapshotId: z.uuid(),
    snapshotHash: z.string().meta({ description: 'SHA-256 of the snapshot: aggregate, verdicts and rates' }),
    round: z.int(),
    computedAt: z.string(),
    aggregate: aggregateFiguresSchema,
    criticalMass: z.object({
      met: z.boolean(),
      results: z.array(
        z.union([
          z.object({ rule: z.literal('minBuyers'), ...ruleOutcome(z.number()) }),
          z.object({ rule: z.literal('minCountries'), ...ruleOutcome(z.number()) }),
          z.object({ rule: z.literal('minTotalValueEur'), ...ruleOutcome(shownMoney) }),
          z.object({
            rule: z.literal('minQuantityPerCpv'),
            cpvCode: z.string(),
            unit: z.string(),
            ...ruleOutcome(decimal),
          }),
        ]),
      ),
    }),
    thresholds: z.object({
      expectedProcurementStart: z.string(),
      period: thresholdPeriodSchema,
      estimatedValueEur: shownMoney.nullable(),
      natures: z
        .array(
          z.object({
            nature: natureSchema,
            estimatedValueEur: shownMoney.nullable(),
            thresholdEur: shownMoney,
            position: positionSchema.nullable(),
            differenceEur: shownMoney.nullable(),
            withheld: z.boolean(),
            period: thresholdPeriodSchema,
            provisional: z.boolean(),
            setBy: thresholdSetterSchema,
            ...verdictSource,
          }),
        )
        .meta({ description: 'Each nature as a procurement of its own (Directive 2014/24/EU Art. 4, Art. 5)' }),
      atOrAboveAny: z.boolean().nullable(),
      mixedContract: z
        .object({
          natures: z.array(natureSchema),
          readings: z.array(
            z.object({
              mainSubject: natureSchema,
              basis: z.enum(['highest-value', 'works-main-subject', 'works-incidental']).meta({
                description:
                  'highest-value: Art. 3(2) second subparagraph; works-main-subject / works-incidental: the two readings of the first subparagraph when works are combined with other natures',
              }),
              thresholdEur: shownMoney,
              position: positionSchema,
              differenceEur: shownMoney,
              setBy: thresholdSetterSchema,
              ...verdictSource,
            }),
          ),
          withheld: z.boolean().meta({
            description: 'Withheld whole (no readings) when the total or any nature is withheld',
          }),
        })
        .nullable()
        .meta({
          description:
            'The procurement as one mixed contract (Directive 2014/24/EU Art. 3(2)); null when only one nature is present',
        }),
    }),
    crossBorder: z.object({
      kind: z.enum(['single-buyer', 'occasional', 'cross-border']),
      legalBasis: z.string().nullable(),
      needsAgreement: z.boolean().meta({
        description:
          'Buyers from two or more Member States procuring jointly need an Art. 39(4) agreement; not through a central purchasing body (Art. 39(2)-(3))',
      }),
      countries: z.array(z.string()),
      eeaCountries: z.array(z.string()),
      otherCountries: z.array(z.string()),
      route: z.enum(procurementRouteKinds),
      centralPurchasingBody: z.object({ orgId: z.string(), name: z.string(), country: z.string() }).nullable(),
      applicableLaw: z.string().nullable().meta({
        description: 'On the CPB route, the Member State whose national provisions apply (the CPB’s, Art. 39(3))',
      }),
    }),
  })
  .meta({ id: 'Aggregate' });
export type AggregateView = z.infer<typeof aggregateViewSchema>;

export const figureConsentViewSchema = z
  .object({
    organisationId: z.uuid(),
    showFigures: z
      .boolean()
      .nullable()
      .meta({ description: 'Null until the buyer decides (then its figures are protected like everyone’s)' }),
  })
  .meta({ id: 'FigureConsent' });

// Request bodies of the aggregation routes.
export const figureConsentRequestSchema = z.object({ agree: z.boolean({ error: 'must be true or false' }) });

export const shortfallDecisionSchema = z
  .discriminatedUnion(
    'decision',
    [
      z.object({
        decision: z.literal('extend' satisfies ShortfallDecision),
        deadline: z.iso.datetime({ offset: true, message: 'must be a date-time (ISO 8601) with a time zone' }),
      }),
      z.object({
        decision: z.literal('proceed' satisfies ShortfallDecision),
        justification: text('paragraph', { min: 1, max: maxShortfallJustificationLength }),
      }),
      z.object({
        decision: z.literal('abandon' satisfies ShortfallDecision),
        reason: text('paragraph', { min: 1, max: maxAbandonReasonLength }),
      }),
    ],
    { error: `must be one of ${shortfallDecisions.join(', ')}` },
  )
  .meta({ id: 'ShortfallDecision' });
