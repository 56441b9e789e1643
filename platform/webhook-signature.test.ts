import { describe, expect, it } from 'vitest';

import {
  newWebhookSecret,
  openWebhookSecret,
  sealWebhookSecret,
  signWebhook,
  verifyWebhook,
  webhookSecretKey,
} from './webhook-signature.js';

describe('webhook signatures (Standard Webhooks)', () => {
  it('matches the specification’s test vector', () => {
    // The vector of the Standard Webhooks reference libraries.
    const secret = 'whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw';
    const signature = signWebhook(secret, 'msg_p5jXN8AQM9LWM0D4loKWxJek', 1614265330, '{"test": 2432232314}');
    expect(signature).toBe('v1,g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OE=');
  });

  it('verifies what it signs, and nothing changed', () => {
    const secret = newWebhookSecret();
    expect(secret).toMatch(/^whsec_[A-Za-z0-9+/]{43}=$/);
    const body = JSON.stringify({ id: 'evt_1', type: 'statement.published' });
    const headers = { id: 'msg_1', timestamp: '1700000000', signature: signWebhook(secret, 'msg_1', 1700000000, body) };
    const now = { nowSeconds: 1700000100 };
    expect(verifyWebhook(secret, headers, body, now)).toBe(true);
    expect(verifyWebhook(secret, { ...headers, signature: `v1,bogus ${headers.signature}` }, body, now)).toBe(true);
    expect(verifyWebhook(secret, headers, `${body} `, now)).toBe(false);
    expect(verifyWebhook(secret, { ...headers, id: 'msg_2' }, body, now)).toBe(false);
    expect(verifyWebhook(newWebhookSecret(), headers, body, now)).toBe(false);
    expect(verifyWebhook(secret, headers, body, { nowSeconds: 1700000000 + 301 })).toBe(false);
    expect(verifyWebhook(secret, { ...headers, timestamp: '1.7e9' }, body, now)).toBe(false);
  });

  it('seals the secret so only the key opens it', () => {
    const key = webhookSecretKey({ NODE_ENV: 'test' });
    const secret = newWebhookSecret();
    const sealed = sealWebhookSecret(key, secret);
    expect(sealed).not.toContain(secret.slice(6));
    expect(openWebhookSecret(key, sealed)).toBe(secret);
    expect(() => openWebhookSecret(Buffer.alloc(32, 1), sealed)).toThrow();
    expect(() => webhookSecretKey({ NODE_ENV: 'production' })).toThrow(/WEBHOOK_SECRET_KEY/);
  });
});
