import { z } from 'zod';

import { openConsultationSummarySchema, publishedStatementSummarySchema } from '../../domain/public-contracts.js';
import { stages } from '../../rules/stages.js';

/** Shapes of the suppliers' side: the services build the answers, the API documents them from these same schemas. */
export const subscriptionViewSchema = z
  .object({
    cpvPrefixes: z.array(z.string()),
    countries: z.array(z.string()),
    active: z.boolean(),
    emailVerified: z.boolean().meta({ description: 'Notices go only to confirmed addresses' }),
    unsubscribedAt: z.string().nullable(),
  })
  .meta({ id: 'SubscriptionView' });

export const supplierHomeSchema = z
  .object({
    subscription: subscriptionViewSchema,
    openConsultations: z.int().meta({ description: 'Consultations open now, matching or not' }),
    matchingConsultations: z.array(openConsultationSummarySchema).meta({
      description:
        'Open consultations the subscription matches (the rule of the e-mailed notices), the soonest to close first',
    }),
    engagements: z
      .array(
        z
          .object({
            statementId: z.uuid(),
            title: z.string(),
            stage: z.enum(stages),
            open: z.boolean(),
            deadline: z
              .string()
              .nullable()
              .meta({ description: 'The consultation deadline while in market engagement' }),
            respondedAt: z
              .string()
              .nullable()
              .meta({ description: 'When the organisation last saved its response; null if it did not respond' }),
            questionsAsked: z.int(),
            questionsAnswered: z.int(),
          })
          .meta({ id: 'SupplierEngagement' }),
      )
      .meta({ description: 'Consultations the organisation responded to or asked a question in, the latest first' }),
    recentPublished: z.array(publishedStatementSummarySchema),
  })
  .meta({ id: 'SupplierHome' });

export const unsubscribeViewSchema = z
  .object({ email: z.string(), subscribed: z.boolean() })
  .meta({ id: 'UnsubscribeStatus' });

export const supplierRegistrationReceivedSchema = z
  .object({ status: z.literal('check_your_email') })
  .meta({ id: 'SupplierRegistrationReceived' });
