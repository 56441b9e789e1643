import { listEndpoints } from '../../db/webhooks.js';
import type { Principal } from '../../domain/authorization.js';
import { maxWebhookEndpoints, webhookEventTypes } from '../../rules/webhooks.js';
import type { ServiceContext } from '../context.js';
import { endpointView, requireSupplierOrganisation } from './webhook-access.js';
import type { WebhookEndpointView } from './webhook-contracts.js';

/** The caller's organisation's endpoints (never their secrets). */
export async function listWebhookEndpoints(
  ctx: ServiceContext,
  principal: Principal,
): Promise<{
  endpoints: WebhookEndpointView[];
  maxEndpoints: number;
  eventTypes: (typeof webhookEventTypes)[number][];
}> {
  requireSupplierOrganisation(principal);
  const endpoints = await listEndpoints(ctx.db, principal.orgId);
  return {
    endpoints: endpoints.map(endpointView),
    maxEndpoints: maxWebhookEndpoints,
    eventTypes: [...webhookEventTypes],
  };
}
