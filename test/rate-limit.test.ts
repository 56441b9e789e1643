import { randomUUID } from 'node:crypto';
import { createServer, type Server } from 'node:http';

import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { createApp } from '../api/app.js';
import type { ServiceContext } from '../services/context.js';
import { ApiClient, type Harness, makeOrganisation, makeUser, startHarness } from './support/harness.js';

/**
 * Requests that e-mail an address the caller typed are limited per client address (here 2 per
 * 15 minutes): a sign-in link and a supplier registration. Past the limit the answer is a 429
 * problem, no mail is sent and nothing is written. The counters live in PostgreSQL.
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
    expect(Number(third.headers.get('retry-after'))).toBeGreaterThan(0);
    // A made-up X-Forwarded-For does not reset it: no proxy is trusted unless TRUST_PROXY says so.
    const spoofed = await anonymous().post('/api/auth/sign-in', { email }, { 'x-forwarded-for': '203.0.113.7' });
    expect(spoofed.status).toBe(429);
  });

  it('answers 429 to the third supplier registration from one address, and registers nothing', async () => {
    const register = (n: number) =>
      anonymous().post('/api/suppliers', {
        organisation: { name: `Rate Test Supplier ${n} ${randomUUID().slice(0, 6)}`, country: 'SE', sme: true },
        user: { email: `rate-${n}-${randomUUID().slice(0, 8)}@rate.test`, name: 'Rate Tester' },
      });
    expect((await register(1)).status).toBe(202);
    expect((await register(2)).status).toBe(202);
    const third = await register(3);
    expect(third.status).toBe(429);
    expect(third.body).toMatchObject({ code: 'rate_limited' });
    await new Promise((r) => setTimeout(r, 300));
    const written = await h.db
      .selectFrom('organisations')
      .select('name')
      .where('name', 'like', 'Rate Test Supplier 3 %')
      .execute();
    expect(written).toEqual([]);
    const pending = await sql`select email from supplier_registrations where email like 'rate-3-%'`.execute(h.db);
    expect(pending.rows).toEqual([]);
    // Reading is not limited.
    expect((await anonymous().get('/api/consultations')).status).toBe(200);
  });
});

/**
 * The limits a deployment configures (here: 3 links per e-mail address, 6 mails and 5 failed
 * authentications per client address), behind a proxy it trusts (TRUST_PROXY=loopback), shared
 * by two API processes of the same deployment.
 */
describe('limits per e-mail address, on failed authentication, shared by every API process', () => {
  let h: Harness;
  let servers: Server[] = [];
  let urls: string[] = [];

  const serve = async (ctx: ServiceContext): Promise<string> => {
    const holder: { handler?: (req: unknown, res: unknown) => void } = {};
    const server = createServer((req, res) => holder.handler!(req, res));
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', () => resolve()));
    servers.push(server);
    const url = `http://127.0.0.1:${(server.address() as { port: number }).port}`;
    holder.handler = createApp({
      ctx,
      db: h.db,
      temporal: h.temporal,
      mailer: h.mailer,
      secureCookies: false,
      checkResponses: true,
    }).app as never;
    return url;
  };

  beforeAll(async () => {
    h = await startHarness({ worker: true });
    // Both processes of one deployment: the same PUBLIC_URL, the same settings.
    const config = {
      ...h.config,
      PUBLIC_URL: `http://deployment-${randomUUID().slice(0, 8)}.test`,
      TRUST_PROXY: 'loopback',
      RATE_LIMIT_MAIL_PER_ADDRESS: 3,
      RATE_LIMIT_MAIL_PER_IP: 6,
      RATE_LIMIT_FAILED_AUTH_PER_IP: 5,
    };
    urls = [await serve({ ...h.ctx, config }), await serve({ ...h.ctx, config })];
  });

  afterAll(async () => {
    for (const s of servers) await new Promise<void>((resolve) => s.close(() => resolve()));
    servers = [];
    await h?.close();
  });

  it('sends at most 3 links to one inbox, asked from 10 client addresses through both processes', async () => {
    const org = await makeOrganisation(h, { kind: 'buyer', country: 'HR' });
    const user = await makeUser(h, org.id, { label: 'inbox' });
    const statuses: number[] = [];
    for (let i = 0; i < 10; i++) {
      const res = await new ApiClient(urls[i % 2]!).post(
        '/api/auth/sign-in',
        { email: user.email },
        { 'x-forwarded-for': `198.51.100.${i + 1}` },
      );
      statuses.push(res.status);
    }
    expect(statuses).toEqual([202, 202, 202, 429, 429, 429, 429, 429, 429, 429]);
    await new Promise((r) => setTimeout(r, 2000));
    expect(h.mail.messages.filter((m) => m.to.includes(user.email)).length).toBe(3);
  });

  it('limits one client address across both processes (6 here), whatever e-mail addresses it types', async () => {
    const statuses: number[] = [];
    for (let i = 0; i < 8; i++) {
      const res = await new ApiClient(urls[i % 2]!).post(
        '/api/auth/sign-in',
        { email: `nobody-${i}-${randomUUID().slice(0, 6)}@rate.test` },
        { 'x-forwarded-for': '198.51.100.200' },
      );
      statuses.push(res.status);
    }
    expect(statuses).toEqual([202, 202, 202, 202, 202, 202, 429, 429]);
  });

  it('limits failed sign-in link verifications per client address', async () => {
    const statuses: number[] = [];
    for (let i = 0; i < 7; i++) {
      const res = await new ApiClient(urls[i % 2]!).post(
        '/api/auth/verify',
        { token: `made-up-token-${randomUUID()}` },
        { 'x-forwarded-for': '198.51.100.201' },
      );
      statuses.push(res.status);
    }
    expect(statuses).toEqual([401, 401, 401, 401, 401, 429, 429]);
  });

  it('limits bad bearer tokens per client address, and writes no security-log row past the limit', async () => {
    const path = `/api/statements/${randomUUID()}`;
    const statuses: number[] = [];
    for (let i = 0; i < 9; i++) {
      const res = await new ApiClient(urls[i % 2]!, { bearer: `jd_made-up-${randomUUID()}` }).get(path, {
        'x-forwarded-for': '198.51.100.202',
      });
      statuses.push(res.status);
    }
    expect(statuses).toEqual([401, 401, 401, 401, 401, 429, 429, 429, 429]);
    const rows = await h.db
      .selectFrom('security_events')
      .select('id')
      .where('kind', '=', 'invalid_api_token')
      .where('path', '=', path)
      .execute();
    expect(rows.length).toBe(5);
  });
});
