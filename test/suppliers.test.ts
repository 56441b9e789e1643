import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { findUserByEmail } from '../db/organisations.js';
import { matchingSuppliers, signUnsubscribeToken, unsubscribeKey } from '../db/suppliers.js';
import { ApiClient, type Harness, makeActor, startHarness, uniqueEmail } from './support/harness.js';

/** Suppliers register themselves, confirm their address, subscribe, and unsubscribe in one click. */
describe('supplier registration, subscriptions and unsubscribe', () => {
  let h: Harness;
  let supplier: ApiClient;
  let email: string;
  let userId: string;
  const demand = { cpvCodes: ['43260000'], countries: ['FI'] };
  const matches = async () =>
    (await matchingSuppliers(h.db, demand, { afterUserId: null, limit: 10_000 })).some((s) => s.userId === userId);

  beforeAll(async () => {
    h = await startHarness();
  });
  afterAll(async () => h?.close());

  it('registers without sign-in: a link confirms the address, and only then are the organisation and its user created', async () => {
    email = uniqueEmail('sales');
    const anonymous = new ApiClient(h.baseUrl);
    const res = await anonymous.post('/api/suppliers', {
      organisation: { name: 'Electric Excavators Oy', country: 'fi', sme: true },
      user: { email, name: 'Pekka Niemi', locale: 'fr' },
      subscription: { cpvPrefixes: ['43000000-3', '4326'], countries: ['FI', 'NO'] },
    });
    expect(res.status, JSON.stringify(res.body)).toBe(202);
    expect(res.body).toEqual({ status: 'check_your_email' });
    const [mail] = await h.mail.waitFor((m) => m.some((x) => x.to.includes(email)));
    expect(mail!.subject).toMatch(/Confirmez/);
    // Nothing registered yet: the address is not taken.
    expect(await findUserByEmail(h.db, email)).toBeUndefined();

    const token = new URL(
      /https?:\/\/\S+/.exec(h.mail.messages.find((x) => x.to.includes(email))!.text)![0],
    ).searchParams.get('token')!;
    // The browser that registered follows the link.
    supplier = anonymous;
    const verified = await supplier.post('/api/auth/verify', { token });
    expect(verified.status).toBe(200);
    expect(verified.body.organisation).toMatchObject({
      kind: 'supplier',
      country: 'FI',
      sme: true,
      name: 'Electric Excavators Oy',
    });
    userId = verified.body.user.id;
    const sub = await supplier.get('/api/me/subscription');
    expect(sub.body).toEqual({
      cpvPrefixes: ['43', '4326'],
      countries: ['FI', 'NO'],
      active: true,
      emailVerified: true,
      unsubscribedAt: null,
    });
    expect(await matches()).toBe(true);
    // The link works once.
    expect((await new ApiClient(h.baseUrl).post('/api/auth/verify', { token })).status).toBe(401);
  });

  it('answers a registration of a known address exactly as of a new one (the e-mail says it exists), and bad input naming each field', async () => {
    const anonymous = new ApiClient(h.baseUrl);
    const before = h.mail.messages.length;
    const dup = await anonymous.post('/api/suppliers', {
      organisation: { name: 'Again', country: 'FI', sme: false },
      user: { email: email.toUpperCase(), name: 'X' },
    });
    const fresh = await anonymous.post('/api/suppliers', {
      organisation: { name: 'Again', country: 'FI', sme: false },
      user: { email: uniqueEmail('fresh'), name: 'X' },
    });
    expect(dup.status).toBe(202);
    expect({ status: dup.status, body: dup.body }).toEqual({ status: fresh.status, body: fresh.body });
    const messages = await h.mail.waitFor((m) => m.slice(before).some((x) => x.to.includes(email)));
    const told = messages.slice(before).find((x) => x.to.includes(email))!;
    expect(told.text).toMatch(/already belongs to an account|appartient déjà à un compte/);
    expect(told.text).not.toMatch(/token=/);
    expect((await h.db.selectFrom('organisations').select('id').where('name', '=', 'Again').execute()).length).toBe(0);

    const bad = await anonymous.post('/api/suppliers', {
      organisation: { name: 'A', country: 'Finland' },
      user: { email: 'not-an-address', name: '' },
      subscription: { cpvPrefixes: ['7'], countries: [] },
    });
    expect(bad.status).toBe(400);
    const fields = bad.body.errors.map((e: { field: string }) => e.field).sort();
    expect(fields).toEqual([
      'organisation.country',
      'organisation.name',
      'organisation.sme',
      'subscription.cpvPrefixes[0]',
      'user.email',
      'user.name',
    ]);
    expect(bad.body.errors.find((e: { field: string }) => e.field === 'subscription.cpvPrefixes[0]').rule).toMatch(
      /CPV prefix/,
    );
  });

  it('squats no address: an administrator adds a pending registrant’s address to a buyer organisation, and the registration link then refuses', async () => {
    const address = uniqueEmail('contested');
    const anonymous = new ApiClient(h.baseUrl);
    const before = h.mail.messages.length;
    expect(
      (
        await anonymous.post('/api/suppliers', {
          organisation: { name: 'Squatter Ltd', country: 'SE', sme: true },
          user: { email: address, name: 'Sq' },
        })
      ).status,
    ).toBe(202);
    const messages = await h.mail.waitFor((m) => m.slice(before).some((x) => x.to.includes(address)));
    const token = new URL(
      /https?:\/\/\S+/.exec(messages.slice(before).find((x) => x.to.includes(address))!.text)![0],
    ).searchParams.get('token')!;

    const commission = await makeActor(h, { kind: 'commission', country: 'BE' }, { isAdmin: true });
    const buyerOrg = await makeActor(h, { kind: 'buyer', country: 'SE' });
    const added = await commission.api.post(`/api/organisations/${buyerOrg.org.id}/users`, {
      email: address,
      name: 'City Buyer',
    });
    expect(added.status, JSON.stringify(added.body)).toBe(201);

    const late = await anonymous.post('/api/auth/verify', { token });
    expect(late.status).toBe(409);
    expect(
      (await h.db.selectFrom('organisations').select('id').where('name', '=', 'Squatter Ltd').execute()).length,
    ).toBe(0);
    expect((await findUserByEmail(h.db, address))?.organisation_id).toBe(buyerOrg.org.id);
  });

  it('keeps subscriptions for supplier users only', async () => {
    const saved = await supplier.put('/api/me/subscription', { cpvPrefixes: ['43260000'], countries: [] });
    expect(saved.status).toBe(200);
    expect(saved.body).toMatchObject({ cpvPrefixes: ['4326'], countries: [], active: true });
    expect((await supplier.put('/api/me/subscription', { cpvPrefixes: [] })).body.errors).toEqual([
      { field: 'cpvPrefixes', rule: 'must name at least one CPV prefix' },
    ]);
    const buyer = await makeActor(h, { kind: 'buyer', country: 'FI' });
    expect((await buyer.api.put('/api/me/subscription', { cpvPrefixes: ['43'] })).status).toBe(403);
    expect((await new ApiClient(h.baseUrl).get('/api/me/subscription')).status).toBe(401);
  });

  it('unsubscribes in one click with the signed token, no sign-in; a GET changes nothing', async () => {
    const anonymous = new ApiClient(h.baseUrl);
    const token = signUnsubscribeToken(await unsubscribeKey(h.db), userId);
    expect((await anonymous.get(`/api/unsubscribe?token=${encodeURIComponent(token)}`)).body).toEqual({
      email: expect.stringMatching(/^s…@test\.example$/),
      subscribed: true,
    });
    expect((await anonymous.get(`/unsubscribe?token=${encodeURIComponent(token)}`)).body).toContain(
      '<button type="submit">Unsubscribe</button>',
    );
    // In the language of the e-mail's link, else the browser's; the button's post keeps it.
    const french = (await anonymous.get(`/unsubscribe?token=${encodeURIComponent(token)}&lang=fr`)).body;
    expect(french).toContain('<html lang="fr">');
    expect(french).toContain('<button type="submit">Se désabonner</button>');
    expect(french).toContain(`action="/unsubscribe?token=${encodeURIComponent(token)}&amp;lang=fr"`);
    const german = await anonymous.get(`/unsubscribe?token=${encodeURIComponent(token)}`, {
      'accept-language': 'de-DE,de;q=0.9',
    });
    expect(german.body).toContain('<button type="submit">Abmelden</button>');
    const invalid = await anonymous.get(`/unsubscribe?token=${encodeURIComponent(`${userId}.forged`)}&lang=fr`);
    expect(invalid.status).toBe(400);
    expect(invalid.body).toContain('Ce lien de désabonnement n’est pas valide.');
    expect(await matches()).toBe(true);

    const forged = `${userId}.${'A'.repeat(43)}`;
    const refused = await anonymous.post(
      `/api/unsubscribe?token=${encodeURIComponent(forged)}`,
      'List-Unsubscribe=One-Click',
      { 'content-type': 'application/x-www-form-urlencoded' },
    );
    expect(refused.status).toBe(400);
    expect(refused.body.errors).toEqual([{ field: 'token', rule: expect.any(String) }]);
    expect((await anonymous.post('/api/unsubscribe')).body.errors).toEqual([{ field: 'token', rule: 'is required' }]);

    const done = await anonymous.post(
      `/api/unsubscribe?token=${encodeURIComponent(token)}`,
      'List-Unsubscribe=One-Click',
      { 'content-type': 'application/x-www-form-urlencoded' },
    );
    expect(done.status).toBe(200);
    expect(done.body.subscribed).toBe(false);
    expect(await matches()).toBe(false);
    expect((await anonymous.post(`/api/unsubscribe?token=${encodeURIComponent(token)}`)).status).toBe(200);
    // The page's button posts here; the answer says it in the page's language.
    expect(
      (
        await anonymous.post(`/unsubscribe?token=${encodeURIComponent(token)}&lang=de`, '', {
          'content-type': 'application/x-www-form-urlencoded',
        })
      ).body,
    ).toMatch(/<p role="status">s…@test\.example ist abgemeldet\./);
    expect((await supplier.get('/api/me/subscription')).body).toMatchObject({
      active: false,
      unsubscribedAt: expect.any(String),
    });
    // Saving again subscribes again.
    await supplier.put('/api/me/subscription', { cpvPrefixes: ['43'] });
    expect(await matches()).toBe(true);

    const audit = await h.db
      .selectFrom('audit_events')
      .select('action')
      .where('actor_user_id', '=', userId)
      .orderBy('id')
      .execute();
    expect(audit.map((a) => a.action)).toEqual([
      'supplier_registered',
      'subscription_saved',
      'supplier_unsubscribed',
      'subscription_saved',
    ]);
  });
});
