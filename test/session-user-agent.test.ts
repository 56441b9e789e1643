import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { newSecret } from '../db/credentials.js';
import { headerTextMax } from '../rules/text-policy.js';
import { requestSignIn } from '../services/auth/request-sign-in.js';
import { signInWithLink } from '../services/auth/sign-in-with-link.js';
import { ApiClient, type Harness, makeActor, startHarness } from './support/harness.js';

type Actor = Awaited<ReturnType<typeof makeActor>>;

/**
 * The User-Agent stored with a session is what the client sent: a NUL (PostgreSQL refuses it in
 * text) or 10 KB of it must not break sign-in. It is cleaned and cut under the text policy
 * (`cleanHeaderText`), and the account page's list of sessions shows the cleaned value.
 */
describe('a hostile User-Agent at sign-in', () => {
  let h: Harness;
  let person: Actor;

  /** The token of the latest sign-in link mailed to `email` after `before` messages. */
  async function linkToken(email: string, before: number): Promise<string> {
    const to = email.toLowerCase();
    const messages = await h.mail.waitFor((all) => all.slice(before).some((m) => m.to.includes(to)), 30_000);
    const mail = messages.slice(before).find((m) => m.to.includes(to))!;
    return new URL(/https?:\/\/\S+/.exec(mail.text)![0]).searchParams.get('token')!;
  }

  beforeAll(async () => {
    h = await startHarness();
    person = await makeActor(h, { kind: 'buyer', name: 'City of Gdańsk', country: 'PL' }, { label: 'ua-person' });
  });
  afterAll(async () => h?.close());

  it('signs in over HTTP with a 10 KB User-Agent full of C1 controls, storing it cleaned and cut', async () => {
    const hostile = `Mozilla/5.0 \u0085\u009b[31m ${'x'.repeat(10 * 1024)}`;
    const client = new ApiClient(h.baseUrl);
    const before = h.mail.messages.length;
    expect(
      (await client.post('/api/auth/sign-in', { email: person.user.email }, { 'user-agent': hostile })).status,
    ).toBe(202);
    const token = await linkToken(person.user.email, before);
    const verified = await client.post('/api/auth/verify', { token }, { 'user-agent': hostile });
    expect(verified.status, JSON.stringify(verified.body)).toBe(200);

    const sessions = await client.get('/api/me/sessions');
    expect(sessions.status).toBe(200);
    const current = (sessions.body as { userAgent: string | null; current: boolean }[]).find((s) => s.current)!;
    expect(current.userAgent).toMatch(/^Mozilla\/5\.0 \[31m x+$/);
    expect(current.userAgent).toHaveLength(headerTextMax);
  });

  it('signs in when a caller passes a User-Agent with NUL characters (not Node’s parser, which refuses them)', async () => {
    const nonce = newSecret();
    const before = h.mail.messages.length;
    requestSignIn(h.ctx, person.user.email, nonce, {});
    const token = await linkToken(person.user.email, before);
    const outcome = await signInWithLink(
      h.ctx,
      { token, browserNonce: nonce, confirm: false, userAgent: `Bad\u0000Agent ${'\u0000'.repeat(10 * 1024)}` },
      {},
    );
    expect(outcome.kind).toBe('signed_in');
    const { rows } = await sql<{
      user_agent: string | null;
    }>`select user_agent from sessions where user_id = ${person.user.id} order by created_at desc limit 1`.execute(
      h.db,
    );
    expect(rows[0]?.user_agent).toBe('BadAgent');
  });
});
