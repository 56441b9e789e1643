import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { countSecurityEvents } from '../db/audit.js';
import { ApiClient, type Harness, makeOrganisation, makeUser, signIn, startHarness } from './support/harness.js';

describe('sign-in by e-mailed one-time link', () => {
  let h: Harness;
  let email: string;
  let userId: string;

  beforeAll(async () => {
    h = await startHarness();
    const org = await makeOrganisation(h, { kind: 'buyer', country: 'IT' });
    const user = await makeUser(h, org.id, { label: 'milano' });
    email = user.email;
    userId = user.id;
  });
  afterAll(async () => h?.close());

  const linkFor = async (address: string, after: number) => {
    const messages = await h.mail.waitFor((m) => m.slice(after).some((x) => x.to.includes(address.toLowerCase())));
    const mail = messages.slice(after).find((x) => x.to.includes(address.toLowerCase()))!;
    return new URL(/https?:\/\/\S+/.exec(mail.text)![0]);
  };

  it('sends a link whose page asks for a click, and signs in once with an httpOnly SameSite cookie', async () => {
    const client = new ApiClient(h.baseUrl);
    const before = h.mail.messages.length;
    expect((await client.post('/api/auth/sign-in', { email: email.toUpperCase() })).status).toBe(202);
    const link = await linkFor(email, before);
    expect(link.pathname).toBe('/sign-in/verify');
    const token = link.searchParams.get('token')!;
    expect(token.length).toBeGreaterThanOrEqual(43); // 256 bits, base64url

    // Opening the link (what a mail scanner does) does not spend the token.
    const page = await client.get(`${link.pathname}${link.search}`);
    expect(page.status).toBe(200);
    expect(page.body).toContain('action="/api/auth/verify"');

    // The page's button posts the form, from the browser that asked (its binding cookie goes along).
    const res = await fetch(new URL('/api/auth/verify', h.baseUrl), {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded', cookie: client.cookie!, origin: h.baseUrl },
      body: new URLSearchParams({ token }).toString(),
      redirect: 'manual',
    });
    expect(res.status).toBe(303);
    expect(res.headers.get('location')).toBe('/');
    const cookie = res.headers.getSetCookie().find((c) => c.startsWith('jd_session='))!;
    expect(cookie).toMatch(/^jd_session=/);
    expect(cookie).toMatch(/HttpOnly/i);
    expect(cookie).toMatch(/SameSite=Strict/i);
    const session = new ApiClient(h.baseUrl, { cookie: cookie.split(';')[0]! });
    const me = await session.get('/api/me');
    expect(me.status).toBe(200);
    expect(me.body.user.email).toBe(email);

    // Single use.
    const again = await new ApiClient(h.baseUrl).post('/api/auth/verify', { token });
    expect(again.status).toBe(401);
    expect(again.body.code).toBe('unauthenticated');

    // The stored copy of the mail no longer holds the secret once sent.
    const stored = await h.db
      .selectFrom('outbox')
      .select(['text_body', 'status'])
      .where('to_address', '=', email)
      .execute();
    expect(stored.some((m) => m.text_body.includes(token))).toBe(false);
  });

  it('refuses an expired link and logs the failed attempt', async () => {
    const client = new ApiClient(h.baseUrl);
    const before = h.mail.messages.length;
    await client.post('/api/auth/sign-in', { email });
    const token = (await linkFor(email, before)).searchParams.get('token')!;
    await sql`update sign_in_tokens set expires_at = now() - interval '1 second' where used_at is null and user_id = ${userId}`.execute(
      h.db,
    );
    const failuresBefore = await countSecurityEvents(h.db, 'sign_in_failed');
    const res = await client.post('/api/auth/verify', { token });
    expect(res.status).toBe(401);
    // At least: other files' failed sign-ins are logged in the same table meanwhile, and the row names no user.
    expect(await countSecurityEvents(h.db, 'sign_in_failed')).toBeGreaterThanOrEqual(failuresBefore + 1);
  });

  it('answers the same for an unknown address and sends nothing', async () => {
    const before = h.mail.messages.length;
    const res = await new ApiClient(h.baseUrl).post('/api/auth/sign-in', { email: 'nobody@nowhere.example' });
    expect(res.status).toBe(202);
    await new Promise((r) => setTimeout(r, 1500));
    expect(h.mail.messages.slice(before).some((m) => m.to.includes('nobody@nowhere.example'))).toBe(false);
  });

  it('logs out: the cookie stops working', async () => {
    const session = await signIn(h, email);
    expect((await session.get('/api/me')).status).toBe(200);
    const cookie = session.cookie!;
    expect((await session.post('/api/auth/sign-out')).status).toBe(204);
    const replay = new ApiClient(h.baseUrl, { cookie });
    expect((await replay.get('/api/me')).status).toBe(401);
  });

  it('issues API tokens from a session, usable as bearer tokens until revoked', async () => {
    const session = await signIn(h, email);
    const created = await session.post('/api/tokens', { name: 'ci', expiresInDays: 30 });
    expect(created.status).toBe(201);
    const bearer = new ApiClient(h.baseUrl, { bearer: created.body.token });
    expect((await bearer.get('/api/me')).body.user.email).toBe(email);
    const listed = await session.get('/api/tokens');
    expect(listed.body.map((t: any) => t.name)).toContain('ci');
    expect(JSON.stringify(listed.body)).not.toContain(created.body.token);
    expect((await session.delete(`/api/tokens/${created.body.id}`)).status).toBe(204);
    expect((await bearer.get('/api/me')).status).toBe(401);
  });

  it('rejects a malformed sign-in request naming the field', async () => {
    const res = await new ApiClient(h.baseUrl).post('/api/auth/sign-in', { email: 'not-an-address' });
    expect(res.status).toBe(400);
    expect(res.body.errors).toEqual([{ field: 'email', rule: 'must be an e-mail address' }]);
  });
});
