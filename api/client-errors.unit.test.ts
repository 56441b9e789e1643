import { createServer, type Server } from 'node:http';

import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { sendRaw } from '../test/support/fuzz/raw-http.js';
import { answerMalformedRequests } from './client-errors.js';

/**
 * What Node's HTTP parser refuses never reaches Express; without the handler the client gets a
 * bare `400 Bad Request` or `431` with no body (found by the fuzz test, issue 14).
 */
describe('requests the HTTP parser refuses', () => {
  let server: Server;
  let baseUrl: string;
  beforeAll(async () => {
    server = createServer((_req, res) => res.end('ok'));
    answerMalformedRequests(server);
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', () => resolve()));
    baseUrl = `http://127.0.0.1:${(server.address() as { port: number }).port}`;
  });
  afterAll(async () => {
    server.closeAllConnections();
    await new Promise<void>((resolve) => server.close(() => resolve()));
  });

  const problemOf = (body: string) =>
    JSON.parse(body) as { status: number; code: string; errors: { field: string; rule: string }[] };

  it('answers a header with a NUL with a 400 problem document naming the headers', async () => {
    const res = await sendRaw(
      baseUrl,
      { method: 'GET', target: '/api/me', headers: { 'idempotency-key': 'key\u0000nul' } },
      5000,
    );
    expect(res.status).toBe(400);
    expect(res.headers['content-type']).toBe('application/problem+json');
    expect(problemOf(res.body)).toMatchObject({ status: 400, code: 'invalid_input', errors: [{ field: '(headers)' }] });
  });

  it('answers a request line over 16 KB with a 431 problem document', async () => {
    const res = await sendRaw(
      baseUrl,
      { method: 'GET', target: `/api/reference/cpv?q=${'x'.repeat(20_000)}`, headers: {} },
      5000,
    );
    expect(res.status).toBe(431);
    expect(res.headers['content-type']).toBe('application/problem+json');
    expect(problemOf(res.body)).toMatchObject({ status: 431, errors: [{ field: '(headers)' }] });
  });

  it('answers a malformed request line with a 400 problem document', async () => {
    const res = await sendRaw(baseUrl, { method: 'GE T', target: '/', headers: {} }, 5000);
    expect(res.status).toBe(400);
    expect(problemOf(res.body).errors[0]!.field).toMatch(/^\(/);
  });

  it('still answers a well-formed request normally', async () => {
    const res = await sendRaw(baseUrl, { method: 'GET', target: '/', headers: {} }, 5000);
    expect(res).toMatchObject({ status: 200, body: 'ok' });
  });
});
