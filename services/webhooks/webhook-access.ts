import { findEndpoint, type WebhookEndpointRecord } from '../../db/webhooks.js';
import type { Principal } from '../../domain/authorization.js';
import { DomainError } from '../../domain/errors.js';
import { webhookSecretKey } from '../../platform/webhook-signature.js';
import type { ServiceContext } from '../context.js';
import type { WebhookEndpointView } from './webhook-contracts.js';

/** Webhooks are a supplier organisation's own: buyers, Commission staff and administrators get 403. */
export function requireSupplierOrganisation(principal: Principal): void {
  if (principal.orgKind !== 'supplier')
    throw new DomainError('forbidden', 'Only supplier organisations register webhook endpoints');
}

/** The caller's own organisation's endpoint; another organisation's is 404, as if it did not exist. */
export async function ownEndpoint(
  ctx: ServiceContext,
  principal: Principal,
  endpointId: string,
): Promise<WebhookEndpointRecord> {
  requireSupplierOrganisation(principal);
  const endpoint = await findEndpoint(ctx.db, endpointId);
  if (!endpoint || endpoint.organisationId !== principal.orgId)
    throw new DomainError('not_found', 'No such webhook endpoint');
  return endpoint;
}

export const secretKeyOf = (ctx: ServiceContext): Buffer =>
  webhookSecretKey({
    NODE_ENV: ctx.config.NODE_ENV ?? 'development',
    WEBHOOK_SECRET_KEY: ctx.config.WEBHOOK_SECRET_KEY,
  });

/** Loopback endpoints only where the setting allows them, and never in production. */
export const allowHttpLocalhost = (ctx: ServiceContext): boolean =>
  (ctx.config.WEBHOOK_ALLOW_HTTP_LOCALHOST ?? false) && ctx.config.NODE_ENV !== 'production';

export function endpointView(e: WebhookEndpointRecord): WebhookEndpointView {
  return {
    id: e.id,
    url: e.url,
    description: e.description,
    eventTypes: e.eventTypes as WebhookEndpointView['eventTypes'],
    enabled: e.enabled,
    disabledReason: e.disabledReason,
    disabledAt: e.disabledAt?.toISOString() ?? null,
    consecutiveFailures: e.consecutiveFailures,
    secretRotatedAt: e.secretRotatedAt.toISOString(),
    createdAt: e.createdAt.toISOString(),
  };
}
