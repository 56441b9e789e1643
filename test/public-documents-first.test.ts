import { request } from 'node:http';

import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { type Harness, startHarness } from './support/harness.js';

/**
 * The published documents are answered, for readers who present no credentials, before the body
 * parsers, the session lookup and the other routes (`beforeSessions` in api/route.ts), with the
 * security headers of data rather than of a page. Everything else, and any request with a token
 * or a cookie, goes the usual way.
 */
describe('public documents answered before sessions', () => {
  let h: Harness;
  beforeAll(async () => {
    h = await startHarness({ worker: false });
  });
  afterAll(() => h.close());

  const documentPolicy = "default-src 'none'; frame-ancestors 'none'";

  it('answers an anonymous reader with the headers of data: nothing runs, loads or is framed', async () => {
    for (const path of ['/api/public/statements', '/api/public/statements.atom', '/api/consultations']) {
      const res = await fetch(`${h.baseUrl}${path}`);
      expect(res.status, path).toBe(200);
      expect(res.headers.get('content-security-policy'), path).toBe(documentPolicy);
      expect(res.headers.get('x-frame-options'), path).toBe('DENY');
      expect(res.headers.get('x-content-type-options'), path).toBe('nosniff');
      expect(res.headers.get('referrer-policy'), path).toBe('no-referrer');
      expect(res.headers.get('x-request-id'), path).toMatch(/^[0-9a-f]{32}$/);
      expect(res.headers.get('etag'), path).toBeTruthy();
      // None of the page headers helmet adds: the answer did not pass helmet.
      expect(res.headers.get('origin-agent-cluster'), path).toBeNull();
      expect(res.headers.get('x-powered-by'), path).toBeNull();
    }
  });

  it('answers the same document the usual way to a reader with a cookie, and refuses a bad token', async () => {
    const anonymous = await fetch(`${h.baseUrl}/api/public/statements`);
    const withCookie = await fetch(`${h.baseUrl}/api/public/statements`, { headers: { cookie: 'theme=dark' } });
    expect(withCookie.status).toBe(200);
    expect(await withCookie.text()).toBe(await anonymous.text());
    expect(withCookie.headers.get('etag')).toBe(anonymous.headers.get('etag'));
    expect(withCookie.headers.get('content-security-policy')).toMatch(/default-src 'self'/);
    expect(withCookie.headers.get('origin-agent-cluster')).toBe('?1');

    const badToken = await fetch(`${h.baseUrl}/api/public/statements`, {
      headers: { authorization: 'Bearer not-a-token' },
    });
    expect(badToken.status).toBe(401);
  });

  it('validates as declared and answers problems with the same headers', async () => {
    const bad = await fetch(`${h.baseUrl}/api/public/statements/not-an-id`);
    expect(bad.status).toBe(400);
    expect(await bad.json()).toMatchObject({ code: 'invalid_input', errors: [{ field: 'statementId' }] });
    expect(bad.headers.get('content-security-policy')).toBe(documentPolicy);
    const missing = await fetch(`${h.baseUrl}/api/public/statements/00000000-0000-4000-8000-000000000000/ocds.json`);
    expect(missing.status).toBe(404);
    expect(await missing.json()).toMatchObject({ code: 'not_found' });
    const badLimit = await fetch(`${h.baseUrl}/api/public/statements?limit=0`);
    expect(badLimit.status).toBe(400);
    expect(await badLimit.json()).toMatchObject({ errors: [{ field: 'limit' }] });
  });

  it('keeps the Host allow-list in front of it, and helmet on every other answer', async () => {
    const url = new URL(h.baseUrl);
    // fetch sends its own Host whatever it is given: node:http sends the one a rebinding page would.
    const misdirected = await new Promise<number>((resolve, reject) => {
      const req = request(
        {
          host: url.hostname,
          port: url.port,
          path: '/api/public/statements',
          headers: { host: `rebind.attacker.example:${url.port}` },
        },
        (res) => {
          res.resume();
          resolve(res.statusCode!);
        },
      );
      req.on('error', reject);
      req.end();
    });
    expect(misdirected).toBe(421);
    const other = await fetch(`${h.baseUrl}/api/openapi.json`);
    expect(other.status).toBe(200);
    expect(other.headers.get('content-security-policy')).toMatch(/default-src 'self'/);
  });
});
