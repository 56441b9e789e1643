import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { ApiClient, type Harness, makeOrganisation, makeUser, signIn, startHarness } from './support/harness.js';

/**
 * Issue 13, point 7: administrators disable a user, remove a membership and revoke a user's
 * sessions and tokens; each is audited on the platform chain.
 */
describe('user administration', () => {
  let h: Harness;
  let admin: ApiClient;
  let adminUserId: string;
  let orgId: string;

  beforeAll(async () => {
    h = await startHarness();
    const commission = await makeOrganisation(h, { kind: 'commission', country: 'BE' });
    const adminUser = await makeUser(h, commission.id, { label: 'user-admin', isAdmin: true });
    adminUserId = adminUser.id;
    admin = await signIn(h, adminUser.email);
    orgId = (await makeOrganisation(h, { kind: 'buyer', country: 'LU' })).id;
  });
  afterAll(async () => h?.close());

  /** A user signed in twice, with an API token. */
  const member = async (label: string) => {
    const user = await makeUser(h, orgId, { label, roles: ['signatory'] });
    const browser = await signIn(h, user.email);
    const bearer = new ApiClient(h.baseUrl, {
      bearer: (await browser.post('/api/tokens', { name: 'script', expiresInDays: 30 })).body.token,
    });
    return { user, browser, bearer };
  };

  /** Asking for a sign-in link answers 202 as always, and no link is sent. */
  const expectNoLink = async (email: string) => {
    const before = h.mail.messages.length;
    expect((await new ApiClient(h.baseUrl).post('/api/auth/sign-in', { email })).status).toBe(202);
    await new Promise((r) => setTimeout(r, 1500));
    expect(h.mail.messages.slice(before).filter((m) => m.to.includes(email.toLowerCase()))).toEqual([]);
  };

  /** The last platform event about this user: other files administer their own users on the same chain. */
  const lastPlatformEvent = async (action: string, userId: string) =>
    h.db
      .selectFrom('audit_events')
      .selectAll()
      .where('chain', '=', 'platform')
      .where('action', '=', action)
      .where(sql<string>`data->>'userId'`, '=', userId)
      .orderBy('seq', 'desc')
      .executeTakeFirst();

  it('disables a user: its sessions, tokens and sign-in links stop at once; it cannot sign in again until enabled', async () => {
    const { user, browser, bearer } = await member('disabled');
    const res = await admin.post(`/api/admin/users/${user.id}/disable`);
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ id: user.id, disabledAt: expect.any(String), removedAt: null });
    expect((await browser.get('/api/me')).status).toBe(401);
    expect((await bearer.get('/api/me')).status).toBe(401);
    await expectNoLink(user.email);
    // Another user disabled afterwards, as other files do on the same platform chain meanwhile.
    const bystander = await member('bystander');
    expect((await admin.post(`/api/admin/users/${bystander.user.id}/disable`)).status).toBe(200);

    const audit = await lastPlatformEvent('user_disabled', user.id);
    expect(audit).toMatchObject({
      actor_user_id: adminUserId,
      data: expect.objectContaining({ userId: user.id, sessionsEnded: 1, tokensRevoked: 1 }),
    });

    expect((await admin.post(`/api/admin/users/${user.id}/enable`)).body.disabledAt).toBeNull();
    expect((await bearer.get('/api/me')).status).toBe(401); // nothing given back
    expect((await (await signIn(h, user.email)).get('/api/me')).status).toBe(200);
  });

  it('removes a membership: the user loses roles and access but stays in the history', async () => {
    const { user, browser } = await member('removed');
    const res = await admin.delete(`/api/admin/organisations/${orgId}/users/${user.id}`);
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ roles: [], removedAt: expect.any(String) });
    expect((await browser.get('/api/me')).status).toBe(401);
    await expectNoLink(user.email);
    expect(
      (await admin.get(`/api/admin/organisations/${orgId}/users`)).body.find((u: { id: string }) => u.id === user.id),
    ).toMatchObject({ removedAt: expect.any(String) });
    expect(await lastPlatformEvent('membership_removed', user.id)).toMatchObject({
      data: expect.objectContaining({ userId: user.id, organisationId: orgId, roles: ['signatory'] }),
    });
    // Not a member any more.
    expect((await admin.delete(`/api/admin/organisations/${orgId}/users/${user.id}`)).status).toBe(404);
  });

  it('revokes a user’s sessions and tokens without disabling it', async () => {
    const { user, browser, bearer } = await member('revoked');
    const res = await admin.post(`/api/admin/users/${user.id}/revoke-credentials`, { sessions: true, tokens: true });
    expect(res.body).toEqual({ sessionsEnded: 1, tokensRevoked: 1 });
    expect((await browser.get('/api/me')).status).toBe(401);
    expect((await bearer.get('/api/me')).status).toBe(401);
    expect(await lastPlatformEvent('user_credentials_revoked', user.id)).toMatchObject({
      actor_user_id: adminUserId,
      data: expect.objectContaining({ userId: user.id }),
    });
    expect((await (await signIn(h, user.email)).get('/api/me')).status).toBe(200);
  });

  it('is for administrators only, and an administrator cannot lock itself out', async () => {
    const { user, browser } = await member('not-admin');
    for (const res of [
      await browser.post(`/api/admin/users/${adminUserId}/disable`),
      await browser.delete(`/api/admin/organisations/${orgId}/users/${user.id}`),
      await browser.post(`/api/admin/users/${user.id}/revoke-credentials`, {}),
      await browser.get(`/api/admin/organisations/${orgId}/users`),
    ]) {
      expect(res.status).toBe(403);
    }
    expect((await admin.post(`/api/admin/users/${adminUserId}/disable`)).status).toBe(422);
    expect((await admin.post('/api/admin/users/00000000-0000-4000-8000-000000000000/disable')).status).toBe(404);
  });
});
