import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { createApp } from '../api/app.js';
import { createSmtpMailer } from '../mail/mailer.js';
import { ApiClient, type Harness, startHarness } from './support/harness.js';

describe('API surface: OpenAPI document, reference page, health and readiness', () => {
  let h: Harness;
  let anonymous: ApiClient;

  beforeAll(async () => {
    h = await startHarness({ worker: false });
    anonymous = new ApiClient(h.baseUrl);
  });
  afterAll(async () => h?.close());

  it('publishes an OpenAPI 3.1 document generated from the route schemas', async () => {
    const res = await anonymous.get('/api/openapi.json');
    expect(res.status).toBe(200);
    expect(res.body.openapi).toBe('3.1.0');
    const paths = Object.keys(res.body.paths);
    for (const p of [
      '/api/statements',
      '/api/statements/{statementId}',
      '/api/statements/{statementId}/invitations',
      '/api/auth/sign-in',
    ]) {
      expect(paths).toContain(p);
    }
    const create = res.body.paths['/api/statements'].post;
    expect(create.requestBody.content['application/json'].schema.$ref).toBe('#/components/schemas/StatementDetails');
    expect(create.responses['400'].content['application/problem+json'].schema.$ref).toBe(
      '#/components/schemas/Problem',
    );
    expect(res.body.components.schemas.StatementDetails.required).toEqual(
      expect.arrayContaining(['title', 'cpvCodes', 'schedule']),
    );
  });

  it('serves a human-readable API reference', async () => {
    const res = await anonymous.get('/api/docs');
    expect(res.status).toBe(200);
    expect(res.body).toContain('/api/docs/assets/swagger-ui-bundle.js');
    expect((await anonymous.get('/api/docs/assets/swagger-ui-bundle.js')).status).toBe(200);
  });

  it('reports liveness and readiness of database, Temporal and SMTP', async () => {
    expect((await anonymous.get('/healthz')).body).toEqual({ status: 'ok' });
    const ready = await anonymous.get('/readyz');
    expect(ready.status).toBe(200);
    expect(ready.body.checks).toEqual({ database: { ok: true }, temporal: { ok: true }, smtp: { ok: true } });
  });

  it('reports not ready, naming the failing dependency, when SMTP is down', async () => {
    const deadMailer = createSmtpMailer('smtp://127.0.0.1:1', 'x <x@test.example>', { pool: false });
    const { app } = createApp({ ctx: h.ctx, db: h.db, temporal: h.temporal, mailer: deadMailer, secureCookies: false });
    const server = app.listen(0, '127.0.0.1');
    await new Promise((r) => server.once('listening', r));
    try {
      const port = (server.address() as { port: number }).port;
      const res = await new ApiClient(`http://127.0.0.1:${port}`).get('/readyz');
      expect(res.status).toBe(503);
      expect(res.body.checks.smtp.ok).toBe(false);
      expect(res.body.checks.database.ok).toBe(true);
    } finally {
      server.close();
    }
  });
});
