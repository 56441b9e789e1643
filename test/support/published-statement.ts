import { expect } from 'vitest';
import { makeActor, statementDetails, until, type Harness } from './harness.js';

type Actor = Awaited<ReturnType<typeof makeActor>>;

const ok = <T extends { status: number; body: unknown }>(res: T): T => {
  expect(res.status, JSON.stringify(res.body)).toBeLessThan(300);
  return res;
};

/**
 * A statement led by `lead` whose buyers have all submitted and confirmed the given need lines,
 * driven through the real statement workflow until market engagement (critical mass met).
 */
export async function statementInMarketEngagement(h: Harness, lead: Actor, needs: [Actor, Record<string, unknown>[]][]): Promise<string> {
  const countries = new Set(needs.map(([a]) => a.org.country)).size;
  const details = statementDetails({ criticalMass: { minBuyers: needs.length, minCountries: countries, minTotalValueEur: '100000' } });
  const id = ok(await lead.api.post('/api/statements', details)).body.id as string;
  const buyers = needs.map(([a]) => a).filter((a) => a !== lead);
  if (buyers.length > 0) ok(await lead.api.post(`/api/statements/${id}/invitations`, { organisationIds: buyers.map((b) => b.org.id) }));
  for (const b of buyers) ok(await b.api.post(`/api/statements/${id}/invitation/accept`));
  ok(await lead.api.post(`/api/statements/${id}/needs-assessment/open`));
  const versions: [Actor, string][] = [];
  for (const [a, lines] of needs) {
    ok(await a.api.put(`/api/statements/${id}/needs/draft`, { lines, answers: {} }));
    versions.push([a, ok(await a.api.post(`/api/statements/${id}/needs/submit`)).body.versionId]);
  }
  ok(await lead.api.post(`/api/statements/${id}/close-stage`));
  for (const [a, versionId] of versions) ok(await a.api.post(`/api/statements/${id}/needs/confirm`, { versionId }));
  await until(() => lead.api.get(`/api/statements/${id}/live`), (r) => r.body.stage === 'market_engagement', 60_000, 'market engagement');
  return id;
}

/**
 * Publication. The approval and publication stages are not on main yet: until they land, the
 * read model is moved to `published` here, as the statement workflow will do, and the confirmed
 * buyers stand for the signatories.
 */
export async function publish(h: Harness, id: string): Promise<void> {
  await h.db.updateTable('statements').set({ stage: 'published' }).where('id', '=', id).execute();
}

