import { randomUUID } from 'node:crypto';

import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { insertApiToken, newSecret } from '../db/credentials.js';
import { updateAgreementProcess } from '../services/agreement/agreement-process.js';
import { updateStatementProcess } from '../services/statements/statement-process.js';
import { withdrawFromAgreementUpdate } from '../workflows/agreement/messages.js';
import { decideApprovalUpdate } from '../workflows/statement/market-messages.js';
import {
  ApiClient,
  type Harness,
  historyPayloadText,
  makeActor,
  makeUser,
  needLine,
  startHarness,
  until,
} from './support/harness.js';
import { statementInMarketEngagement } from './support/published-statement.js';

type Actor = Awaited<ReturnType<typeof makeActor>>;

/**
 * Acts that bind an organisation (approve the statement, ask to sign it, join, withdraw from and
 * sign the agreement) need a user with the `signatory` role: the API refuses the others with
 * 403, and the workflow's validators refuse them too when a request reaches it without the API's
 * check (the same rule, `mayActBindingly`).
 */
describe('binding acts need the signatory role', () => {
  let h: Harness;
  let lead: Actor;
  let copenhagen: Actor;
  let tallinn: Actor;
  let copenhagenClerk: { api: ApiClient; userId: string };
  let tallinnClerk: { api: ApiClient; userId: string };
  let id: string;
  const ok = <T extends { status: number; body: unknown }>(res: T): T => {
    expect(res.status, JSON.stringify(res.body)).toBeLessThan(300);
    return res;
  };
  const refused = (res: { status: number; body: { detail?: string } }) => {
    expect(res.status, JSON.stringify(res.body)).toBe(403);
    expect(res.body.detail).toContain('signatory');
  };
  async function clerkOf(orgId: string): Promise<{ api: ApiClient; userId: string }> {
    const user = await makeUser(h, orgId, { label: 'clerk' });
    const secret = newSecret('jd_');
    await insertApiToken(h.db, { userId: user.id, name: 'test', secret, expiresAt: null });
    return { api: new ApiClient(h.baseUrl, { bearer: secret }), userId: user.id };
  }
  const live = () => lead.api.get(`/api/statements/${id}/live`);
  const base = () => `/api/statements/${id}/agreement`;

  beforeAll(async () => {
    h = await startHarness();
    lead = await makeActor(
      h,
      { kind: 'buyer', name: 'City of Turku', country: 'FI' },
      { label: 'turku', roles: ['signatory'] },
    );
    copenhagen = await makeActor(
      h,
      { kind: 'buyer', name: 'City of Copenhagen', country: 'DK' },
      { label: 'cph', roles: ['signatory'] },
    );
    tallinn = await makeActor(
      h,
      { kind: 'buyer', name: 'City of Tallinn', country: 'EE' },
      { label: 'tallinn', roles: ['signatory'] },
    );
    copenhagenClerk = await clerkOf(copenhagen.org.id);
    tallinnClerk = await clerkOf(tallinn.org.id);
    id = await statementInMarketEngagement(h, lead, [
      [lead, [needLine()]],
      [copenhagen, [needLine({ quantity: '3' })]],
    ]);
    ok(await lead.api.post(`/api/statements/${id}/close-stage`));
    await until(live, (r) => r.body.stage === 'approval', 60_000, 'approval');
  });
  afterAll(async () => h?.close());

  it('refuses approving the statement text without the role, in the API and in the workflow', async () => {
    refused(await copenhagenClerk.api.post(`/api/statements/${id}/approval`, { version: 1, decision: 'approve' }));
    // A request that skipped the API's check (sealed, so it is the API's own) meets the same rule in the workflow.
    const direct = await updateStatementProcess(h.ctx, id, decideApprovalUpdate, {
      actor: { userId: copenhagenClerk.userId, orgId: copenhagen.org.id },
      version: 1,
      decision: 'approve',
    }).then(
      () => 'accepted',
      (error: { cause?: { type?: string; message?: string } }) => `${error.cause?.type}: ${error.cause?.message}`,
    );
    expect(direct).toMatch(/^forbidden: .*signatory/);
    const text = ok(await lead.api.get(`/api/statements/${id}/text`)).body;
    expect(
      text.approvers.find((a: { organisationId: string }) => a.organisationId === copenhagen.org.id).decision,
    ).toBeNull();

    // A change request's comment is free text too: it reaches the lead, not the workflow history.
    const comment = `Please name the depot in Valby ${randomUUID()}`;
    ok(
      await copenhagen.api.post(`/api/statements/${id}/approval`, { version: 1, decision: 'request_changes', comment }),
    );
    const asked = ok(await lead.api.get(`/api/statements/${id}/text`)).body;
    expect(JSON.stringify(asked)).toContain(comment);
    expect(historyPayloadText(await h.temporal.workflow.getHandle(`statement-${id}`).fetchHistory())).not.toContain(
      comment,
    );

    for (const a of [lead, copenhagen])
      ok(await a.api.post(`/api/statements/${id}/approval`, { version: 1, decision: 'approve' }));
    await until(live, (r) => r.body.stage === 'published', 60_000, 'published');
  });

  it('refuses asking to sign the published statement without the role', async () => {
    refused(await tallinnClerk.api.post(`/api/statements/${id}/signatory-requests`));
    const requests = ok(await lead.api.get(`/api/statements/${id}/signatories`)).body.requests;
    expect(requests).toEqual([]);
  });

  it('refuses joining, withdrawing from and signing the agreement without the role', async () => {
    ok(await lead.api.post(base(), { signatureDeadline: new Date(Date.now() + 3_600_000).toISOString() }));
    refused(await copenhagenClerk.api.post(`${base()}/join`, {}));
    refused(await copenhagenClerk.api.post(`${base()}/decline`, {}));
    ok(await copenhagen.api.post(`${base()}/join`, {}));
    refused(await copenhagenClerk.api.post(`${base()}/withdraw`, { reason: 'The clerk would rather not' }));
    refused(await copenhagenClerk.api.post(`${base()}/sign`, { versionId: randomUUID(), versionHash: 'a'.repeat(64) }));
    // Straight to the workflow (sealed by the API's code, without its check): the validator refuses it.
    const direct = await updateAgreementProcess(h.ctx, id, withdrawFromAgreementUpdate, {
      actor: { userId: copenhagenClerk.userId, orgId: copenhagen.org.id },
      reason: 'x',
    }).then(
      () => 'accepted',
      (error: { cause?: { type?: string; message?: string } }) => `${error.cause?.type}: ${error.cause?.message}`,
    );
    expect(direct).toMatch(/^forbidden: .*signatory/);
    const view = ok(await copenhagen.api.get(base())).body;
    expect(view.parties.find((p: { organisationId: string }) => p.organisationId === copenhagen.org.id)?.status).toBe(
      'party',
    );
  });
});
