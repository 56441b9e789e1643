import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ApiClient, startHarness, type Harness } from './support/harness.js';

/**
 * Requests that e-mail an address the caller typed are limited per client address (here 2 per
 * 15 minutes): a sign-in link and a supplier registration. Past the limit the answer is a 429
 * problem, no mail is sent and nothing is written.
 */
describe('limits on requests that send e-mail', () => {
  let h: Harness;
  const anonymous = () => new ApiClient(h.baseUrl);

  beforeAll(async () => {
    h = await startHarness({ worker: false, mailSendingRateLimit: 2 });
  });

  afterAll(async () => {
    await h?.close();
  });

  it('answers 429 to the third sign-in link request from one address, and sends no third mail', async () => {
    const email = `nobody-${randomUUID().slice(0, 8)}@rate.test`;
    for (let i = 0; i < 2; i++) expect((await anonymous().post('/api/auth/sign-in', { email })).status).toBe(202);
    const third = await anonymous().post('/api/auth/sign-in', { email });
    expect(third.status).toBe(429);
    expect(third.body).toMatchObject({ status: 429, code: 'rate_limited' });
  });

  it('answers 429 to the third supplier registration from one address, and registers nothing', async () => {
    const register = (n: number) =>
      anonymous().post('/api/suppliers', {
        organisation: { name: `Rate Test Supplier ${n} ${randomUUID().slice(0, 6)}`, country: 'SE', sme: true },
        user: { email: `rate-${n}-${randomUUID().slice(0, 8)}@rate.test`, name: 'Rate Tester' },
      });
    expect((await register(1)).status).toBe(201);
    expect((await register(2)).status).toBe(201);
    const third = await register(3);
    expect(third.status).toBe(429);
    expect(third.body).toMatchObject({ code: 'rate_limited' });
    const written = await h.db.selectFrom('organisations').select('name').where('name', 'like', 'Rate Test Supplier 3 %').execute();
    expect(written).toEqual([]);
    // Reading is not limited.
    expect((await anonymous().get('/api/consultations')).status).toBe(200);
  });
});
