import { randomUUID } from 'node:crypto';

import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { ApiClient, type Harness, makeActor, needLine, startHarness } from './support/harness.js';
import { statementInMarketEngagement } from './support/published-statement.js';

type Actor = Awaited<ReturnType<typeof makeActor>>;

/**
 * Issue 19 (suppliers): "the lead compares supplier answers". GET /api/statements/{id}/market/responses
 * gives the lead the request-for-information questions in the request's order and each responding
 * supplier's answers in that same order, whatever order the supplier answered in, and follows the
 * request when the lead reorders it. Suppliers' responses are the lead's (it runs the procurement):
 * a participating buyer and Commission staff get 403, a buyer with no part in the statement and a
 * supplier 404, nobody signed in 401, and none of them any answer.
 */
describe('the lead’s comparison of supplier responses (API)', () => {
  let h: Harness;
  let lead: Actor;
  let participant: Actor;
  let outsider: Actor;
  let commission: Actor;
  let alpha: Actor;
  let beta: Actor;
  let id = '';
  const tag = randomUUID().slice(0, 6);
  const warranty = { id: 'warranty', text: `Which warranty do you offer (${tag})?` };
  const leadTime = { id: 'lead-time', text: `What lead time do you need (${tag})?` };
  const service = { id: 'service', text: `Where is your nearest service point (${tag})?` };
  const path = () => `/api/statements/${id}/market/responses`;
  const ok = <T extends { status: number; body: unknown }>(res: T): T => {
    expect(res.status, JSON.stringify(res.body)).toBe(200);
    return res;
  };

  beforeAll(async () => {
    h = await startHarness();
    lead = await makeActor(h, { kind: 'buyer', name: `Vantaa ${tag}`, country: 'FI' }, { roles: ['signatory'] });
    participant = await makeActor(h, { kind: 'buyer', name: `Bodø ${tag}`, country: 'NO' }, { roles: ['signatory'] });
    outsider = await makeActor(h, { kind: 'buyer', name: `Aarhus ${tag}`, country: 'DK' }, { roles: ['signatory'] });
    commission = await makeActor(h, { kind: 'commission', country: 'BE' });
    alpha = await makeActor(h, { kind: 'supplier', name: `Alpha Loaders ${tag}`, country: 'SE', sme: true });
    beta = await makeActor(h, { kind: 'supplier', name: `Beta Machines ${tag}`, country: 'DE', sme: false });
    id = await statementInMarketEngagement(h, lead, [
      [lead, [needLine({ quantity: '2' })]],
      [participant, [needLine({ quantity: '3' })]],
    ]);
    ok(await lead.api.put(`/api/statements/${id}/consultation/rfi`, { questions: [warranty, leadTime, service] }));
    // Each answers in its own order, and Alpha leaves the lead time out.
    ok(
      await beta.api.put(`/api/consultations/${id}/response`, {
        answers: { service: 'Hamburg', 'lead-time': 'Six months', warranty: 'Five years' },
      }),
    );
    ok(await alpha.api.put(`/api/consultations/${id}/response`, { answers: { service: 'Malmö', warranty: '=1+1' } }));
  }, 180_000);

  afterAll(async () => {
    await h?.close();
  });

  it('gives the lead the questions in the request’s order and each supplier’s answers in that order', async () => {
    const { body } = ok(await lead.api.get(path()));
    expect(body.questions).toEqual([warranty, leadTime, service]);
    const bySupplier = Object.fromEntries(
      (body.suppliers as { name: string; answers: (string | null)[] }[]).map((s) => [s.name, s]),
    );
    expect(bySupplier[`Beta Machines ${tag}`]).toMatchObject({
      country: 'DE',
      sme: false,
      revision: 1,
      answers: ['Five years', 'Six months', 'Hamburg'],
    });
    expect(bySupplier[`Alpha Loaders ${tag}`]).toMatchObject({
      country: 'SE',
      sme: true,
      answers: ['=1+1', null, 'Malmö'],
    });
  });

  it('follows the request when the lead reorders it, and leaves out answers to a question it removed', async () => {
    ok(await lead.api.put(`/api/statements/${id}/consultation/rfi`, { questions: [leadTime, warranty] }));
    const { body } = ok(await lead.api.get(path()));
    expect(body.questions.map((q: { id: string }) => q.id)).toEqual(['lead-time', 'warranty']);
    const beta = (body.suppliers as { name: string; answers: (string | null)[] }[]).find(
      (s) => s.name === `Beta Machines ${tag}`,
    );
    expect(beta?.answers).toEqual(['Six months', 'Five years']);
    expect(JSON.stringify(body)).not.toContain('Hamburg');
  });

  it('refuses a participant and Commission staff (403), an outside buyer and a supplier (404), nobody (401)', async () => {
    for (const [who, name, status] of [
      [participant, 'participant', 403],
      [commission, 'Commission staff', 403],
      [outsider, 'outside buyer', 404],
      [alpha, 'supplier', 404],
    ] as const) {
      const res = await who.api.get(path());
      expect(res.status, name).toBe(status);
      expect(JSON.stringify(res.body), name).not.toContain('Five years');
    }
    const anonymous = await new ApiClient(h.baseUrl).get(path());
    expect(anonymous.status).toBe(401);
    expect(JSON.stringify(anonymous.body)).not.toContain('Five years');
  });
});
