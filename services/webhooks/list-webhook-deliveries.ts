import { listDeliveryLog } from '../../db/webhooks.js';
import type { Principal } from '../../domain/authorization.js';
import { webhookIdOf } from '../../rules/webhooks.js';
import type { ServiceContext } from '../context.js';
import { ownEndpoint } from './webhook-access.js';

/** An endpoint's delivery log: its last attempts, newest first (the caller's own organisation's only). */
export async function listWebhookDeliveries(
  ctx: ServiceContext,
  principal: Principal,
  endpointId: string,
  limit: number,
) {
  await ownEndpoint(ctx, principal, endpointId);
  const entries = await listDeliveryLog(ctx.db, endpointId, limit);
  return {
    entries: entries.map((e) => ({
      webhookId: webhookIdOf(e.deliveryId),
      eventId: e.eventId,
      eventType: e.eventType,
      attempt: e.attempt,
      at: e.startedAt.toISOString(),
      durationMs: e.durationMs,
      statusCode: e.statusCode,
      error: e.error,
      succeeded: e.succeeded,
      deliveryStatus: e.deliveryStatus as 'pending' | 'sending' | 'delivered' | 'failed' | 'cancelled',
    })),
  };
}
