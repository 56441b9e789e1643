import createClient from 'openapi-fetch';
import { describe, expect, it } from 'vitest';

import { call, maxRetriesAfter503, retryAfterMs, retryingFetch } from './client';
import type { paths } from './schema';

/** A fake server: answers each request with the next of `answers` (the last one again when they run out), and keeps what it was sent. */
function fakeServer(answers: (() => Response)[]) {
  const seen: { method: string; key: string | null; body: string }[] = [];
  const send = async (request: Request) => {
    seen.push({ method: request.method, key: request.headers.get('Idempotency-Key'), body: await request.text() });
    return answers[Math.min(seen.length - 1, answers.length - 1)]!();
  };
  return { seen, send };
}

const busy = () =>
  new Response(JSON.stringify({ code: 'process_unavailable', status: 503 }), {
    status: 503,
    headers: { 'Retry-After': '5', 'Content-Type': 'application/problem+json' },
  });
const ok = () =>
  new Response(JSON.stringify({ versionId: 'v1' }), { status: 200, headers: { 'Content-Type': 'application/json' } });

function waits() {
  const asked: number[] = [];
  return { asked, wait: async (ms: number) => void asked.push(ms) };
}

const submit = () =>
  new Request('http://localhost/api/statements/s1/needs/submit', {
    method: 'POST',
    body: JSON.stringify({ lines: 3 }),
  });

describe('the web client’s requests', () => {
  it('repeat a request the server shed, with the same Idempotency-Key and body, after the pause it asks for', async () => {
    const server = fakeServer([busy, busy, ok]);
    const clock = waits();
    const response = await retryingFetch(server.send, { wait: clock.wait })(submit());
    expect(response.status).toBe(200);
    expect(await response.json()).toEqual({ versionId: 'v1' });
    expect(server.seen).toHaveLength(3);
    const key = server.seen[0]!.key;
    expect(key).toMatch(/^[0-9a-f-]{32,36}$/);
    expect(server.seen.map((s) => s.key)).toEqual([key, key, key]);
    expect(server.seen.map((s) => s.body)).toEqual(Array(3).fill('{"lines":3}'));
    expect(clock.asked).toEqual([5000, 5000]);
  });

  it(`give up after ${maxRetriesAfter503} repeats and answer the 503, for the page to show the problem`, async () => {
    const server = fakeServer([busy]);
    const clock = waits();
    const response = await retryingFetch(server.send, { wait: clock.wait })(submit());
    expect(response.status).toBe(503);
    expect(await response.json()).toEqual({ code: 'process_unavailable', status: 503 });
    expect(server.seen).toHaveLength(1 + maxRetriesAfter503);
    expect(new Set(server.seen.map((s) => s.key)).size).toBe(1);
    expect(clock.asked).toEqual([5000, 5000, 5000]);
  });

  it('keep a key the caller chose, give each request a key of its own, and add none to a GET', async () => {
    const server = fakeServer([ok]);
    const send = retryingFetch(server.send, { wait: waits().wait });
    await send(
      new Request('http://localhost/api/statements', {
        method: 'POST',
        body: '{}',
        headers: { 'Idempotency-Key': 'create-1' },
      }),
    );
    await send(submit());
    await send(submit());
    await send(new Request('http://localhost/api/statements/s1'));
    expect(
      server.seen.map((s) => [s.method, s.key === null ? null : s.key === 'create-1' ? 'create-1' : 'new']),
    ).toEqual([
      ['POST', 'create-1'],
      ['POST', 'new'],
      ['POST', 'new'],
      ['GET', null],
    ]);
    expect(server.seen[1]!.key).not.toBe(server.seen[2]!.key);
  });

  it('answer a 503 without Retry-After, and any other problem, at once', async () => {
    for (const answer of [
      () => new Response('{}', { status: 503 }),
      () => new Response('{}', { status: 500, headers: { 'Retry-After': '1' } }),
    ]) {
      const server = fakeServer([answer, ok]);
      const response = await retryingFetch(server.send, { wait: waits().wait })(submit());
      expect(server.seen).toHaveLength(1);
      expect(response.status).not.toBe(200);
    }
  });

  it('work under the generated client: a shed submission comes back as the problem the page shows', async () => {
    const server = fakeServer([busy]);
    const client = createClient<paths>({
      baseUrl: 'http://localhost',
      fetch: retryingFetch(server.send, { wait: waits().wait }),
    });
    const submitted = call(
      client.POST('/api/statements/{statementId}/needs/submit', { params: { path: { statementId: 's1' } } }),
    );
    await expect(submitted).rejects.toMatchObject({ status: 503, code: 'process_unavailable' });
    expect(server.seen).toHaveLength(1 + maxRetriesAfter503);
    expect(new Set(server.seen.map((s) => s.key)).size).toBe(1);
  });

  it('read Retry-After in seconds or as an HTTP date', () => {
    const now = Date.parse('2026-12-04T12:00:00Z');
    expect(retryAfterMs('5', now)).toBe(5000);
    expect(retryAfterMs('Fri, 04 Dec 2026 12:00:07 GMT', now)).toBe(7000);
    expect(retryAfterMs('Fri, 04 Dec 2026 11:00:00 GMT', now)).toBe(0);
    expect(retryAfterMs('soon', now)).toBeUndefined();
    expect(retryAfterMs(null, now)).toBeUndefined();
  });
});
