import type { DbOrTx } from '../db/database.js';
import { enqueueWebhookDeliveries, matchingWebhookEndpoints } from '../db/webhooks.js';
import { webhookEventBody, type WebhookEventType } from '../rules/webhooks.js';

/**
 * Queues one public event for every enabled endpoint that chose its type and whose organisation
 * the notice's e-mail would reach (its subscription matches, or it is engaged in the
 * consultation): one row per (event, endpoint) under the key `${eventId}:${endpointId}`, so a
 * retried or resumed fan-out queues nobody twice. The relay (activities/webhook-relay.ts) sends them.
 */
export async function queueWebhookEvent(
  db: DbOrTx,
  event: {
    eventId: string;
    type: WebhookEventType;
    occurredAt: Date;
    data: Record<string, unknown>;
    demand: { cpvCodes: readonly string[]; countries: readonly string[]; alsoOrgIds?: readonly string[] };
  },
): Promise<number> {
  const endpoints = await matchingWebhookEndpoints(db, event.demand, event.type);
  const body = webhookEventBody(event);
  return enqueueWebhookDeliveries(
    db,
    endpoints.map((e) => ({
      key: `${event.eventId}:${e.id}`,
      endpointId: e.id,
      eventId: event.eventId,
      eventType: event.type,
      body,
    })),
  );
}
