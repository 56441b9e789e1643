import type { Server } from 'node:http';

import express from 'express';
import { pino } from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { createLogger } from '../platform/logger.js';
import { sendRaw } from '../test/support/fuzz/raw-http.js';
import { errorHandler } from './problem.js';
import { nameRequests } from './request-trace.js';

/**
 * What Express and body-parser refuse before any schema runs is a 400 that names a field and a
 * rule like every other; before, it was a problem document with no `errors` (found by fuzzing,
 * issue 14), and the detail echoed the refused path segment.
 */
describe('errorHandler: requests refused before validation', () => {
  let server: Server;
  let baseUrl: string;
  beforeAll(async () => {
    const app = express();
    app.use(express.json());
    app.all('/things/:id', (_req, res) => void res.json({ ok: true }));
    app.use(errorHandler(createLogger('silent')));
    server = app.listen(0, '127.0.0.1');
    await new Promise<void>((resolve) => server.once('listening', () => resolve()));
    baseUrl = `http://127.0.0.1:${(server.address() as { port: number }).port}`;
  });
  afterAll(async () => {
    server.closeAllConnections();
    await new Promise<void>((resolve) => server.close(() => resolve()));
  });

  const send = (target: string, headers: Record<string, string> = {}, body?: string) =>
    sendRaw(baseUrl, { method: body ? 'POST' : 'GET', target, headers, ...(body ? { body } : {}) }, 5000);
  const errorsOf = (body: string) => (JSON.parse(body) as { errors?: unknown }).errors;

  it.each([
    ['a bare percent sign', '/things/%'],
    ['a lone surrogate, percent-encoded', '/things/%ED%A0%80'],
    ['a cut-off escape', '/things/%E0%A4%A'],
  ])('names the path when a segment is not percent-encoded UTF-8: %s', async (_name, target) => {
    const res = await send(target);
    expect(res.status).toBe(400);
    expect(res.headers['content-type']).toMatch(/^application\/problem\+json/);
    expect(errorsOf(res.body)).toEqual([{ field: '(path)', rule: 'must be valid percent-encoded UTF-8' }]);
    expect(JSON.parse(res.body).detail).not.toContain(target.slice('/things/'.length));
  });

  it('names Content-Type when the JSON body comes in a charset the parser does not read', async () => {
    const res = await send('/things/1', { 'content-type': 'application/json; charset=klingon' }, '{}');
    expect(res.status).toBe(400);
    expect(errorsOf(res.body)).toEqual([{ field: 'Content-Type', rule: 'charset must be utf-8' }]);
  });

  it('names Content-Encoding when the body is in an encoding the parser does not read', async () => {
    const res = await send(
      '/things/1',
      { 'content-type': 'application/json', 'content-encoding': 'br, klingon' },
      '{}',
    );
    expect(res.status).toBe(400);
    expect(errorsOf(res.body)).toEqual([{ field: 'Content-Encoding', rule: 'must be identity, gzip, deflate or br' }]);
  });

  it('names the request for any other refusal (a body that claims gzip and is not)', async () => {
    const res = await send('/things/1', { 'content-type': 'application/json', 'content-encoding': 'gzip' }, '{"a":1}');
    expect(res.status).toBe(400);
    expect(errorsOf(res.body)).toEqual([{ field: '(request)', rule: 'must be a valid HTTP request' }]);
  });
});

describe('errorHandler: log lines name the request', () => {
  it("carries the request's X-Request-Id where no trace context runs", async () => {
    const lines: Record<string, unknown>[] = [];
    const logger = pino({ level: 'warn' }, { write: (line: string) => void lines.push(JSON.parse(line)) });
    const app = express();
    app.use(nameRequests());
    // No traceRequests(): as for a public document answered before sessions.
    app.get('/broken', () => {
      throw new Error('boom');
    });
    app.use(errorHandler(logger));
    const server = app.listen(0, '127.0.0.1');
    await new Promise<void>((resolve) => server.once('listening', () => resolve()));
    try {
      const res = await fetch(`http://127.0.0.1:${(server.address() as { port: number }).port}/broken`);
      expect(res.status).toBe(500);
      const id = res.headers.get('x-request-id');
      expect(id).toMatch(/^[0-9a-f]{32}$/);
      expect(lines).toEqual([expect.objectContaining({ msg: 'unhandled error', traceId: id, path: '/broken' })]);
    } finally {
      await new Promise<void>((resolve) => server.close(() => resolve()));
    }
  });
});
