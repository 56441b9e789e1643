import { appendPlatformAudit } from '../../db/audit.js';
import { disableEndpoint, enableEndpoint, findEndpoint } from '../../db/webhooks.js';
import type { Principal } from '../../domain/authorization.js';
import type { ServiceContext } from '../context.js';
import { endpointView, ownEndpoint } from './webhook-access.js';
import type { WebhookEndpointView } from './webhook-contracts.js';

/**
 * Disables an endpoint (what it still had to receive is cancelled) or enables it again (its run
 * of failures starts afresh; it receives the events from then on). Repeating either changes nothing.
 */
export async function setWebhookEndpointEnabled(
  ctx: ServiceContext,
  principal: Principal,
  endpointId: string,
  enabled: boolean,
): Promise<WebhookEndpointView> {
  const current = await ownEndpoint(ctx, principal, endpointId);
  if (current.enabled === enabled) return endpointView(current);
  const endpoint = await ctx.db.transaction().execute(async (trx) => {
    if (enabled) await enableEndpoint(trx, endpointId);
    else await disableEndpoint(trx, endpointId, 'by_supplier');
    await appendPlatformAudit(trx, principal, enabled ? 'webhook_endpoint_enabled' : 'webhook_endpoint_disabled', {
      endpointId,
    });
    return (await findEndpoint(trx, endpointId))!;
  });
  return endpointView(endpoint);
}
