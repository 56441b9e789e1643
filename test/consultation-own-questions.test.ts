import { randomUUID } from 'node:crypto';

import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { ApiClient, type Harness, makeActor, needLine, startHarness } from './support/harness.js';
import { statementInMarketEngagement } from './support/published-statement.js';

type Actor = Awaited<ReturnType<typeof makeActor>>;

/**
 * Issue 19, point 2: "suppliers cannot see the questions they asked". GET
 * /api/consultations/{id}/my-questions gives a supplier its organisation's questions in order,
 * when each was asked and the lead's answer (or null); another supplier gets only its own (none
 * of the first's), a buyer 403 and nobody 401.
 */
describe('a supplier’s own questions on a consultation', () => {
  let h: Harness;
  let lead: Actor;
  let asker: Actor;
  let rival: Actor;
  let id = '';
  const tag = randomUUID().slice(0, 6);
  const first = `May the machines be leased (${tag})?`;
  const second = `Is a battery swap system acceptable (${tag})?`;
  const answer = 'Yes: leasing for the whole term is acceptable.';
  const path = () => `/api/consultations/${id}/my-questions`;

  beforeAll(async () => {
    h = await startHarness();
    lead = await makeActor(h, { kind: 'buyer', name: `Tampere ${tag}`, country: 'FI' }, { roles: ['signatory'] });
    const other = await makeActor(h, { kind: 'buyer', name: `Bergen ${tag}`, country: 'NO' }, { roles: ['signatory'] });
    asker = await makeActor(h, { kind: 'supplier', name: `Loader Works ${tag}`, country: 'SE' });
    rival = await makeActor(h, { kind: 'supplier', name: `Rival Loaders ${tag}`, country: 'DK' });
    id = await statementInMarketEngagement(h, lead, [
      [lead, [needLine({ quantity: '2' })]],
      [other, [needLine({ quantity: '3' })]],
    ]);
    for (const question of [first, second])
      expect((await asker.api.post(`/api/consultations/${id}/questions`, { question })).status).toBe(201);
    const answered = await lead.api.post(`/api/statements/${id}/consultation/questions/1/answer`, { answer });
    expect(answered.status, JSON.stringify(answered.body)).toBeLessThan(300);
  }, 180_000);

  afterAll(async () => {
    await h?.close();
  });

  it('gives the asking supplier its questions in order, with the answer or null', async () => {
    const res = await asker.api.get(path());
    expect(res.status).toBe(200);
    const { questions } = res.body as {
      questions: {
        number: number;
        question: string;
        askedAt: string;
        answer: string | null;
        answeredAt: string | null;
      }[];
    };
    expect(questions.map((q) => [q.number, q.question, q.answer])).toEqual([
      [1, first, answer],
      [2, second, null],
    ]);
    expect(Number.isNaN(Date.parse(questions[0]!.askedAt))).toBe(false);
    expect(questions[0]!.answeredAt).not.toBeNull();
    expect(questions[1]!.answeredAt).toBeNull();
  });

  it('never shows them to another supplier, a buyer or nobody', async () => {
    const other = await rival.api.get(path());
    expect(other.status).toBe(200);
    expect(other.body).toEqual({ questions: [] });
    expect(JSON.stringify(other.body)).not.toContain(second);
    const buyer = await lead.api.get(path());
    expect(buyer.status).toBe(403);
    expect(JSON.stringify(buyer.body)).not.toContain(second);
    const nobody = await new ApiClient(h.baseUrl).get(path());
    expect(nobody.status).toBe(401);
  });
});
