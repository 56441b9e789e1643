import { z } from 'zod';

import { maxWebhookEndpoints, webhookEndpointInputSchema, webhookEventTypes } from '../../rules/webhooks.js';
import type { ServiceContext } from '../../services/context.js';
import { deleteWebhookEndpoint } from '../../services/webhooks/delete-webhook-endpoint.js';
import { listWebhookDeliveries } from '../../services/webhooks/list-webhook-deliveries.js';
import { listWebhookEndpoints } from '../../services/webhooks/list-webhook-endpoints.js';
import { registerWebhookEndpoint } from '../../services/webhooks/register-webhook-endpoint.js';
import { rotateWebhookSecret } from '../../services/webhooks/rotate-webhook-secret.js';
import { sendTestWebhook } from '../../services/webhooks/send-test-webhook.js';
import { setWebhookEndpointEnabled } from '../../services/webhooks/set-webhook-endpoint-enabled.js';
import {
  webhookDeliveryLogSchema,
  webhookEndpointListSchema,
  webhookEndpointViewSchema,
  webhookEndpointWithSecretSchema,
  webhookTestSentSchema,
} from '../../services/webhooks/webhook-contracts.js';
import type { ApiRoutes } from '../route.js';
import { requestMeta } from './statement-routes.js';

const tags = ['Webhooks'];
const endpointParams = z.object({ endpointId: z.uuid() });
const noStore = { 'cache-control': 'no-store' };
const supplierOnly =
  'The caller’s own supplier organisation’s endpoints only: 403 for buyers, Commission staff and administrators, 404 for another organisation’s endpoint.';

/** Webhooks for suppliers' systems (issue 19): endpoints, secrets, the delivery log, a test event. */
export function webhookRoutes(api: ApiRoutes, ctx: ServiceContext): void {
  api.add({
    method: 'get',
    path: '/api/me/webhooks',
    summary: 'The webhook endpoints of the caller’s supplier organisation',
    description: supplierOnly,
    tags,
    access: 'user',
    responses: { 200: { description: 'Endpoints, without their secrets', schema: webhookEndpointListSchema } },
    handler: async ({ principal }) => ({ status: 200, body: await listWebhookEndpoints(ctx, principal) }),
  });

  api.add({
    method: 'post',
    path: '/api/me/webhooks',
    summary: 'Register a webhook endpoint; its signing secret is shown this once',
    description:
      `HTTPS to a public host only (private, loopback and link-local targets are refused, and checked again at each delivery); ` +
      `at most ${maxWebhookEndpoints} per organisation. Event types: ${webhookEventTypes.map((t) => `\`${t}\``).join(', ')}. ` +
      'Each request is signed as the Standard Webhooks specification says (`webhook-id`, `webhook-timestamp`, ' +
      '`webhook-signature: v1,<base64 HMAC-SHA256 of id.timestamp.body>`); a retry keeps its `webhook-id`, so dedupe on it. ' +
      supplierOnly,
    tags,
    access: 'user',
    body: webhookEndpointInputSchema,
    responses: {
      201: { description: 'Registered; store the secret now', schema: webhookEndpointWithSecretSchema },
      422: { description: 'The organisation has as many endpoints as it may' },
    },
    handler: async ({ principal, body }) => ({
      status: 201,
      headers: noStore,
      body: await registerWebhookEndpoint(ctx, principal, body),
    }),
  });

  api.add({
    method: 'post',
    path: '/api/me/webhooks/:endpointId/secret',
    summary: 'Replace an endpoint’s signing secret at once; the new one is shown this once',
    description: supplierOnly,
    tags,
    access: 'user',
    params: endpointParams,
    responses: { 200: { description: 'The new secret', schema: webhookEndpointWithSecretSchema } },
    handler: async ({ principal, params }) => ({
      status: 200,
      headers: noStore,
      body: await rotateWebhookSecret(ctx, principal, params.endpointId),
    }),
  });

  api.add({
    method: 'put',
    path: '/api/me/webhooks/:endpointId/enabled',
    summary: 'Enable or disable an endpoint',
    description:
      'Disabling cancels what it still had to receive; enabling again starts its run of failures afresh and it receives the events from then on. ' +
      supplierOnly,
    tags,
    access: 'user',
    params: endpointParams,
    body: z.object({ enabled: z.boolean() }).strict(),
    responses: { 200: { description: 'The endpoint', schema: webhookEndpointViewSchema } },
    handler: async ({ principal, params, body }) => ({
      status: 200,
      body: await setWebhookEndpointEnabled(ctx, principal, params.endpointId, body.enabled),
    }),
  });

  api.add({
    method: 'delete',
    path: '/api/me/webhooks/:endpointId',
    summary: 'Delete an endpoint with its delivery log',
    description: supplierOnly,
    tags,
    access: 'user',
    params: endpointParams,
    responses: { 204: { description: 'Deleted' } },
    handler: async ({ principal, params }) => {
      await deleteWebhookEndpoint(ctx, principal, params.endpointId);
      return { status: 204 };
    },
  });

  api.add({
    method: 'get',
    path: '/api/me/webhooks/:endpointId/deliveries',
    summary: 'An endpoint’s delivery log: its last attempts, newest first',
    description: supplierOnly,
    tags,
    access: 'user',
    params: endpointParams,
    query: z.object({ limit: z.coerce.number().int().min(1).max(200).default(50) }),
    responses: { 200: { description: 'The last attempts', schema: webhookDeliveryLogSchema } },
    handler: async ({ principal, params, query }) => ({
      status: 200,
      body: await listWebhookDeliveries(ctx, principal, params.endpointId, query.limit),
    }),
  });

  api.add({
    method: 'post',
    path: '/api/me/webhooks/:endpointId/test',
    summary: 'Send a `webhook.test` event to an enabled endpoint',
    description: `Queued and sent like any event (signed, retried, logged). With an Idempotency-Key, repeating it sends nothing more. ${supplierOnly}`,
    tags,
    access: 'user',
    params: endpointParams,
    responses: {
      202: { description: 'Queued', schema: webhookTestSentSchema },
      409: { description: 'The endpoint is disabled' },
    },
    handler: async ({ principal, params, req }) => ({
      status: 202,
      body: await sendTestWebhook(ctx, principal, params.endpointId, requestMeta(req).idempotencyKey),
    }),
  });
}
