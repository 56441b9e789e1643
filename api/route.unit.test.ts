import type { AddressInfo } from 'node:net';

import express from 'express';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { z } from 'zod';

import { loadConfig } from '../platform/config.js';
import { createLogger } from '../platform/logger.js';
import { createApp } from './app.js';
import { errorHandler } from './problem.js';
import { ApiRoutes, documentedBody, refuseLooseObjects } from './route.js';

/** An app of `handlers` then the error handler, listening on a free port. */
async function listen(...handlers: express.RequestHandler[]): Promise<{ base: string; close: () => Promise<void> }> {
  const app = express();
  for (const h of handlers) app.use(h);
  app.use(errorHandler(createLogger('silent')));
  const server = app.listen(0, '127.0.0.1');
  await new Promise((r) => server.once('listening', r));
  return {
    base: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    close: () => new Promise<void>((r) => server.close(() => r())),
  };
}

const viewSchema = z.object({
  id: z.string(),
  rows: z.array(z.object({ orgId: z.string(), status: z.string() })),
  data: z.record(z.string(), z.unknown()),
});
/** What a careless service might hand back: the documented fields plus an id, a hash and a reason nobody documented. */
const leaky = {
  id: 's1',
  rows: [{ orgId: 'o1', status: 'declined', statusReason: 'No budget', versionId: 'v1' }],
  data: { free: 'form' },
  contentHash: 'abc',
};
const spec = { method: 'get' as const, path: '/x', responses: { 200: { description: 'x', schema: viewSchema } } };

describe('responses are filtered to their documented schema', () => {
  it('drops every key the schema does not name, at any depth, and keeps documented maps whole', () => {
    expect(documentedBody(spec, { status: 200, body: leaky }, false)).toEqual({
      id: 's1',
      rows: [{ orgId: 'o1', status: 'declined' }],
      data: { free: 'form' },
    });
  });

  it('refuses, in every environment, a body the schema refuses, an undocumented status and a JSON body without a schema', () => {
    for (const strict of [false, true]) {
      expect(() => documentedBody(spec, { status: 200, body: { id: 1 } }, strict)).toThrow(/schema refuses/);
      expect(() => documentedBody(spec, { status: 201, body: leaky }, strict)).toThrow(/does not document/);
      expect(() =>
        documentedBody(
          { ...spec, responses: { 200: { description: 'no schema' } } },
          { status: 200, body: leaky },
          strict,
        ),
      ).toThrow(/no JSON schema/);
    }
  });

  it('is strict in the tests: a key the filter would drop is an error naming where it is', () => {
    expect(() => documentedBody(spec, { status: 200, body: leaky }, true)).toThrow(
      /rows\[0\]\.statusReason, rows\[0\]\.versionId, contentHash/,
    );
    expect(
      documentedBody(spec, { status: 200, body: { id: 's1', rows: [], data: {}, skipped: undefined } }, true),
    ).toEqual({ id: 's1', rows: [], data: {} });
  });

  it('refuses a loose or passthrough object anywhere in a response schema; plain objects and maps pass', () => {
    expect(() => refuseLooseObjects(viewSchema, 'ok')).not.toThrow();
    for (const loose of [
      z.looseObject({ a: z.string() }),
      z.object({ a: z.string() }).passthrough(),
      z.object({ a: z.string() }).catchall(z.string()),
      z.object({ nested: z.array(z.looseObject({ b: z.int() })) }),
      z.union([z.object({ a: z.string() }), z.object({ b: z.string() }).passthrough()]),
    ]) {
      expect(() => refuseLooseObjects(loose, 'GET /loose 200')).toThrow(
        /GET \/loose 200: the response schema keeps undocumented keys/,
      );
    }
    const api = new ApiRoutes();
    expect(() =>
      api.add({
        method: 'get',
        path: '/loose',
        summary: 'x',
        tags: [],
        access: 'public',
        responses: { 200: { description: 'x', schema: z.looseObject({ a: z.string() }) } },
        handler: async () => ({ status: 200, body: { a: 'x' } }),
      }),
    ).toThrow(/loose or passthrough/);
  });

  it('declares every route of the application with filtering response schemas', () => {
    const unused = new Proxy(
      {},
      {
        get: () => {
          throw new Error('not available');
        },
      },
    ) as never;
    const config = loadConfig({ PUBLIC_URL: 'http://localhost:3000' });
    expect(() =>
      createApp({
        ctx: { db: unused, temporal: unused, config, logger: createLogger('silent') },
        db: unused,
        temporal: unused,
        mailer: unused,
        secureCookies: false,
      }),
    ).not.toThrow();
  });

  describe('over HTTP, without the tests’ response check (as in production)', () => {
    let base: string;
    let close: () => Promise<void>;
    beforeAll(async () => {
      const api = new ApiRoutes({ checkResponses: false });
      api.add({
        method: 'get',
        path: '/leaky',
        summary: 'x',
        tags: [],
        access: 'public',
        responses: { 200: { description: 'x', schema: viewSchema } },
        handler: async () => ({ status: 200, body: leaky }),
      });
      api.add({
        method: 'get',
        path: '/broken',
        summary: 'x',
        tags: [],
        access: 'public',
        responses: { 200: { description: 'x', schema: viewSchema } },
        handler: async () => ({ status: 200, body: { ...leaky, id: 42 } }),
      });
      ({ base, close } = await listen(api.router));
    });
    afterAll(() => close());

    it('sends the filtered body', async () => {
      const res = await fetch(`${base}/leaky`);
      expect(res.status).toBe(200);
      expect(await res.json()).toEqual({
        id: 's1',
        rows: [{ orgId: 'o1', status: 'declined' }],
        data: { free: 'form' },
      });
    });

    it('answers a body its schema refuses with a 500 problem that carries none of it', async () => {
      const res = await fetch(`${base}/broken`);
      expect(res.status).toBe(500);
      const text = await res.text();
      expect(JSON.parse(text)).toMatchObject({ code: 'internal' });
      expect(text).not.toMatch(/No budget|versionId|s1/);
    });
  });
});

describe('public documents answered before sessions (`beforeSessions`)', () => {
  let base: string;
  let close: () => Promise<void>;
  /** What reached the middleware mounted between the two routers (body parsers, sessions, tracing in the app). */
  const reachedLaterMiddleware: string[] = [];
  beforeAll(async () => {
    const api = new ApiRoutes({ checkResponses: false });
    api.add({
      method: 'get',
      path: '/document/:n',
      summary: 'x',
      tags: [],
      access: 'public',
      beforeSessions: true,
      params: z.object({ n: z.coerce.number().int().min(1) }),
      responses: { 200: { description: 'x', schema: z.object({ n: z.number() }) } },
      handler: async ({ params }) => ({ status: 200, body: { n: params.n } }),
    });
    api.add({
      method: 'get',
      path: '/other',
      summary: 'x',
      tags: [],
      access: 'public',
      responses: { 200: { description: 'x', schema: z.object({ ok: z.boolean() }) } },
      handler: async () => ({ status: 200, body: { ok: true } }),
    });
    const recordLater: express.RequestHandler = (req, _res, next) => {
      reachedLaterMiddleware.push(`${req.method} ${req.url} ${req.headers.authorization ?? req.headers.cookie ?? ''}`);
      next();
    };
    ({ base, close } = await listen(api.routerBeforeSessions, recordLater, api.router));
  });
  afterAll(() => close());

  it('answers a request without credentials before the later middleware, validated as declared', async () => {
    reachedLaterMiddleware.length = 0;
    const res = await fetch(`${base}/document/7`);
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual({ n: 7 });
    const bad = await fetch(`${base}/document/0`);
    expect(bad.status).toBe(400);
    expect(await bad.json()).toMatchObject({ code: 'invalid_input', errors: [{ field: 'n' }] });
    expect(reachedLaterMiddleware).toEqual([]);
  });

  it('sends a request with a token or a cookie the usual way, through sessions, and other routes too', async () => {
    reachedLaterMiddleware.length = 0;
    const withToken = await fetch(`${base}/document/7`, { headers: { authorization: 'Bearer t' } });
    const withCookie = await fetch(`${base}/document/8`, { headers: { cookie: 'jd_session=s' } });
    const other = await fetch(`${base}/other`);
    expect([withToken.status, withCookie.status, other.status]).toEqual([200, 200, 200]);
    expect(await withCookie.json()).toEqual({ n: 8 });
    expect(reachedLaterMiddleware).toEqual(['GET /document/7 Bearer t', 'GET /document/8 jd_session=s', 'GET /other ']);
  });
});
