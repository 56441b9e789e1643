import { appendPlatformAudit } from '../../db/audit.js';
import { deleteEndpoint } from '../../db/webhooks.js';
import type { Principal } from '../../domain/authorization.js';
import type { ServiceContext } from '../context.js';
import { ownEndpoint } from './webhook-access.js';

/** Deletes an endpoint with its deliveries and their log. */
export async function deleteWebhookEndpoint(
  ctx: ServiceContext,
  principal: Principal,
  endpointId: string,
): Promise<void> {
  const endpoint = await ownEndpoint(ctx, principal, endpointId);
  await ctx.db.transaction().execute(async (trx) => {
    await deleteEndpoint(trx, endpointId);
    await appendPlatformAudit(trx, principal, 'webhook_endpoint_deleted', { endpointId, url: endpoint.url });
  });
}
