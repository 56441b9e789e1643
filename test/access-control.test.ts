import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { countSecurityEvents } from '../db/audit.js';
import { ApiClient, type Harness, makeActor, startHarness, statementDetails } from './support/harness.js';

type Actor = Awaited<ReturnType<typeof makeActor>>;

describe('access control on every statement route, with the wrong role each time', () => {
  let h: Harness;
  let lead: Actor;
  let invited: Actor;
  let outsider: Actor;
  let supplier: Actor;
  let commission: Actor;
  let admin: Actor;
  let statementId: string;
  let anonymous: ApiClient;

  beforeAll(async () => {
    h = await startHarness();
    lead = await makeActor(h, { kind: 'buyer', country: 'FI' });
    invited = await makeActor(h, { kind: 'buyer', country: 'DK' });
    outsider = await makeActor(h, { kind: 'buyer', country: 'SE' });
    supplier = await makeActor(h, { kind: 'supplier', country: 'DE', sme: true });
    commission = await makeActor(h, { kind: 'commission', country: 'BE' });
    admin = await makeActor(h, { kind: 'operator', country: 'BE' }, { isAdmin: true });
    anonymous = new ApiClient(h.baseUrl);
    const created = await lead.api.post('/api/statements', statementDetails());
    statementId = created.body.id;
    await lead.api.post(`/api/statements/${statementId}/invitations`, { organisationIds: [invited.org.id] });
  });
  afterAll(async () => h?.close());

  it('answers 401 without a session or token, and for a wrong token', async () => {
    for (const [method, path] of [
      ['GET', '/api/statements'],
      ['POST', '/api/statements'],
      ['GET', `/api/statements/${statementId}`],
      ['POST', `/api/statements/${statementId}/cancel`],
      ['GET', '/api/me'],
      ['GET', '/api/organisations'],
    ] as const) {
      const res = await anonymous.request(method, path, method === 'POST' ? {} : undefined);
      expect(res.status, `${method} ${path}`).toBe(401);
      expect(res.headers.get('content-type')).toContain('application/problem+json');
      expect(res.body.code).toBe('unauthenticated');
    }
    const forged = new ApiClient(h.baseUrl, { bearer: 'jd_not-a-real-token-at-all-000000000000' });
    expect((await forged.get('/api/me')).status).toBe(401);
    expect(await countSecurityEvents(h.db, 'invalid_api_token')).toBeGreaterThan(0);
  });

  it('hides an unpublished statement from buyers outside it and from suppliers (404), and logs it', async () => {
    const before = await countSecurityEvents(h.db, 'access_denied');
    for (const who of [outsider, supplier]) {
      const res = await who.api.get(`/api/statements/${statementId}`);
      expect(res.status).toBe(404);
      expect((await who.api.get(`/api/statements/${statementId}/live`)).status).toBe(404);
      const list = await who.api.get('/api/statements');
      expect(list.body.map((s: any) => s.id)).not.toContain(statementId);
    }
    expect(await countSecurityEvents(h.db, 'access_denied')).toBeGreaterThanOrEqual(before + 4);
  });

  it('lets participants, Commission staff and administrators see it', async () => {
    for (const who of [lead, invited, commission, admin]) {
      expect((await who.api.get(`/api/statements/${statementId}`)).status).toBe(200);
    }
    expect((await commission.api.get('/api/statements?limit=500')).body.map((s: any) => s.id)).toContain(statementId);
  });

  it('refuses lead-only changes to an invited buyer, Commission staff and an administrator (403)', async () => {
    for (const who of [invited, commission, admin]) {
      expect((await who.api.patch(`/api/statements/${statementId}`, { title: 'Hijacked' })).status).toBe(403);
      expect(
        (await who.api.post(`/api/statements/${statementId}/invitations`, { organisationIds: [outsider.org.id] }))
          .status,
      ).toBe(403);
      expect((await who.api.post(`/api/statements/${statementId}/needs-assessment/open`, {})).status).toBe(403);
    }
    const s = await lead.api.get(`/api/statements/${statementId}`);
    expect(s.body.title).toBe(statementDetails().title);
    expect(s.body.participants.map((p: any) => p.organisationId).sort()).toEqual([lead.org.id, invited.org.id].sort());
  });

  it('refuses changes to outsiders without revealing the statement (404)', async () => {
    expect((await outsider.api.patch(`/api/statements/${statementId}`, { title: 'Hijacked' })).status).toBe(404);
    expect((await outsider.api.post(`/api/statements/${statementId}/invitation/accept`)).status).toBe(404);
    expect((await supplier.api.post(`/api/statements/${statementId}/cancel`, { reason: 'I want to' })).status).toBe(
      404,
    );
  });

  it('lets only the invited organisation answer its invitation, not the lead', async () => {
    expect((await lead.api.post(`/api/statements/${statementId}/invitation/accept`)).status).toBe(403);
    expect((await invited.api.post(`/api/statements/${statementId}/invitation/accept`)).status).toBe(200);
  });

  it('lets only buyers create statements', async () => {
    for (const who of [supplier, commission, admin]) {
      const res = await who.api.post('/api/statements', statementDetails());
      expect(res.status).toBe(403);
    }
  });

  it('keeps the audit log from participants that are not the lead', async () => {
    expect((await invited.api.get(`/api/statements/${statementId}/audit`)).status).toBe(403);
    expect((await commission.api.get(`/api/statements/${statementId}/audit`)).status).toBe(200);
  });

  it('lets only administrators register organisations and users', async () => {
    const org = { kind: 'buyer', name: 'City of Tartu', country: 'EE', buyerLegalType: 'la' };
    for (const who of [lead, commission, supplier]) {
      expect((await who.api.post('/api/organisations', org)).status).toBe(403);
    }
    const created = await admin.api.post('/api/organisations', org);
    expect(created.status).toBe(201);
    const user = await admin.api.post(`/api/organisations/${created.body.id}/users`, {
      email: `tartu-${Date.now()}@test.example`,
      name: 'Kadri',
    });
    expect(user.status).toBe(201);
    expect(
      (await lead.api.post(`/api/organisations/${created.body.id}/users`, { email: 'x@test.example', name: 'X' }))
        .status,
    ).toBe(403);
    expect((await supplier.api.get('/api/organisations?kind=buyer')).status).toBe(403);
  });

  it('lets an administrator cancel any statement, recorded as acting as administrator', async () => {
    expect(
      (await invited.api.post(`/api/statements/${statementId}/cancel`, { reason: 'Not mine to cancel' })).status,
    ).toBe(403);
    const res = await admin.api.post(`/api/statements/${statementId}/cancel`, { reason: 'Duplicate of another pilot' });
    expect(res.status).toBe(200);
    expect(res.body.stage).toBe('cancelled');
    const audit = await lead.api.get(`/api/statements/${statementId}/audit`);
    const last = audit.body.events[0]; // newest first
    expect(last.actorUserId).toBe(admin.user.id);
    expect(last.data).toMatchObject({ to: 'cancelled', asAdministrator: true });
  });

  it('does not let a bearer token mint more tokens', async () => {
    const res = await lead.api.post('/api/tokens', { name: 'escalation', expiresInDays: 1 });
    expect(res.status).toBe(403);
  });
});
