import { createCipheriv, createDecipheriv, createHash, createHmac, randomBytes, timingSafeEqual } from 'node:crypto';

/**
 * Webhook signatures as the Standard Webhooks specification writes them
 * (https://www.standardwebhooks.com): the secret is `whsec_` + base64 of 32 random bytes; each
 * request carries `webhook-id`, `webhook-timestamp` (Unix seconds) and `webhook-signature`, which
 * is `v1,` + base64 of HMAC-SHA256(secret bytes, `${id}.${timestamp}.${body}`). Receivers check
 * the signature with any Standard Webhooks library, refuse timestamps more than 5 minutes off, and
 * dedupe on `webhook-id`: a delivery tried again (after a failure or a crash) keeps its id.
 */
export const webhookSecretPrefix = 'whsec_';

export function newWebhookSecret(): string {
  return webhookSecretPrefix + randomBytes(32).toString('base64');
}

function secretBytes(secret: string): Buffer {
  const encoded = secret.startsWith(webhookSecretPrefix) ? secret.slice(webhookSecretPrefix.length) : secret;
  return Buffer.from(encoded, 'base64');
}

/** The `webhook-signature` header value for one request. */
export function signWebhook(secret: string, id: string, timestampSeconds: number, body: string): string {
  const mac = createHmac('sha256', secretBytes(secret)).update(`${id}.${timestampSeconds}.${body}`).digest('base64');
  return `v1,${mac}`;
}

/**
 * Checks a request as a receiver should: one of the space-separated `v1,` signatures matches and
 * the timestamp is within `toleranceSeconds` of `nowSeconds`.
 */
export function verifyWebhook(
  secret: string,
  headers: { id: string; timestamp: string; signature: string },
  body: string,
  options: { nowSeconds: number; toleranceSeconds?: number },
): boolean {
  const timestamp = Number(headers.timestamp);
  if (!/^\d+$/.test(headers.timestamp) || !Number.isSafeInteger(timestamp)) return false;
  if (Math.abs(options.nowSeconds - timestamp) > (options.toleranceSeconds ?? 300)) return false;
  const expected = Buffer.from(signWebhook(secret, headers.id, timestamp, body).slice(3), 'base64');
  return headers.signature.split(' ').some((candidate) => {
    if (!candidate.startsWith('v1,')) return false;
    const given = Buffer.from(candidate.slice(3), 'base64');
    return given.length === expected.length && timingSafeEqual(given, expected);
  });
}

/**
 * Signing needs the secret itself, so it cannot be stored as a hash like API tokens: it is stored
 * encrypted (AES-256-GCM, `v1.<iv>.<tag>.<ciphertext>` in base64url) under WEBHOOK_SECRET_KEY,
 * which is kept out of the database; database access alone does not reveal a secret.
 */
export function sealWebhookSecret(key: Buffer, secret: string): string {
  const iv = randomBytes(12);
  const cipher = createCipheriv('aes-256-gcm', key, iv);
  const ciphertext = Buffer.concat([cipher.update(secret, 'utf8'), cipher.final()]);
  return ['v1', iv, cipher.getAuthTag(), ciphertext]
    .map((p) => (typeof p === 'string' ? p : p.toString('base64url')))
    .join('.');
}

export function openWebhookSecret(key: Buffer, sealed: string): string {
  const [version, iv, tag, ciphertext] = sealed.split('.');
  if (version !== 'v1' || !iv || !tag || ciphertext === undefined) throw new Error('not a sealed webhook secret');
  const decipher = createDecipheriv('aes-256-gcm', key, Buffer.from(iv, 'base64url'));
  decipher.setAuthTag(Buffer.from(tag, 'base64url'));
  return Buffer.concat([decipher.update(Buffer.from(ciphertext, 'base64url')), decipher.final()]).toString('utf8');
}

/**
 * The key webhook secrets are sealed with: WEBHOOK_SECRET_KEY (32 bytes, base64), required in
 * production; development and tests derive a fixed one.
 */
export function webhookSecretKey(config: { NODE_ENV: string; WEBHOOK_SECRET_KEY?: string | undefined }): Buffer {
  if (config.WEBHOOK_SECRET_KEY) return Buffer.from(config.WEBHOOK_SECRET_KEY, 'base64');
  if (config.NODE_ENV === 'production') throw new Error('WEBHOOK_SECRET_KEY is required in production');
  return createHash('sha256').update('jointdemand development webhook secret key').digest();
}
