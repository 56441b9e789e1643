import { z } from 'zod';

import { text } from './text-policy.js';

/**
 * Webhooks for suppliers' systems (issue 19), shared: the server checks endpoints and schedules
 * deliveries with these rules, the web's webhook page offers these event types and limits.
 * Only public events: what the public pages and the supplier e-mails already show.
 */
export const webhookEventTypes = [
  'consultation.opened',
  'consultation.answer_published',
  'statement.published',
] as const;
export type WebhookEventType = (typeof webhookEventTypes)[number];

/** The type of the event "send test event" delivers (never chosen, always delivered on request). */
export const webhookTestEventType = 'webhook.test';

/** Endpoints one supplier organisation may register. */
export const maxWebhookEndpoints = 10;
export const maxWebhookUrlLength = 2000;
export const maxWebhookDescriptionLength = 200;

/** How long the receiver has to answer one delivery before the attempt counts as failed. */
export const webhookTimeoutMs = 10_000;

/**
 * Retries: an attempt that fails is tried again after base × 2^(attempt − 1), at most 6 hours.
 * With the default base of 30 s: 30 s, 1 min, 2 min, … 4 h 16 min, then every 6 hours.
 */
export const webhookMaxRetryDelayMs = 6 * 60 * 60 * 1000;
export function webhookRetryDelayMs(failedAttempt: number, baseMs: number): number {
  const exponent = Math.max(0, Math.min(failedAttempt - 1, 40));
  return Math.min(webhookMaxRetryDelayMs, baseMs * 2 ** exponent);
}

/**
 * One delivery is tried at most this many times (with the default base, about 33 hours); an
 * endpoint whose last this many attempts all failed (whatever the events) is disabled and its
 * organisation e-mailed once. A 410 Gone disables it at once.
 */
export const webhookMaxAttempts = 15;

const ipv4 = /^(\d{1,3})\.(\d{1,3})\.(\d{1,3})\.(\d{1,3})$/;

function ipv4Private(a: number, b: number): boolean {
  return (
    a === 0 ||
    a === 10 ||
    a === 127 ||
    (a === 100 && b >= 64 && b <= 127) ||
    (a === 169 && b === 254) ||
    (a === 172 && b >= 16 && b <= 31) ||
    (a === 192 && b === 168) ||
    (a === 192 && b === 0) ||
    (a === 198 && (b === 18 || b === 19)) ||
    a >= 224
  );
}

/** Whether an address is loopback, private, link-local, shared, multicast or otherwise not a public Internet host. */
export function isNonPublicAddress(address: string): boolean {
  const host = address.replace(/^\[|\]$/g, '').toLowerCase();
  const v4 = ipv4.exec(host);
  if (v4) {
    const [a, b] = [Number(v4[1]), Number(v4[2])];
    return ipv4Private(a, b);
  }
  if (!host.includes(':')) return false;
  const mapped = /^::ffff:(\d{1,3}\.\d{1,3}\.\d{1,3}\.\d{1,3})$/.exec(host);
  if (mapped) return isNonPublicAddress(mapped[1]!);
  const mappedHex = /^::ffff:([0-9a-f]{1,4}):([0-9a-f]{1,4})$/.exec(host);
  if (mappedHex) {
    const hi = parseInt(mappedHex[1]!, 16);
    return ipv4Private(hi >> 8, hi & 0xff);
  }
  return (
    host === '::' ||
    host === '::1' ||
    /^f[cd][0-9a-f]{0,2}:/.test(host) ||
    /^fe[89ab][0-9a-f]?:/.test(host) ||
    /^ff[0-9a-f]{0,2}:/.test(host) ||
    host.startsWith('64:ff9b:') ||
    host.startsWith('2001:db8:')
  );
}

const loopbackHosts = new Set(['localhost', '127.0.0.1', '[::1]']);

/** Whether a URL's host is this machine (what WEBHOOK_ALLOW_HTTP_LOCALHOST lets through, for tests and development). */
export function isLoopbackHost(hostname: string): boolean {
  return loopbackHosts.has(hostname.toLowerCase());
}

/**
 * What is wrong with an endpoint URL, in words a client can show, or null. HTTPS to a public
 * host name or address; no credentials in the URL; no private, loopback or link-local targets
 * (SSRF), no `localhost`, `.local`, `.internal` or single-label names. With `allowHttpLocalhost`
 * (tests, development) http:// and https:// to 127.0.0.1, [::1] and localhost are allowed too.
 * The server checks the addresses the name resolves to again before every delivery.
 */
export function webhookUrlProblem(value: string, options: { allowHttpLocalhost: boolean }): string | null {
  if (value.length > maxWebhookUrlLength) return `must be at most ${maxWebhookUrlLength} characters`;
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    return 'must be an absolute URL';
  }
  const host = url.hostname.toLowerCase();
  if (options.allowHttpLocalhost && isLoopbackHost(host) && (url.protocol === 'http:' || url.protocol === 'https:'))
    return url.username || url.password ? 'must not carry a user name or password' : null;
  if (url.protocol !== 'https:') return 'must use https://';
  if (url.username || url.password) return 'must not carry a user name or password';
  if (url.hash) return 'must not have a #fragment';
  if (url.port && url.port !== '443' && Number(url.port) < 1024) return 'must use port 443 or a port from 1024';
  if (isNonPublicAddress(host)) return 'must not point to a private, loopback or link-local address';
  if (!host.includes('.') && !host.startsWith('[')) return 'must name a public host (a fully qualified domain name)';
  if (host === 'localhost' || /\.(localhost|local|internal|lan|home|corp|intranet|localdomain)$/.test(host))
    return 'must not point to a local or internal host name';
  return null;
}

export const webhookEventTypeSchema = z.enum(webhookEventTypes);

/** A new endpoint, as a supplier registers it (the URL's own rules are checked by the server with its settings). */
export const webhookEndpointInputSchema = z
  .object({
    url: text('line', { min: 1, max: maxWebhookUrlLength, minRule: 'is required' }),
    description: text('line', { max: maxWebhookDescriptionLength }).default(''),
    eventTypes: z
      .array(webhookEventTypeSchema)
      .min(1, 'choose at least one event type')
      .refine((types) => new Set(types).size === types.length, 'must not repeat an event type'),
  })
  .strict();
export type WebhookEndpointInput = z.infer<typeof webhookEndpointInputSchema>;

/**
 * The JSON body of a webhook request, as the Standard Webhooks specification shapes it (`type`,
 * `timestamp`, `data`), with the event's id (the same for every endpoint it goes to).
 */
export function webhookEventBody(event: {
  eventId: string;
  type: string;
  occurredAt: Date;
  data: Record<string, unknown>;
}): string {
  return JSON.stringify({
    id: event.eventId,
    type: event.type,
    timestamp: event.occurredAt.toISOString(),
    data: event.data,
  });
}

/** The `webhook-id` of a delivery: the same on every attempt, so receivers dedupe on it. */
export const webhookIdOf = (deliveryId: string): string => `msg_${deliveryId.replaceAll('-', '')}`;
