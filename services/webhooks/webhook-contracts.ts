import { z } from 'zod';

import { webhookEventTypes } from '../../rules/webhooks.js';

/** Shapes of the webhook pages' answers: the services build them, the API documents them from these same schemas. */
export const webhookEndpointViewSchema = z
  .object({
    id: z.uuid(),
    url: z.string(),
    description: z.string(),
    eventTypes: z.array(z.enum(webhookEventTypes)),
    enabled: z.boolean(),
    disabledReason: z
      .enum(['by_supplier', 'gone', 'failures'])
      .nullable()
      .meta({ description: '`gone`: the receiver answered 410; `failures`: too many failed attempts in a row' }),
    disabledAt: z.string().nullable(),
    consecutiveFailures: z.int(),
    secretRotatedAt: z.string(),
    createdAt: z.string(),
  })
  .meta({ id: 'WebhookEndpointView' });
export type WebhookEndpointView = z.infer<typeof webhookEndpointViewSchema>;

export const webhookEndpointListSchema = z
  .object({
    endpoints: z.array(webhookEndpointViewSchema),
    maxEndpoints: z.int(),
    eventTypes: z.array(z.enum(webhookEventTypes)),
  })
  .meta({ id: 'WebhookEndpointList' });

export const webhookEndpointWithSecretSchema = z
  .object({
    endpoint: webhookEndpointViewSchema,
    secret: z.string().meta({
      description:
        'The signing secret (`whsec_…`), shown this once: the server keeps it sealed to sign, and never shows it again',
    }),
  })
  .meta({ id: 'WebhookEndpointWithSecret' });

export const webhookDeliveryLogSchema = z
  .object({
    entries: z.array(
      z.object({
        webhookId: z.string().meta({ description: 'The `webhook-id` header: the same on every attempt of a delivery' }),
        eventId: z.string(),
        eventType: z.string(),
        attempt: z.int(),
        at: z.string(),
        durationMs: z.int(),
        statusCode: z.int().nullable(),
        error: z.string().nullable(),
        succeeded: z.boolean(),
        deliveryStatus: z.enum(['pending', 'sending', 'delivered', 'failed', 'cancelled']),
      }),
    ),
  })
  .meta({ id: 'WebhookDeliveryLog' });

export const webhookTestSentSchema = z
  .object({ webhookId: z.string(), eventId: z.string() })
  .meta({ id: 'WebhookTestSent' });
