import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { ApiClient, type Harness, makeOrganisation, makeUser, signIn, startHarness } from './support/harness.js';

/** Issue 13, point 7: sessions end when idle and at their absolute end; a user lists and ends its own. */
describe('sessions', () => {
  let h: Harness;
  let orgId: string;

  beforeAll(async () => {
    h = await startHarness();
    orgId = (await makeOrganisation(h, { kind: 'buyer', country: 'SI' })).id;
  });
  afterAll(async () => h?.close());

  const sessionIdOf = async (client: ApiClient) => {
    const list = await client.get('/api/me/sessions');
    expect(list.status).toBe(200);
    return (list.body as { id: string; current: boolean }[]).find((s) => s.current)!.id;
  };

  it('ends a session unused for 30 minutes (idle timeout)', async () => {
    const client = await signIn(h, (await makeUser(h, orgId, { label: 'idle' })).email);
    const id = await sessionIdOf(client);
    await sql`update sessions set last_seen_at = now() - interval '29 minutes' where id = ${id}`.execute(h.db);
    // Used within the timeout: it goes on, and its last use moves on.
    expect((await client.get('/api/me')).status).toBe(200);
    const seen = await sql<{ last_seen_at: Date }>`select last_seen_at from sessions where id = ${id}`.execute(h.db);
    expect(Date.now() - seen.rows[0]!.last_seen_at.getTime()).toBeLessThan(60_000);
    await sql`update sessions set last_seen_at = now() - interval '31 minutes' where id = ${id}`.execute(h.db);
    expect((await client.get('/api/me')).status).toBe(401);
  });

  it('ends a session at its absolute end, however active', async () => {
    const client = await signIn(h, (await makeUser(h, orgId, { label: 'absolute' })).email);
    const id = await sessionIdOf(client);
    const row = await sql<{
      hours: number;
    }>`select extract(epoch from expires_at - created_at) / 3600 as hours from sessions where id = ${id}`.execute(h.db);
    expect(Number(row.rows[0]!.hours)).toBeCloseTo(12, 1);
    await sql`update sessions set expires_at = now() - interval '1 second' where id = ${id}`.execute(h.db);
    expect((await client.get('/api/me')).status).toBe(401);
  });

  it('lists the user’s sessions and ends one, or all of them everywhere', async () => {
    const email = (await makeUser(h, orgId, { label: 'many' })).email;
    const laptop = await signIn(h, email);
    const phone = await signIn(h, email);
    const tablet = await signIn(h, email);
    const list = await laptop.get('/api/me/sessions');
    expect(list.body).toHaveLength(3);
    expect(list.body.filter((s: { current: boolean }) => s.current)).toHaveLength(1);
    expect(list.body[0]).toMatchObject({
      id: expect.any(String),
      createdAt: expect.any(String),
      lastSeenAt: expect.any(String),
      expiresAt: expect.any(String),
      ip: expect.any(String),
    });

    // End the phone's from the laptop.
    const phoneId = await sessionIdOf(phone);
    expect((await laptop.delete(`/api/me/sessions/${phoneId}`)).status).toBe(204);
    expect((await phone.get('/api/me')).status).toBe(401);
    expect((await laptop.get('/api/me/sessions')).body).toHaveLength(2);
    // Another user's session id is not found.
    const other = await signIn(h, (await makeUser(h, orgId, { label: 'other' })).email);
    expect((await other.delete(`/api/me/sessions/${await sessionIdOf(tablet)}`)).status).toBe(404);

    // Sign out everywhere, API tokens too.
    const token = await laptop.post('/api/tokens', { name: 'script', expiresInDays: 7 });
    const bearer = new ApiClient(h.baseUrl, { bearer: token.body.token });
    expect((await bearer.get('/api/me')).status).toBe(200);
    // An API token cannot end sessions.
    expect((await bearer.post('/api/me/sessions/sign-out-everywhere', { revokeTokens: true })).status).toBe(403);
    const everywhere = await laptop.post('/api/me/sessions/sign-out-everywhere', { revokeTokens: true });
    expect(everywhere.status).toBe(200);
    expect(everywhere.body).toEqual({ sessionsEnded: 2, tokensRevoked: 1 });
    for (const c of [laptop, tablet, bearer]) expect((await c.get('/api/me')).status).toBe(401);
    expect((await other.get('/api/me')).status).toBe(200);
  });
});
