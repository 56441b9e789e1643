import { z } from 'zod';

import { publicDemandSchema } from '../../domain/public-contracts.js';
import { locales } from '../../rules/locales.js';
import { stages } from '../../rules/stages.js';

/**
 * Response shapes of the market consultation: the public page, and the lead's and the suppliers'
 * side of it. The services build them, the API documents them from these same schemas. The list
 * of open consultations is a public document (`domain/public-contracts.ts`).
 */
export const publicConsultationSchema = z
  .object({
    statementId: z.uuid(),
    title: z.string(),
    description: z.string(),
    cpvCodes: z.array(z.string()),
    stage: z.enum(stages),
    open: z.boolean(),
    deadline: z.string().nullable(),
    demand: z.union([publicDemandSchema, z.null()]).meta({ description: 'Null before the first aggregate' }),
    requestForInformation: z.array(z.object({ id: z.string(), text: z.string() })),
    answers: z.array(z.object({ number: z.int(), question: z.string(), answer: z.string(), answeredAt: z.string() })),
  })
  .meta({ id: 'PublicConsultation' });

// The lead's side of the market consultation, and the suppliers'.

/** The language of the eForms E1 notice: the one the statement's title and description are written in. */
export const e1NoticeQuery = z.object({
  lang: z
    .enum(locales, { error: `must be ${locales.join(', ')}` })
    .default('en')
    .meta({ description: 'Language the title and description are written in (BT-702), default en' }),
});

export const rfiViewSchema = z
  .object({
    version: z.int().meta({ description: '0 before the lead sets any question' }),
    questions: z.array(z.object({ id: z.string(), text: z.string() })),
  })
  .meta({ id: 'RequestForInformationView' });

export const nameConsentViewSchema = z
  .object({
    organisationId: z.uuid(),
    named: z.boolean().nullable().meta({ description: 'Null until the buyer decides (then not named)' }),
  })
  .meta({ id: 'NameConsent' });

export const consultationResponseViewSchema = z
  .object({
    supplier: z.object({ organisationId: z.uuid(), name: z.string(), country: z.string(), sme: z.boolean() }),
    answers: z.record(z.string(), z.string()),
    revision: z.int(),
    createdAt: z.string(),
    updatedAt: z.string(),
  })
  .meta({ id: 'ConsultationResponse' });

/**
 * The lead's comparison of supplier responses: the request's questions in its order, and each
 * responding supplier with one answer per question in that same order (null where it gave none).
 */
export const supplierResponsesComparedSchema = z
  .object({
    questions: z.array(z.object({ id: z.string(), text: z.string() })).meta({
      description: 'The request for information’s questions, in its order',
    }),
    suppliers: z.array(
      z.object({
        organisationId: z.uuid(),
        name: z.string(),
        country: z.string(),
        sme: z.boolean(),
        revision: z.int(),
        updatedAt: z.string(),
        answers: z.array(z.string().nullable()).meta({
          description: 'One per question, in the order of `questions`; null where the supplier gave no answer',
        }),
      }),
    ),
  })
  .meta({ id: 'SupplierResponsesCompared' });

export const supplierQuestionViewSchema = z
  .object({
    number: z.int(),
    question: z.string(),
    askedAt: z.string(),
    askedBy: z.object({ organisationId: z.uuid(), name: z.string() }),
    answer: z.string().nullable(),
    answeredAt: z.string().nullable(),
  })
  .meta({ id: 'SupplierQuestionView' });

export const questionAnsweredSchema = z
  .object({ number: z.int(), question: z.string(), answer: z.string(), published: z.boolean() })
  .meta({ id: 'QuestionAnswered' });

export const supplierContactViewSchema = z
  .object({
    id: z.int(),
    kind: z.string(),
    supplier: z.object({ organisationId: z.uuid(), name: z.string() }).nullable(),
    userId: z.uuid().nullable(),
    detail: z.record(z.string(), z.unknown()),
    at: z.string(),
  })
  .meta({ id: 'SupplierContact' });

export const marketSummaryViewSchema = z
  .object({
    summaryId: z.string(),
    summaryHash: z.string(),
    computedAt: z.string(),
    summary: z.object({
      responses: z.int(),
      smeResponses: z.int(),
      smeShare: z.string().meta({ description: 'Decimal fraction with 4 places' }),
      countries: z.array(z.object({ country: z.string(), responses: z.int() })),
      answersPerQuestion: z.array(z.object({ questionId: z.string(), text: z.string(), answers: z.int() })),
      questionsAsked: z.int(),
      questionsAnswered: z.int(),
    }),
  })
  .meta({ id: 'MarketSummary' });

// Request bodies and answers of the consultation routes.
export const nameConsentRequestSchema = z.object({ agree: z.boolean({ error: 'must be true or false' }) });

export const questionAskedSchema = z.object({ number: z.int(), question: z.string(), answered: z.boolean() });

export const ownQuestionsSchema = z
  .object({
    questions: z.array(
      z.object({
        number: z.int(),
        question: z.string(),
        askedAt: z.string(),
        answer: z.string().nullable(),
        answeredAt: z.string().nullable(),
      }),
    ),
  })
  .meta({ id: 'OwnQuestions' });

export const supplierResponseViewSchema = z
  .object({
    answers: z.record(z.string(), z.string()),
    revision: z.int(),
    createdAt: z.string(),
    updatedAt: z.string(),
  })
  .meta({ id: 'SupplierResponseView' });
