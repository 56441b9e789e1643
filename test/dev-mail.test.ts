import http, { type Server } from 'node:http';
import os from 'node:os';

import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { createApp } from '../api/app.js';
import { devMailViewer } from '../api/dev-mail-viewer.js';
import { ApiClient, type Harness, makeOrganisation, makeUser, startHarness } from './support/harness.js';

/** A raw request, so the test can send any `Host` (as a rebinding page or a LAN client does). */
function request(
  address: string,
  port: number,
  path: string,
  headers: Record<string, string> = {},
): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    const req = http.request({ host: address, port, path, method: 'GET', headers }, (res) => {
      let body = '';
      res.setEncoding('utf8');
      res.on('data', (chunk: string) => (body += chunk));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body }));
    });
    req.on('error', reject);
    req.end();
  });
}

/** This machine's first non-loopback IPv4 address: a request to it arrives from a non-loopback peer. */
const lanAddress = Object.values(os.networkInterfaces())
  .flat()
  .find((i) => i && i.family === 'IPv4' && !i.internal)?.address;

async function listen(
  h: Harness,
  nodeEnv: string,
  publicHost = 'localhost',
): Promise<{ server: Server; port: number }> {
  const holder: { handler?: (req: unknown, res: unknown) => void } = {};
  const server = http.createServer((req, res) => holder.handler!(req, res));
  await new Promise<void>((resolve) => server.listen(0, '0.0.0.0', () => resolve()));
  const port = (server.address() as { port: number }).port;
  const config = { ...h.config, NODE_ENV: nodeEnv as 'development', PUBLIC_URL: `http://${publicHost}:${port}` };
  const { app } = createApp({
    ctx: { ...h.ctx, config },
    db: h.db,
    temporal: h.temporal,
    mailer: h.mailer,
    secureCookies: false,
    nodeEnv,
    extraRoutes: [devMailViewer(h.mail, { nodeEnv })],
  });
  holder.handler = app as never;
  return { server, port };
}

describe('the development mail viewer (/dev/mail) and the Host allow-list', () => {
  let h: Harness;
  let dev: { server: Server; port: number };
  let prod: { server: Server; port: number };
  let token: string;

  beforeAll(async () => {
    h = await startHarness();
    dev = await listen(h, 'development');
    prod = await listen(h, 'production', 'jointdemand.example');
    const org = await makeOrganisation(h, { kind: 'buyer', country: 'AT' });
    const user = await makeUser(h, org.id, { label: 'dev-mail' });
    const before = h.mail.messages.length;
    expect((await new ApiClient(h.baseUrl).post('/api/auth/sign-in', { email: user.email })).status).toBe(202);
    const messages = await h.mail.waitFor((m) => m.slice(before).some((x) => x.to.includes(user.email)));
    token = new URL(
      /https?:\/\/\S+/.exec(messages.slice(before).find((x) => x.to.includes(user.email))!.text)![0],
    ).searchParams.get('token')!;
  });
  afterAll(async () => {
    for (const s of [dev, prod]) if (s) await new Promise<void>((resolve) => s.server.close(() => resolve()));
    await h?.close();
  });

  it('shows captured mail to the developer: this machine, a loopback Host', async () => {
    for (const host of [`localhost:${dev.port}`, `127.0.0.1:${dev.port}`]) {
      const page = await request('127.0.0.1', dev.port, '/dev/mail', { host });
      expect(page.status, host).toBe(200);
      expect(page.body).toContain(token);
      const json = await request('127.0.0.1', dev.port, '/dev/mail.json', { host });
      expect(json.status).toBe(200);
      expect(json.body).toContain(token);
    }
  });

  it('DNS rebinding: a page whose name resolves to 127.0.0.1 cannot read it (its Host is refused, 421)', async () => {
    for (const path of ['/dev/mail', '/dev/mail.json', '/api/me', '/']) {
      const res = await request('127.0.0.1', dev.port, path, { host: `rebind.attacker.example:${dev.port}` });
      expect(res.status, path).toBe(421);
      expect(res.body).not.toContain(token);
    }
  });

  it('a request without a usable Host is 400', async () => {
    const res = await request('127.0.0.1', dev.port, '/dev/mail.json', { host: 'bad host!' });
    expect(res.status).toBe(400);
    expect(res.body).not.toContain(token);
  });

  it.skipIf(!lanAddress)('another machine cannot read it, whatever Host it sends (404)', async () => {
    for (const path of ['/dev/mail', '/dev/mail.json']) {
      const res = await request(lanAddress!, dev.port, path, { host: `localhost:${dev.port}` });
      expect(res.status, path).toBe(404);
      expect(res.body).not.toContain(token);
    }
  });

  it('a request through a proxy on this machine (X-Forwarded-For, Forwarded) cannot read it', async () => {
    for (const header of [{ 'x-forwarded-for': '203.0.113.9' }, { forwarded: 'for=203.0.113.9' }] as Record<
      string,
      string
    >[]) {
      const res = await request('127.0.0.1', dev.port, '/dev/mail.json', { host: `localhost:${dev.port}`, ...header });
      expect(res.status).toBe(404);
      expect(res.body).not.toContain(token);
    }
  });

  it('never in production, even from this machine with the public Host; loopback names are refused there', async () => {
    const viaPublicName = await request('127.0.0.1', prod.port, '/dev/mail.json', {
      host: `jointdemand.example:${prod.port}`,
    });
    expect(viaPublicName.body).not.toContain(token);
    expect(viaPublicName.status).not.toBe(200);
    expect(
      (await request('127.0.0.1', prod.port, '/api/public/statements', { host: `jointdemand.example:${prod.port}` }))
        .status,
    ).toBe(200);
    const viaLoopback = await request('127.0.0.1', prod.port, '/dev/mail.json', { host: `localhost:${prod.port}` });
    expect(viaLoopback.status).toBe(421);
    expect(viaLoopback.body).not.toContain(token);
    // Probes address the process by IP: they are answered, without detail.
    expect((await request('127.0.0.1', prod.port, '/healthz', { host: `10.0.0.7:${prod.port}` })).status).toBe(200);
  });
});
