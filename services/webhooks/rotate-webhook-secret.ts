import { appendPlatformAudit } from '../../db/audit.js';
import { findEndpoint, replaceEndpointSecret } from '../../db/webhooks.js';
import type { Principal } from '../../domain/authorization.js';
import { newWebhookSecret, sealWebhookSecret } from '../../platform/webhook-signature.js';
import type { ServiceContext } from '../context.js';
import { endpointView, ownEndpoint, secretKeyOf } from './webhook-access.js';
import type { WebhookEndpointView } from './webhook-contracts.js';

/** Replaces an endpoint's signing secret at once (attempts from now on are signed with the new one) and shows it once. */
export async function rotateWebhookSecret(
  ctx: ServiceContext,
  principal: Principal,
  endpointId: string,
): Promise<{ endpoint: WebhookEndpointView; secret: string }> {
  await ownEndpoint(ctx, principal, endpointId);
  const secret = newWebhookSecret();
  const endpoint = await ctx.db.transaction().execute(async (trx) => {
    await replaceEndpointSecret(trx, endpointId, sealWebhookSecret(secretKeyOf(ctx), secret));
    await appendPlatformAudit(trx, principal, 'webhook_secret_rotated', { endpointId });
    return (await findEndpoint(trx, endpointId))!;
  });
  return { endpoint: endpointView(endpoint), secret };
}
