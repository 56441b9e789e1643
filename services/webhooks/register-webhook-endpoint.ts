import { appendPlatformAudit } from '../../db/audit.js';
import { countEndpointsForUpdate, insertEndpoint } from '../../db/webhooks.js';
import type { Principal } from '../../domain/authorization.js';
import { DomainError, unprocessable } from '../../domain/errors.js';
import { newWebhookSecret, sealWebhookSecret } from '../../platform/webhook-signature.js';
import { maxWebhookEndpoints, type WebhookEndpointInput, webhookUrlProblem } from '../../rules/webhooks.js';
import type { ServiceContext } from '../context.js';
import { allowHttpLocalhost, endpointView, requireSupplierOrganisation, secretKeyOf } from './webhook-access.js';
import type { WebhookEndpointView } from './webhook-contracts.js';

/**
 * Registers an endpoint for the caller's supplier organisation and returns its signing secret,
 * the only time it is shown. At most `maxWebhookEndpoints` per organisation (422 above).
 */
export async function registerWebhookEndpoint(
  ctx: ServiceContext,
  principal: Principal,
  input: WebhookEndpointInput,
): Promise<{ endpoint: WebhookEndpointView; secret: string }> {
  requireSupplierOrganisation(principal);
  const problem = webhookUrlProblem(input.url, { allowHttpLocalhost: allowHttpLocalhost(ctx) });
  if (problem) throw new DomainError('invalid_input', `url ${problem}`, [{ field: 'url', rule: problem }]);
  const secret = newWebhookSecret();
  const endpoint = await ctx.db.transaction().execute(async (trx) => {
    if ((await countEndpointsForUpdate(trx, principal.orgId)) >= maxWebhookEndpoints)
      throw unprocessable(
        [{ field: 'url', rule: `an organisation may register at most ${maxWebhookEndpoints} endpoints` }],
        'Too many webhook endpoints',
      );
    const created = await insertEndpoint(trx, {
      organisationId: principal.orgId,
      url: input.url,
      description: input.description,
      eventTypes: input.eventTypes,
      secretSealed: sealWebhookSecret(secretKeyOf(ctx), secret),
      createdBy: principal.userId,
    });
    await appendPlatformAudit(trx, principal, 'webhook_endpoint_registered', {
      endpointId: created.id,
      url: created.url,
      eventTypes: created.eventTypes,
    });
    return created;
  });
  return { endpoint: endpointView(endpoint), secret };
}
