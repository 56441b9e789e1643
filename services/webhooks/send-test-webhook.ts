import { randomUUID } from 'node:crypto';

import { appendPlatformAudit } from '../../db/audit.js';
import { enqueueWebhookDeliveries, findDeliveryByKey } from '../../db/webhooks.js';
import type { Principal } from '../../domain/authorization.js';
import { DomainError } from '../../domain/errors.js';
import { webhookEventBody, webhookIdOf, webhookTestEventType } from '../../rules/webhooks.js';
import type { ServiceContext } from '../context.js';
import { ownEndpoint } from './webhook-access.js';

/**
 * Queues a `webhook.test` event for one enabled endpoint; the relay sends it like any other (signed,
 * retried, logged). With an Idempotency-Key, asking again queues nothing more.
 */
export async function sendTestWebhook(
  ctx: ServiceContext,
  principal: Principal,
  endpointId: string,
  idempotencyKey?: string,
): Promise<{ webhookId: string; eventId: string }> {
  const endpoint = await ownEndpoint(ctx, principal, endpointId);
  if (!endpoint.enabled) throw new DomainError('conflict', 'Enable the endpoint before sending it a test event');
  const eventId = `test-${idempotencyKey ? `${principal.userId}-${idempotencyKey}` : randomUUID()}`;
  const key = `${eventId}:${endpointId}`;
  await ctx.db.transaction().execute(async (trx) => {
    const added = await enqueueWebhookDeliveries(trx, [
      {
        key,
        endpointId,
        eventId,
        eventType: webhookTestEventType,
        body: webhookEventBody({
          eventId,
          type: webhookTestEventType,
          occurredAt: new Date(),
          data: { message: 'A test event from jointdemand: your endpoint receives and verifies webhooks.' },
        }),
      },
    ]);
    if (added > 0) await appendPlatformAudit(trx, principal, 'webhook_test_sent', { endpointId, eventId });
  });
  const delivery = (await findDeliveryByKey(ctx.db, key))!;
  return { webhookId: webhookIdOf(delivery.id), eventId };
}
