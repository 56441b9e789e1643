import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { seedDemoData } from '../services/demo/seed-demo-data.js';
import { ApiClient, startHarness, until, type Harness } from './support/harness.js';

/**
 * The demo data `npm start` loads, on the real workflow: one statement in draft with invitations,
 * and one whose three buyers have confirmed their needs, so that the market consultation opens on
 * its own and the public pages have something to show. Loading it again changes nothing.
 */
describe('the demo data', () => {
  let h: Harness;
  const anonymous = () => new ApiClient(h.baseUrl);

  beforeAll(async () => {
    // Its organisations have fixed addresses: a database of its own.
    h = await startHarness({ freshDatabase: true });
  });

  afterAll(async () => {
    await h?.close();
  });

  it('opens a market consultation that anyone can read, naming only the buyer that agreed', async () => {
    const first = await seedDemoData(h.ctx);
    expect(first.created).toBe(true);
    const open = await until(
      () => anonymous().get('/api/consultations'),
      (r) => r.status === 200 && r.body.length === 1,
      90_000,
      'the demo consultation to open',
    );
    const [summary] = open.body as { statementId: string; title: string }[];
    expect(summary!.title).toBe('Zero-emission wheel loaders');
    const consultation = (await anonymous().get(`/api/consultations/${summary!.statementId}`)).body;
    expect(consultation.requestForInformation.map((q: { id: string }) => q.id)).toEqual(['lead-time', 'charging']);
    expect(consultation.demand.totals).toMatchObject({ buyers: 3, countries: 3, valueEur: '3780000' });
    expect(consultation.demand.buyers).toEqual([{ name: 'City of Oslo', country: 'NO' }]);
  });

  it('changes nothing when loaded again', async () => {
    const count = async () => Number((await h.db.selectFrom('statements').select((eb) => eb.fn.countAll().as('n')).executeTakeFirstOrThrow()).n);
    const before = await count();
    expect(before).toBe(2);
    const again = await seedDemoData(h.ctx);
    expect(again.created).toBe(false);
    expect(await count()).toBe(before);
  });
});
