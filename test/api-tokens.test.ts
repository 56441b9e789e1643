import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import {
  ApiClient,
  type Harness,
  makeOrganisation,
  makeUser,
  signIn,
  startHarness,
  statementDetails,
} from './support/harness.js';

/** Issue 13, point 7: API tokens expire, carry scopes enforced on every route, and are stored hashed. */
describe('API tokens', () => {
  let h: Harness;
  let session: ApiClient;
  let admin: ApiClient;

  beforeAll(async () => {
    h = await startHarness();
    const org = await makeOrganisation(h, { kind: 'buyer', country: 'LT' });
    session = await signIn(h, (await makeUser(h, org.id, { label: 'tokens' })).email);
    const commission = await makeOrganisation(h, { kind: 'commission', country: 'BE' });
    admin = await signIn(h, (await makeUser(h, commission.id, { label: 'token-admin', isAdmin: true })).email);
  });
  afterAll(async () => h?.close());

  it('requires an expiry of at most 365 days', async () => {
    const none = await session.post('/api/tokens', { name: 'forever' });
    expect(none.status).toBe(400);
    expect(none.body.errors).toEqual([{ field: 'expiresInDays', rule: expect.stringContaining('required') }]);
    const tooLong = await session.post('/api/tokens', { name: 'too long', expiresInDays: 366 });
    expect(tooLong.status).toBe(400);
    expect(tooLong.body.errors).toEqual([{ field: 'expiresInDays', rule: 'must be at most 365' }]);
    const ok = await session.post('/api/tokens', { name: 'a year', expiresInDays: 365 });
    expect(ok.status).toBe(201);
    expect(new Date(ok.body.expiresAt).getTime() - Date.now()).toBeGreaterThan(364 * 86_400_000);
  });

  it('shows the secret once and stores only its hash', async () => {
    const created = await session.post('/api/tokens', { name: 'hashed', expiresInDays: 1 });
    const listed = await session.get('/api/tokens');
    expect(JSON.stringify(listed.body)).not.toContain(created.body.token);
    const stored = await h.db
      .selectFrom('api_tokens')
      .selectAll()
      .where('id', '=', created.body.id)
      .executeTakeFirstOrThrow();
    expect(JSON.stringify(stored)).not.toContain(created.body.token);
    expect(stored.token_hash).toMatch(/^[0-9a-f]{64}$/);
  });

  it('enforces scopes on every route: read for safe methods, write for the rest', async () => {
    const read = new ApiClient(h.baseUrl, {
      bearer: (await session.post('/api/tokens', { name: 'reader', expiresInDays: 1, scopes: ['read'] })).body.token,
    });
    expect((await read.get('/api/me')).status).toBe(200);
    expect((await read.get('/api/statements')).status).toBe(200);
    const write = await read.post('/api/statements', statementDetails());
    expect(write.status).toBe(403);
    expect(write.body.detail).toMatch(/write/);
    expect((await read.put('/api/me/locale', { locale: 'fr' })).status).toBe(403);

    const writer = new ApiClient(h.baseUrl, {
      bearer: (await session.post('/api/tokens', { name: 'writer', expiresInDays: 1, scopes: ['write'] })).body.token,
    });
    expect((await writer.get('/api/me')).status).toBe(403);
    expect((await writer.put('/api/me/locale', { locale: 'en' })).status).toBe(200);

    // Without scopes named, a token reads and writes.
    const created = await session.post('/api/tokens', { name: 'default', expiresInDays: 1 });
    expect(created.body.scopes).toEqual(['read', 'write']);
  });

  it('gives an administrator’s token administrator rights only with the admin scope, which only administrators may ask for', async () => {
    expect(
      (await session.post('/api/tokens', { name: 'escalate', expiresInDays: 1, scopes: ['read', 'admin'] })).status,
    ).toBe(422);
    const plain = new ApiClient(h.baseUrl, {
      bearer: (await admin.post('/api/tokens', { name: 'plain', expiresInDays: 1 })).body.token,
    });
    const full = new ApiClient(h.baseUrl, {
      bearer: (await admin.post('/api/tokens', { name: 'full', expiresInDays: 1, scopes: ['read', 'write', 'admin'] }))
        .body.token,
    });
    const org = { kind: 'buyer', name: `Scoped ${Date.now()}`, country: 'LT', buyerLegalType: 'la' };
    expect((await plain.post('/api/organisations', org)).status).toBe(403);
    expect((await plain.get('/api/me')).body.user.isAdmin).toBe(true);
    expect((await full.post('/api/organisations', org)).status).toBe(201);
  });

  it('refuses an expired token', async () => {
    const created = await session.post('/api/tokens', { name: 'short', expiresInDays: 1 });
    const bearer = new ApiClient(h.baseUrl, { bearer: created.body.token });
    expect((await bearer.get('/api/me')).status).toBe(200);
    await h.db
      .updateTable('api_tokens')
      .set({ expires_at: new Date(Date.now() - 1000) })
      .where('id', '=', created.body.id)
      .execute();
    expect((await bearer.get('/api/me')).status).toBe(401);
  });

  it('records when a token was last used, to the minute, without writing its row on every request', async () => {
    // Every authenticated request wrote the token's row (a commit and its WAL flush each), and a
    // token's concurrent requests queued on its row lock: seen in the loaded deadline rush, where
    // the lead's 50 readers share one token.
    const created = await session.post('/api/tokens', { name: 'busy', expiresInDays: 1 });
    const bearer = new ApiClient(h.baseUrl, { bearer: created.body.token });
    const row = () =>
      h.db
        .selectFrom('api_tokens')
        .select([sql<string>`xmin::text`.as('version'), 'last_used_at'])
        .where('id', '=', created.body.id)
        .executeTakeFirstOrThrow();
    expect((await row()).last_used_at).toBeNull();

    expect((await bearer.get('/api/me')).status).toBe(200);
    const first = await row();
    expect(first.last_used_at).not.toBeNull();
    const answers = await Promise.all(Array.from({ length: 10 }, () => bearer.get('/api/me')));
    expect(answers.map((a) => a.status)).toEqual(Array(10).fill(200));
    // Within the minute: the same row version, not eleven.
    expect(await row()).toEqual(first);

    // A minute later the next request records the use again.
    await h.db
      .updateTable('api_tokens')
      .set({ last_used_at: new Date(Date.now() - 61_000) })
      .where('id', '=', created.body.id)
      .execute();
    expect((await bearer.get('/api/me')).status).toBe(200);
    const later = await row();
    expect(Date.now() - later.last_used_at!.getTime()).toBeLessThan(30_000);
    expect(
      (await session.get('/api/tokens')).body.find((t: { id: string }) => t.id === created.body.id).lastUsedAt,
    ).toBe(later.last_used_at!.toISOString());
  });
});
