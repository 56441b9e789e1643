import type { Server } from 'node:http';

import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { createApp } from '../api/app.js';
import {
  ApiClient,
  type Harness,
  makeActor,
  makeOrganisation,
  makeUser,
  signIn,
  startHarness,
  statementDetails,
  uniqueEmail,
} from './support/harness.js';

/**
 * Cross-site request forgery, as a browser on another site would send it: a form or `text/plain`
 * post (simple requests, no preflight) carrying the victim's session cookie, with the `Origin` and
 * `Sec-Fetch-Site` headers every current browser adds. Each layer is tested on its own.
 */
let h: Harness;
beforeAll(async () => {
  h = await startHarness();
});
afterAll(async () => h?.close());

describe('CSRF: cookie-authenticated state changes come from our own pages only', () => {
  let admin: ApiClient;
  let adminEmail: string;
  let targetOrgId: string;

  const crossSite = {
    origin: 'https://attacker.example',
    'sec-fetch-site': 'cross-site',
    'sec-fetch-mode': 'navigate',
  };
  // A sibling subdomain or another port on the same host is "same-site": SameSite=Lax cookies go along.
  const sameSite = () => ({
    origin: `http://localhost:${new URL(h.baseUrl).port}`,
    'sec-fetch-site': 'same-site',
    'sec-fetch-mode': 'navigate',
  });
  const sameOrigin = () => ({ origin: h.baseUrl, 'sec-fetch-site': 'same-origin', 'sec-fetch-mode': 'cors' });
  const form = { 'content-type': 'application/x-www-form-urlencoded' };
  const participantStatus = async (statementId: string, orgId: string) =>
    (
      await h.db
        .selectFrom('participants')
        .select('status')
        .where('statement_id', '=', statementId)
        .where('organisation_id', '=', orgId)
        .executeTakeFirst()
    )?.status;
  const usersOf = async (orgId: string) =>
    h.db.selectFrom('users').select('email').where('organisation_id', '=', orgId).execute();

  beforeAll(async () => {
    const commission = await makeOrganisation(h, { kind: 'commission', country: 'BE' });
    adminEmail = (await makeUser(h, commission.id, { label: 'csrf-admin', isAdmin: true })).email;
    admin = await signIn(h, adminEmail);
    targetOrgId = (await makeOrganisation(h, { kind: 'buyer', country: 'FI' })).id;
  });

  it('refuses a cross-site form post that would add a user to an organisation with the admin’s cookie (403, nothing added)', async () => {
    const email = uniqueEmail('eve');
    for (const headers of [sameSite(), crossSite]) {
      const res = await admin.post(
        `/api/organisations/${targetOrgId}/users`,
        new URLSearchParams({ email, name: 'Eve' }).toString(),
        { ...form, ...headers },
      );
      expect(res.status).toBe(403);
    }
    expect((await usersOf(targetOrgId)).map((u) => u.email)).not.toContain(email);
  });

  it('refuses a form body on the API even without any browser header (JSON only)', async () => {
    const email = uniqueEmail('eve');
    const res = await admin.post(
      `/api/organisations/${targetOrgId}/users`,
      new URLSearchParams({ email, name: 'Eve' }).toString(),
      form,
    );
    expect(res.status).toBe(415);
    expect(res.headers.get('content-type')).toMatch(/problem\+json/);
    expect((await usersOf(targetOrgId)).map((u) => u.email)).not.toContain(email);
  });

  it('refuses a text/plain post to an action that needs no body (accepting an invitation)', async () => {
    const lead = await makeActor(h, { kind: 'buyer', country: 'NO' });
    const buyerOrg = await makeOrganisation(h, { kind: 'buyer', country: 'SE' });
    const buyer = await signIn(
      h,
      (await makeUser(h, buyerOrg.id, { label: 'csrf-buyer', roles: ['signatory'] })).email,
    );
    const id = (await lead.api.post('/api/statements', statementDetails())).body.id as string;
    expect((await lead.api.post(`/api/statements/${id}/invitations`, { organisationIds: [buyerOrg.id] })).status).toBe(
      200,
    );

    const forged = await buyer.post(`/api/statements/${id}/invitation/accept`, 'x=y', {
      'content-type': 'text/plain',
      ...sameSite(),
    });
    expect(forged.status).toBe(403);
    // Without the browser's headers, the body type alone refuses it.
    const plain = await buyer.post(`/api/statements/${id}/invitation/accept`, 'x=y', { 'content-type': 'text/plain' });
    expect(plain.status).toBe(415);
    const emptyForm = await buyer.post(`/api/statements/${id}/invitation/accept`, '', form);
    expect(emptyForm.status).toBe(415);
    const multipart = await buyer.post(
      `/api/statements/${id}/invitation/accept`,
      '--b\r\nContent-Disposition: form-data; name="x"\r\n\r\ny\r\n--b--\r\n',
      {
        'content-type': 'multipart/form-data; boundary=b',
      },
    );
    expect(multipart.status).toBe(415);
    expect(await participantStatus(id, buyerOrg.id)).toBe('invited');
  });

  it('refuses an unsafe request from another origin, even with a JSON body (403), and accepts our own pages', async () => {
    const lead = await makeActor(h, { kind: 'buyer', country: 'DK' });
    const buyerOrg = await makeOrganisation(h, { kind: 'buyer', country: 'EE' });
    const buyer = await signIn(
      h,
      (await makeUser(h, buyerOrg.id, { label: 'csrf-buyer2', roles: ['signatory'] })).email,
    );
    const id = (await lead.api.post('/api/statements', statementDetails())).body.id as string;
    expect((await lead.api.post(`/api/statements/${id}/invitations`, { organisationIds: [buyerOrg.id] })).status).toBe(
      200,
    );

    for (const headers of [
      crossSite,
      sameSite(),
      { origin: 'null' },
      { 'sec-fetch-site': 'cross-site' },
      { origin: 'https://attacker.example' },
    ] as Record<string, string>[]) {
      const res = await buyer.post(`/api/statements/${id}/invitation/accept`, undefined, headers);
      expect(res.status, JSON.stringify(headers)).toBe(403);
      expect(res.body.code).toBe('forbidden');
    }
    const email = uniqueEmail('eve');
    expect(
      (await admin.post(`/api/organisations/${targetOrgId}/users`, { email, name: 'Eve' }, crossSite)).status,
    ).toBe(403);
    expect((await admin.put('/api/me/locale', { locale: 'fr' }, sameSite())).status).toBe(403);
    expect((await admin.delete('/api/tokens/00000000-0000-4000-8000-000000000000', crossSite)).status).toBe(403);
    expect((await usersOf(targetOrgId)).map((u) => u.email)).not.toContain(email);

    // The web application (same origin) and non-browser clients (no Origin, no Sec-Fetch-Site) act.
    expect((await buyer.post(`/api/statements/${id}/invitation/accept`, undefined, sameOrigin())).status).toBe(200);
    expect((await admin.put('/api/me/locale', { locale: 'en' })).status).toBe(200);
    // Reading is not a state change: a cross-site GET is answered as before.
    expect((await admin.get('/api/me', crossSite)).status).toBe(200);
  });

  it('does not hold bearer-token API clients to the origin check (a browser cannot send their header cross-site)', async () => {
    const actor = await makeActor(h, { kind: 'buyer', country: 'LV' });
    const res = await actor.api.put('/api/me/locale', { locale: 'de' }, crossSite);
    expect(res.status).toBe(200);
    // but their bodies are JSON too
    expect((await actor.api.put('/api/me/locale', 'locale=fr', form)).status).toBe(415);
  });

  it('closes login CSRF: a cross-site post of the attacker’s sign-in token does not sign the browser in', async () => {
    const attacker = await makeUser(h, targetOrgId, { label: 'csrf-attacker' });
    const attackersBrowser = new ApiClient(h.baseUrl);
    const before = h.mail.messages.length;
    expect((await attackersBrowser.post('/api/auth/sign-in', { email: attacker.email })).status).toBe(202);
    const messages = await h.mail.waitFor((m) => m.slice(before).some((x) => x.to.includes(attacker.email)));
    const token = new URL(
      /https?:\/\/\S+/.exec(messages.slice(before).find((x) => x.to.includes(attacker.email))!.text)![0],
    ).searchParams.get('token')!;

    for (const headers of [crossSite, sameSite()]) {
      const res = await fetch(new URL('/api/auth/verify', h.baseUrl), {
        method: 'POST',
        headers: { ...form, ...headers },
        // `confirm=1`: what the confirmation page posts when the link was asked for in another browser.
        body: new URLSearchParams({ token, confirm: '1' }).toString(),
        redirect: 'manual',
      });
      expect(res.status, JSON.stringify(headers)).toBe(403);
      expect(res.headers.get('set-cookie')).toBeNull();
    }
    // The sign-in page's own form (same origin), in the browser that asked, still signs in.
    const own = await attackersBrowser.post('/api/auth/verify', new URLSearchParams({ token }).toString(), {
      ...form,
      origin: h.baseUrl,
      'sec-fetch-site': 'same-origin',
      'sec-fetch-mode': 'navigate',
    });
    expect(own.status).toBe(303);
    expect(own.headers.getSetCookie().some((c) => c.startsWith('jd_session='))).toBe(true);
  });

  it('keeps the one-click unsubscribe (RFC 8058) that mail providers post as a form', async () => {
    // A forged token is refused by the token check (400), not by the body or origin checks (415/403).
    const res = await new ApiClient(h.baseUrl).post('/api/unsubscribe?token=x.y', 'List-Unsubscribe=One-Click', form);
    expect(res.status).toBe(400);
  });
});

/** The session cookie's attributes (set by `api/authentication.ts`'s `strictCookieOptions`). */
describe('CSRF: the session cookie', () => {
  let secure: { server: Server; baseUrl: string } | undefined;

  beforeAll(async () => {
    const { createServer } = await import('node:http');
    const holder: { handler?: (req: unknown, res: unknown) => void } = {};
    const server = createServer((req, res) => holder.handler!(req, res));
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', () => resolve()));
    const baseUrl = `http://127.0.0.1:${(server.address() as { port: number }).port}`;
    const ctx = { ...h.ctx, config: { ...h.config, PUBLIC_URL: baseUrl } };
    holder.handler = createApp({
      ctx,
      db: h.db,
      temporal: h.temporal,
      mailer: h.mailer,
      secureCookies: true,
      signInRateLimit: 1000,
    }).app as never;
    secure = { server, baseUrl };
  });
  afterAll(async () => {
    if (secure) await new Promise<void>((resolve) => secure!.server.close(() => resolve()));
  });

  const sessionCookieOf = async (baseUrl: string) => {
    const org = await makeOrganisation(h, { kind: 'buyer', country: 'PT' });
    const user = await makeUser(h, org.id, { label: 'cookie' });
    const browser = new ApiClient(baseUrl);
    const before = h.mail.messages.length;
    expect((await browser.post('/api/auth/sign-in', { email: user.email })).status).toBe(202);
    const messages = await h.mail.waitFor((m) => m.slice(before).some((x) => x.to.includes(user.email)));
    const token = new URL(
      /https?:\/\/\S+/.exec(messages.slice(before).find((x) => x.to.includes(user.email))!.text)![0],
    ).searchParams.get('token')!;
    const res = await browser.post('/api/auth/verify', { token });
    expect(res.status).toBe(200);
    return res.headers.getSetCookie().find((c) => /^(__Host-)?jd_session=/.test(c))!;
  };

  it('is SameSite=Strict, so no cross-site request (same-site sibling hosts included) carries it', async () => {
    expect(await sessionCookieOf(h.baseUrl)).toMatch(/SameSite=Strict/i);
  });

  it('over https is named with the __Host- prefix (Secure, Path=/, no Domain), so a sibling host cannot set or shadow it', async () => {
    const cookie = await sessionCookieOf(secure!.baseUrl);
    expect(cookie).toMatch(/^__Host-/);
    expect(cookie).toMatch(/;\s*Secure/i);
    expect(cookie).toMatch(/;\s*Path=\//i);
    expect(cookie).not.toMatch(/Domain=/i);
  });
});
