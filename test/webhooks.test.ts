import { createServer, type IncomingMessage, type Server } from 'node:http';

import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { createWebhookRelay } from '../activities/webhook-relay.js';
import { enqueueMessage } from '../db/outbox.js';
import { claimDueDeliveries } from '../db/webhooks.js';
import { verifyWebhook, webhookSecretKey } from '../platform/webhook-signature.js';
import {
  ApiClient,
  type Harness,
  makeActor,
  makeUser,
  needLine,
  signIn,
  startHarness,
  until,
} from './support/harness.js';
import { publish, statementInMarketEngagement } from './support/published-statement.js';

type Actor = Awaited<ReturnType<typeof makeActor>>;

interface Received {
  headers: { id: string; timestamp: string; signature: string };
  body: string;
  json: { id: string; type: string; timestamp: string; data: Record<string, unknown> };
}

/** A real HTTP receiver on 127.0.0.1 that answers each request with the next status of `answers` (the last repeats). */
async function startReceiver(answers: number[]): Promise<{ url: string; received: Received[]; server: Server }> {
  const received: Received[] = [];
  const server = createServer((req: IncomingMessage, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const body = Buffer.concat(chunks).toString('utf8');
      received.push({
        headers: {
          id: String(req.headers['webhook-id']),
          timestamp: String(req.headers['webhook-timestamp']),
          signature: String(req.headers['webhook-signature']),
        },
        body,
        json: JSON.parse(body) as Received['json'],
      });
      res.statusCode = answers[Math.min(received.length - 1, answers.length - 1)]!;
      res.end('ok');
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', () => resolve()));
  const { port } = server.address() as { port: number };
  return { url: `http://127.0.0.1:${port}/hook`, received, server };
}

const ok = <T extends { status: number; body: unknown }>(res: T): T => {
  expect(res.status, JSON.stringify(res.body)).toBeLessThan(300);
  return res;
};
const valid = (secret: string, r: Received) =>
  verifyWebhook(secret, r.headers, r.body, { nowSeconds: Math.floor(Date.now() / 1000) });

/**
 * Webhooks for suppliers' systems (issue 19), against the real API, Temporal worker, PostgreSQL
 * and SMTP capture, with real HTTP receivers: the relay (activities/webhook-relay.ts) runs here
 * with a short retry base (200 ms) and disables an endpoint after 4 failed attempts in a row.
 */
describe('webhooks', () => {
  let h: Harness;
  let relay: { stop(): Promise<void> };
  let supplier: Actor;
  const servers: Server[] = [];
  const disableAfter = 4;

  const register = async (a: Actor, url: string, eventTypes: string[] = ['consultation.opened']) =>
    ok(await a.api.post('/api/me/webhooks', { url, eventTypes, description: 'ERP' })).body as {
      endpoint: { id: string };
      secret: string;
    };
  const receiver = async (answers: number[]) => {
    const r = await startReceiver(answers);
    servers.push(r.server);
    return r;
  };
  const verified = (a: Actor) =>
    h.db
      .updateTable('users')
      .set({ email_verified_at: sql<Date>`now()` })
      .where('id', '=', a.user.id)
      .execute();

  beforeAll(async () => {
    // A database of its own: every worker process's webhook relay claims due deliveries database-wide.
    h = await startHarness({ freshDatabase: true });
    relay = createWebhookRelay({
      db: h.ctx.db,
      mailer: h.mailer,
      publicUrl: h.baseUrl,
      secretKey: webhookSecretKey({ NODE_ENV: 'test' }),
      allowHttpLocalhost: true,
      retryBaseMs: 200,
      disableAfterFailures: disableAfter,
      timeoutMs: 2000,
      leaseSeconds: 2,
      pollMs: 100,
    }).start();
    supplier = await makeActor(h, { kind: 'supplier', name: 'Hook Works', country: 'SE' }, { label: 'hook-works' });
    await verified(supplier);
  }, 60_000);
  afterAll(async () => {
    await relay?.stop();
    for (const s of servers) {
      s.closeAllConnections();
      s.close();
    }
    await h?.close();
  });

  it('delivers each public event (consultation opened, answer, publication) once to the endpoints that chose it, signed (Standard Webhooks)', async () => {
    const r = await receiver([200]);
    const { endpoint, secret } = await register(supplier, r.url);
    expect(secret).toMatch(/^whsec_/);
    ok(await supplier.api.put('/api/me/subscription', { cpvPrefixes: ['4326'], countries: [] }));

    const lead = await makeActor(h, { kind: 'buyer', name: 'City of Hooks', country: 'FI' }, { roles: ['signatory'] });
    const other = await makeActor(h, { kind: 'buyer', name: 'Town of Hooks', country: 'EE' }, { roles: ['signatory'] });
    const statementId = await statementInMarketEngagement(h, lead, [
      [lead, [needLine({ quantity: '2' })]],
      [other, [needLine({ quantity: '3' })]],
    ]);
    // Other test files publish to matching suppliers meanwhile (the supplier's subscription matches
    // their statements too): only this statement's deliveries are this test's to count.
    const ofThis = (rec: { received: typeof r.received }) =>
      rec.received.filter((x) => x.json.data.statementId === statementId);
    const mine = () => ofThis(r);
    await until(
      async () => mine().length,
      (n) => n >= 1,
      60_000,
      'the consultation webhook',
    );
    const [hit] = mine();
    expect(hit!.json).toMatchObject({
      id: `consultation-${statementId}-r1`,
      type: 'consultation.opened',
      timestamp: expect.any(String),
      data: {
        statementId,
        title: 'Zero-emission construction machinery',
        cpvCodes: expect.arrayContaining(['43260000']),
        url: expect.stringContaining(statementId),
      },
    });
    expect(hit!.headers.id).toMatch(/^msg_[0-9a-f]{32}$/);
    expect(valid(secret, hit!)).toBe(true);
    // Nothing a buyer entered beyond the public consultation: no lines, no buyer names, no budgets.
    expect(hit!.body).not.toMatch(/City of Hooks|Town of Hooks|unitPrice|lines/);

    // Once: however long we wait, no second request for the event.
    await new Promise((resolve) => setTimeout(resolve, 1500));
    expect(mine()).toHaveLength(1);
    const log = ok(await supplier.api.get(`/api/me/webhooks/${endpoint.id}/deliveries`)).body.entries;
    expect(log.filter((e: { eventId: string }) => e.eventId === hit!.json.id)).toEqual([
      expect.objectContaining({ webhookId: hit!.headers.id, attempt: 1, statusCode: 200, succeeded: true }),
    ]);

    // An answer to a supplier's question goes to the endpoints that chose answers, and only to them.
    const answers = await receiver([200]);
    const { secret: answersSecret } = await register(supplier, answers.url, ['consultation.answer_published']);
    const asked = ok(
      await supplier.api.post(`/api/consultations/${statementId}/questions`, {
        question: 'May the machines be leased?',
      }),
    ).body as { number: number };
    ok(
      await lead.api.post(`/api/statements/${statementId}/consultation/questions/${asked.number}/answer`, {
        answer: 'Yes, for up to four years.',
      }),
    );
    const [answered] = await until(
      async () => ofThis(answers),
      (got) => got.length >= 1,
      60_000,
      'the answer webhook',
    );
    expect(answered!.json).toMatchObject({
      type: 'consultation.answer_published',
      data: { statementId, question: 'May the machines be leased?', answer: 'Yes, for up to four years.' },
    });
    expect(valid(answersSecret, answered!)).toBe(true);
    // The asker is not named: the public answer only.
    expect(answered!.body).not.toContain('Hook Works');
    expect(answers.received.every((x) => x.json.type === 'consultation.answer_published')).toBe(true);
    await new Promise((resolve) => setTimeout(resolve, 1000));
    expect(mine().map((x) => x.json.type)).toEqual(['consultation.opened']);

    // Publication: the published statement as the public page discloses it, and nothing more.
    const published = await receiver([200]);
    const { secret: publishedSecret } = await register(supplier, published.url, ['statement.published']);
    await publish(h, statementId, lead, [lead, other]);
    const [release] = await until(
      async () => ofThis(published),
      (got) => got.length >= 1,
      60_000,
      'the publication webhook',
    );
    expect(valid(publishedSecret, release!)).toBe(true);
    const page = ok(await new ApiClient(h.baseUrl).get(`/api/public/statements/${statementId}`)).body;
    expect(release!.json).toMatchObject({
      type: 'statement.published',
      data: { statementId, publicationVersion: page.version, url: expect.stringContaining(statementId) },
    });
    // Two signatories: the total would give each the other's figures, so it is withheld here as on the page.
    expect(page.demand.totals.valueEur).toBeNull();
    expect(release!.json.data.totalValueEur).toBeNull();
    expect(release!.body).not.toMatch(/unitPrice|"lines"|quantity/);
  }, 180_000);

  it('retries a failing receiver through the outbox: 500, 500, 200 is three attempts, one success, one webhook-id', async () => {
    const other = await makeActor(h, { kind: 'supplier', name: 'Flaky Works', country: 'DE' });
    const r = await receiver([500, 500, 200]);
    const { endpoint, secret } = await register(other, r.url);
    ok(await other.api.post(`/api/me/webhooks/${endpoint.id}/test`));
    await until(
      async () => r.received.length,
      (n) => n >= 3,
      30_000,
      'three attempts',
    );
    await new Promise((resolve) => setTimeout(resolve, 1200));
    expect(r.received).toHaveLength(3);
    expect(new Set(r.received.map((x) => x.headers.id)).size).toBe(1);
    expect(new Set(r.received.map((x) => x.body)).size).toBe(1);
    expect(r.received.every((x) => valid(secret, x))).toBe(true);
    expect(r.received[0]!.json.type).toBe('webhook.test');
    const log = ok(await other.api.get(`/api/me/webhooks/${endpoint.id}/deliveries`)).body.entries;
    expect(
      log.map((e: { attempt: number; statusCode: number; succeeded: boolean }) => [
        e.attempt,
        e.statusCode,
        e.succeeded,
      ]),
    ).toEqual([
      [3, 200, true],
      [2, 500, false],
      [1, 500, false],
    ]);
    const list = ok(await other.api.get('/api/me/webhooks')).body.endpoints;
    expect(list[0]).toMatchObject({ enabled: true, consecutiveFailures: 0 });
  }, 60_000);

  it('a relay that dies after claiming: the delivery is sent again after its lease, with the same webhook-id', async () => {
    const other = await makeActor(h, { kind: 'supplier', name: 'Crash Works', country: 'AT' });
    const r = await receiver([200]);
    const { endpoint } = await register(other, r.url);
    await relay.stop();
    ok(await other.api.post(`/api/me/webhooks/${endpoint.id}/test`));
    // A relay claims it and dies before sending or writing anything.
    const claimed = await claimDueDeliveries(h.ctx.db, 100, 1);
    const ours = claimed.find((c) => c.endpointId === endpoint.id)!;
    expect(ours.attempts).toBe(1);
    relay = createWebhookRelay({
      db: h.ctx.db,
      mailer: h.mailer,
      publicUrl: h.baseUrl,
      secretKey: webhookSecretKey({ NODE_ENV: 'test' }),
      allowHttpLocalhost: true,
      retryBaseMs: 200,
      disableAfterFailures: disableAfter,
      timeoutMs: 2000,
      leaseSeconds: 2,
      pollMs: 100,
    }).start();
    await until(
      async () => r.received.length,
      (n) => n >= 1,
      30_000,
      'the delivery after the lease',
    );
    await new Promise((resolve) => setTimeout(resolve, 1000));
    expect(r.received).toHaveLength(1);
    expect(r.received[0]!.headers.id).toBe(`msg_${ours.id.replaceAll('-', '')}`);
    const log = ok(await other.api.get(`/api/me/webhooks/${endpoint.id}/deliveries`)).body.entries;
    expect(log).toEqual([expect.objectContaining({ attempt: 2, statusCode: 200, succeeded: true })]);
  }, 60_000);

  it(`disables an endpoint after ${disableAfter} failed attempts in a row and e-mails its organisation once`, async () => {
    const broken = await makeActor(h, { kind: 'supplier', name: 'Broken Works', country: 'FR' }, { label: 'broken' });
    await verified(broken);
    const r = await receiver([503]);
    const { endpoint } = await register(broken, r.url);
    ok(await broken.api.post(`/api/me/webhooks/${endpoint.id}/test`));
    const view = await until(
      async () => ok(await broken.api.get('/api/me/webhooks')).body.endpoints[0],
      (e: { enabled: boolean }) => !e.enabled,
      30_000,
      'the endpoint disabled',
    );
    expect(view).toMatchObject({ disabledReason: 'failures', consecutiveFailures: disableAfter });
    const mails = await h.mail.waitFor((m) => m.some((x) => x.to.includes(broken.user.email)), 15_000);
    await new Promise((resolve) => setTimeout(resolve, 1500));
    expect(r.received).toHaveLength(disableAfter);
    const toBroken = h.mail.messages.filter((x) => x.to.includes(broken.user.email));
    expect(toBroken).toHaveLength(1);
    expect(toBroken[0]!.subject).toMatch(/disabled after 4 failed attempts/);
    expect(toBroken[0]!.text).toContain(r.url);
    expect(mails.length).toBeGreaterThan(0);
    // A test event to a disabled endpoint is refused; enabled again, it receives.
    expect((await broken.api.post(`/api/me/webhooks/${endpoint.id}/test`)).status).toBe(409);
    ok(await broken.api.put(`/api/me/webhooks/${endpoint.id}/enabled`, { enabled: true }));
  }, 60_000);

  it('a disabled-endpoint e-mail left queued by a relay that stopped before sending it is sent by the next relay to start', async () => {
    const to = `left-behind-${Date.now()}@test.example`;
    await enqueueMessage(h.db, {
      key: `webhook-disabled:left-behind:${to}`,
      statementId: null,
      recipientUserId: null,
      to,
      locale: 'en',
      subject: 'Webhook endpoint disabled after 4 failed attempts',
      text: 'left behind',
    });
    const next = createWebhookRelay({
      db: h.ctx.db,
      mailer: h.mailer,
      publicUrl: h.baseUrl,
      secretKey: webhookSecretKey({ NODE_ENV: 'test' }),
      allowHttpLocalhost: true,
      retryBaseMs: 200,
      disableAfterFailures: disableAfter,
      pollMs: 100,
    }).start();
    try {
      await h.mail.waitFor((m) => m.some((x) => x.to.includes(to)), 15_000);
    } finally {
      await next.stop();
    }
    expect(h.mail.messages.filter((x) => x.to.includes(to))).toHaveLength(1);
  }, 60_000);

  it('disables an endpoint at once when the receiver answers 410 Gone', async () => {
    const gone = await makeActor(h, { kind: 'supplier', name: 'Gone Works', country: 'BE' });
    const r = await receiver([410]);
    const { endpoint } = await register(gone, r.url);
    ok(await gone.api.post(`/api/me/webhooks/${endpoint.id}/test`));
    const view = await until(
      async () => ok(await gone.api.get('/api/me/webhooks')).body.endpoints[0],
      (e: { enabled: boolean }) => !e.enabled,
      30_000,
    );
    expect(view).toMatchObject({ disabledReason: 'gone' });
    expect(r.received).toHaveLength(1);
  }, 60_000);

  it('refuses bad endpoints with the field and the rule, and more than the limit', async () => {
    const a = await makeActor(h, { kind: 'supplier', name: 'Rules Works', country: 'NL' });
    const bad = async (body: Record<string, unknown>) => {
      const res = await a.api.post('/api/me/webhooks', body);
      expect(res.status, JSON.stringify(res.body)).toBeGreaterThanOrEqual(400);
      expect(res.status).toBeLessThan(500);
      return res.body.errors as { field: string; rule: string }[];
    };
    expect(await bad({ url: 'http://hooks.example.com/x', eventTypes: ['statement.published'] })).toEqual([
      expect.objectContaining({ field: 'url', rule: 'must use https://' }),
    ]);
    expect(await bad({ url: 'https://169.254.169.254/latest', eventTypes: ['statement.published'] })).toEqual([
      expect.objectContaining({ field: 'url', rule: expect.stringMatching(/private/) }),
    ]);
    expect(await bad({ url: 'https://hooks.example.com/x', eventTypes: ['statement.drafted'] })).toEqual([
      expect.objectContaining({ field: expect.stringMatching(/^eventTypes/) }),
    ]);
    for (let i = 0; i < 10; i++) await register(a, `https://hooks${i}.example.com/x`, ['statement.published']);
    const over = await a.api.post('/api/me/webhooks', {
      url: 'https://more.example.com/x',
      eventTypes: ['statement.published'],
    });
    expect(over.status).toBe(422);
  }, 60_000);

  it('shows an organisation’s endpoints and log to its own users only', async () => {
    const r = await receiver([200]);
    const { endpoint } = await register(supplier, r.url, ['statement.published']);
    const colleagueUser = await makeUser(h, supplier.org.id, { label: 'colleague' });
    await h.db
      .updateTable('users')
      .set({ email_verified_at: sql<Date>`now()` })
      .where('id', '=', colleagueUser.id)
      .execute();
    const colleague = await signIn(h, colleagueUser.email);
    expect(ok(await colleague.get(`/api/me/webhooks/${endpoint.id}/deliveries`)).status).toBe(200);

    const otherSupplier = await makeActor(h, { kind: 'supplier', name: 'Nosy Works', country: 'IT' });
    const buyer = await makeActor(h, { kind: 'buyer', name: 'Nosy City', country: 'IT' });
    const staff = await makeActor(h, { kind: 'commission', name: 'DG GROW', country: 'BE' });
    const admin = await makeActor(h, { kind: 'buyer', name: 'Admin City', country: 'IT' }, { isAdmin: true });
    const nobody = new ApiClient(h.baseUrl);
    const paths = [
      ['get', `/api/me/webhooks/${endpoint.id}/deliveries`],
      ['post', `/api/me/webhooks/${endpoint.id}/test`],
      ['post', `/api/me/webhooks/${endpoint.id}/secret`],
      ['put', `/api/me/webhooks/${endpoint.id}/enabled`],
      ['delete', `/api/me/webhooks/${endpoint.id}`],
    ] as const;
    for (const [who, client, expected] of [
      ['another supplier', otherSupplier.api, 404],
      ['a buyer', buyer.api, 403],
      ['Commission staff', staff.api, 403],
      ['an administrator', admin.api, 403],
      ['nobody', nobody, 401],
    ] as const) {
      for (const [method, path] of paths) {
        const res = await client.request(method.toUpperCase(), path, method === 'put' ? { enabled: false } : undefined);
        expect(res.status, `${who} ${method} ${path}`).toBe(expected);
      }
      if (who !== 'another supplier') expect((await client.get('/api/me/webhooks')).status, who).toBe(expected);
    }
    // The other supplier's list is its own: empty.
    expect(ok(await otherSupplier.api.get('/api/me/webhooks')).body.endpoints).toEqual([]);
    expect(ok(await supplier.api.get('/api/me/webhooks')).body.endpoints.map((e: { id: string }) => e.id)).toContain(
      endpoint.id,
    );
  }, 60_000);

  it('rotates the secret (the next delivery is signed with the new one), disables, enables and deletes', async () => {
    const a = await makeActor(h, { kind: 'supplier', name: 'Rotate Works', country: 'PL' });
    const r = await receiver([200]);
    const { endpoint, secret: first } = await register(a, r.url);
    const rotated = ok(await a.api.post(`/api/me/webhooks/${endpoint.id}/secret`)).body as { secret: string };
    expect(rotated.secret).not.toBe(first);
    ok(await a.api.post(`/api/me/webhooks/${endpoint.id}/test`));
    await until(
      async () => r.received.length,
      (n) => n >= 1,
      30_000,
    );
    expect(valid(rotated.secret, r.received[0]!)).toBe(true);
    expect(valid(first, r.received[0]!)).toBe(false);
    // The secret is stored sealed, never in the clear.
    const stored = await h.db
      .selectFrom('webhook_endpoints')
      .select('secret_sealed')
      .where('id', '=', endpoint.id)
      .executeTakeFirstOrThrow();
    expect(stored.secret_sealed).not.toContain(rotated.secret.slice(6));

    expect(ok(await a.api.put(`/api/me/webhooks/${endpoint.id}/enabled`, { enabled: false })).body).toMatchObject({
      enabled: false,
      disabledReason: 'by_supplier',
    });
    expect(ok(await a.api.put(`/api/me/webhooks/${endpoint.id}/enabled`, { enabled: true })).body.enabled).toBe(true);
    expect((await a.api.delete(`/api/me/webhooks/${endpoint.id}`)).status).toBe(204);
    expect((await a.api.get(`/api/me/webhooks/${endpoint.id}/deliveries`)).status).toBe(404);
  }, 60_000);
});
