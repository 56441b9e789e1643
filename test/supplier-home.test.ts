import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { ApiClient, type Harness, makeActor, needLine, startHarness, statementDetails } from './support/harness.js';
import { statementInMarketEngagement } from './support/published-statement.js';

type Actor = Awaited<ReturnType<typeof makeActor>>;

/**
 * A supplier's start page (GET /api/me/supplier-home): the open consultations its subscription
 * matches (the rule of the e-mailed notices: CPV prefix and buyers' countries), the consultations
 * its organisation answered or asked in, and the statements published last. Supplier users only.
 */
describe('the supplier start page', () => {
  let h: Harness;
  let supplier: Actor;
  let colleague: Actor;
  let consulting: string;
  let draft: string;
  const ok = <T extends { status: number; body: unknown }>(res: T): T => {
    expect(res.status, JSON.stringify(res.body)).toBeLessThan(300);
    return res;
  };
  const home = async (a: Actor = supplier) => ok(await a.api.get('/api/me/supplier-home')).body;
  const subscribe = async (cpvPrefixes: string[], countries: string[] = []) =>
    ok(await supplier.api.put('/api/me/subscription', { cpvPrefixes, countries }));
  const matching = async () =>
    (await home()).matchingConsultations.map((c: { statementId: string }) => c.statementId) as string[];

  beforeAll(async () => {
    h = await startHarness();
    const lead = await makeActor(
      h,
      { kind: 'buyer', name: 'City of Turku', country: 'FI' },
      { label: 'turku', roles: ['signatory'] },
    );
    const other = await makeActor(
      h,
      { kind: 'buyer', name: 'City of Stavanger', country: 'NO' },
      { label: 'stavanger', roles: ['signatory'] },
    );
    // Closing sooner than other files' consultations, so it is among the first 20 the page lists whatever they leave open.
    consulting = await statementInMarketEngagement(
      h,
      lead,
      [
        [lead, [needLine({ quantity: '2' })]],
        [other, [needLine({ quantity: '3' })]],
      ],
      { marketEngagement: 'P2D' },
    );
    ok(
      await lead.api.put(`/api/statements/${consulting}/consultation/rfi`, {
        questions: [{ id: 'lead-time', text: 'What lead time do you need?' }],
      }),
    );
    // The same codes, but still a draft: never offered to suppliers.
    draft = ok(await lead.api.post('/api/statements', statementDetails({ title: 'Draft machinery' }))).body
      .id as string;
    supplier = await makeActor(
      h,
      { kind: 'supplier', name: 'Excavator Works', country: 'SE' },
      { label: 'excavator-works' },
    );
    colleague = await makeActor(h, { kind: 'supplier', name: 'Other Works', country: 'DE' }, { label: 'other-works' });
  }, 180_000);
  afterAll(async () => h?.close());

  it('without a subscription: nothing matches, the open consultations are counted', async () => {
    const body = await home();
    expect(body.subscription).toMatchObject({ cpvPrefixes: [], countries: [], active: false });
    expect(body.matchingConsultations).toEqual([]);
    expect(body.openConsultations).toBeGreaterThanOrEqual(1);
    expect(body.engagements).toEqual([]);
    expect(Array.isArray(body.recentPublished)).toBe(true);
  });

  it('matches open consultations by CPV prefix and buyers’ country, as the notices do', async () => {
    await subscribe(['4326']);
    const body = await home();
    expect(body.subscription.cpvPrefixes).toEqual(['4326']);
    const found = body.matchingConsultations.find((c: { statementId: string }) => c.statementId === consulting);
    expect(found).toMatchObject({
      title: 'Zero-emission construction machinery',
      cpvCodes: ['43260000', '34144900'],
      deadline: expect.any(String),
    });
    expect(body.matchingConsultations.map((c: { statementId: string }) => c.statementId)).not.toContain(draft);

    // The statement's second code, narrowed to a buyer's country (Stavanger, NO) …
    await subscribe(['341449'], ['NO']);
    expect(await matching()).toContain(consulting);
    // … but not to a country none of its buyers is in.
    await subscribe(['341449'], ['DE', 'SE']);
    expect(await matching()).not.toContain(consulting);
    // A division it has no codes in.
    await subscribe(['45']);
    expect(await matching()).not.toContain(consulting);
    await subscribe(['43000000-3'], ['FI']);
    expect(await matching()).toContain(consulting);
  });

  it('lists the consultations the organisation answered or asked in, for every user of it, and no other organisation’s', async () => {
    ok(
      await supplier.api.post(`/api/consultations/${consulting}/questions`, {
        question: 'May the machines be leased?',
      }),
    );
    let mine = (await home()).engagements;
    expect(mine).toEqual([
      {
        statementId: consulting,
        title: 'Zero-emission construction machinery',
        stage: 'market_engagement',
        open: true,
        deadline: expect.any(String),
        respondedAt: null,
        questionsAsked: 1,
        questionsAnswered: 0,
      },
    ]);
    ok(
      await supplier.api.put(`/api/consultations/${consulting}/response`, { answers: { 'lead-time': 'Six months.' } }),
    );
    mine = (await home()).engagements;
    expect(mine).toHaveLength(1);
    expect(mine[0]).toMatchObject({ statementId: consulting, respondedAt: expect.any(String), questionsAsked: 1 });
    // Another supplier sees none of it.
    expect((await home(colleague)).engagements).toEqual([]);
  });

  it('is for supplier users only: a buyer and Commission staff get 403, a visitor 401', async () => {
    const buyer = await makeActor(h, { kind: 'buyer', country: 'FI' });
    const staff = await makeActor(h, { kind: 'commission', country: 'BE' });
    for (const a of [buyer, staff]) {
      const res = await a.api.get('/api/me/supplier-home');
      expect(res.status).toBe(403);
      expect(res.body).toMatchObject({ status: 403 });
    }
    expect((await new ApiClient(h.baseUrl).get('/api/me/supplier-home')).status).toBe(401);
  });
});
