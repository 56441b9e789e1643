import { z } from 'zod';

/**
 * The public documents' response shapes: the published statement, the list of published
 * statements and the open consultations, with the demand figures they show. The public routes
 * document them, and the renderer (`db/public-document-renderer.ts`) checks each stored document
 * against them when it writes it: pure zod, so both sides import them from here.
 */
export const decimal = z.string().meta({ description: 'An exact decimal number, as a string' });
/** A money figure as every output shows it: the one rule of rules/money.ts. */
export const shownMoney = z.string().meta({
  description:
    'EUR, shown by one rule: to the cent, a half cent rounded up (Regulation (EC) No 1103/97 Art. 5); where the cents would reach a threshold or minimum shown beside it that the exact value does not reach, the exact value. Verdicts are decided on the exact values',
});
const withheldReason = z.enum(['fewer-buyers', 'dominance', 'complementary']).nullable().meta({
  description:
    'Why a figure is withheld: fewer than 3 buyers make it up; one buyer holds more than 85 % of it; or it is withheld to protect another figure that could otherwise be derived from it',
});
const disclosedGroup = {
  buyers: z.int().nullable().meta({ description: 'Null when withheld' }),
  valueEur: shownMoney
    .nullable()
    .meta({ description: 'Null when withheld to protect individual buyers’ figures (see withheldReason)' }),
  lines: z.int().nullable(),
  withheld: z.boolean(),
  withheldReason,
};
const unitQuantitySchema = z.object({ unit: z.string(), firmQuantity: decimal, totalQuantity: decimal });

/** The aggregate's figures (`Aggregate.aggregate` in services/aggregation/aggregation-contracts.ts), a part of which the public demand shows. */
export const aggregateFiguresSchema = z.object({
  totals: z.object({ ...disclosedGroup, countries: z.int() }),
  byCpv: z.array(
    z.object({
      cpvCode: z.string(),
      level: z.enum(['division', 'group', 'class', 'category', 'code']),
      parentCode: z.string().nullable(),
      ...disclosedGroup,
      quantities: z.array(unitQuantitySchema).nullable(),
    }),
  ),
  items: z
    .array(z.object({ cpvCode: z.string(), ...disclosedGroup, quantities: z.array(unitQuantitySchema).nullable() }))
    .meta({ description: 'The lines coded at exactly each CPV code (what a published item is)' }),
  byCountry: z.array(z.object({ country: z.string(), ...disclosedGroup })),
  byDeliveryYear: z.array(z.object({ year: z.int(), ...disclosedGroup })),
  byBuyerType: z.array(z.object({ buyerLegalType: z.string(), ...disclosedGroup })),
  buyers: z.array(z.object({ orgId: z.string(), name: z.string(), country: z.string(), buyerLegalType: z.string() })),
  conversion: z.object({ date: z.string(), source: z.string(), rates: z.record(z.string(), z.string()) }),
  needVersions: z.int(),
  complete: z
    .boolean()
    .meta({ description: 'True when every figure is shown: for the lead buyer, or when nothing needs withholding' }),
});

/** What anyone sees of the demand (domain/consultation.ts `publicDemand`): small groups withheld, buyers named only if they agreed. */
export const publicDemandSchema = z
  .object({
    totals: aggregateFiguresSchema.shape.totals,
    byCpv: aggregateFiguresSchema.shape.byCpv,
    byCountry: aggregateFiguresSchema.shape.byCountry,
    byDeliveryYear: aggregateFiguresSchema.shape.byDeliveryYear,
    buyers: z.array(z.object({ name: z.string(), country: z.string() })),
    unnamedBuyers: z.int().meta({ description: 'Buyers that took part without agreeing to be named' }),
    conversion: aggregateFiguresSchema.shape.conversion.optional().meta({
      description:
        'The exchange-rate table the EUR figures were converted with: its date, source and the rates used (none: every amount was in EUR). Absent from documents stored before it was added',
    }),
  })
  .meta({ id: 'PublicDemand' });

export const publishedStatementSummarySchema = z
  .object({
    statementId: z.uuid(),
    title: z.string(),
    cpvCodes: z.array(z.string()),
    version: z.int(),
    publishedAt: z.string(),
    signatories: z.int(),
  })
  .meta({ id: 'PublishedStatementSummary' });

export const publishedStatementSchema = z
  .object({
    statementId: z.uuid(),
    title: z.string(),
    description: z.string(),
    cpvCodes: z.array(z.string()),
    version: z.int(),
    publishedAt: z.string(),
    firstPublishedAt: z.string(),
    text: z.string(),
    textVersion: z.int(),
    textLocale: z.string().meta({ description: 'The language the text is written in (the lead buyer’s), e.g. `en`' }),
    signatories: z
      .array(z.object({ name: z.string(), country: z.string(), sinceVersion: z.int(), late: z.boolean() }))
      .meta({ description: 'The signatories that agreed to be named' }),
    unnamedSignatories: z.int().meta({ description: 'Signatories that did not agree to be named' }),
    demand: publicDemandSchema,
    versions: z.array(z.object({ version: z.int(), publishedAt: z.string(), signatories: z.int() })),
    links: z.object({ ocds: z.string(), consultation: z.string(), feed: z.string() }),
  })
  .meta({ id: 'PublishedStatement' });

export const openConsultationSummarySchema = z
  .object({ statementId: z.uuid(), title: z.string(), cpvCodes: z.array(z.string()), deadline: z.string().nullable() })
  .meta({ id: 'OpenConsultationSummary' });
