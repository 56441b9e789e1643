import { expect } from 'vitest';

import { type Harness, makeActor, statementDetails, until } from './harness.js';

type Actor = Awaited<ReturnType<typeof makeActor>>;

const ok = <T extends { status: number; body: unknown }>(res: T): T => {
  expect(res.status, JSON.stringify(res.body)).toBeLessThan(300);
  return res;
};

/**
 * A statement led by `lead` whose buyers have all submitted and confirmed the given need lines,
 * driven through the real statement workflow until market engagement (critical mass met);
 * `schedule` overrides stage durations (e.g. a short approval).
 */
export async function statementInMarketEngagement(
  h: Harness,
  lead: Actor,
  needs: [Actor, Record<string, unknown>[]][],
  schedule: Record<string, string> = {},
  /** Chosen while the statement is a draft (PUT procurement-route). */
  procurementRoute?: Record<string, unknown>,
): Promise<string> {
  const countries = new Set(needs.map(([a]) => a.org.country)).size;
  const details = statementDetails({
    criticalMass: { minBuyers: needs.length, minCountries: countries, minTotalValueEur: '100000' },
    schedule: { ...statementDetails().schedule, ...schedule },
  });
  const id = ok(await lead.api.post('/api/statements', details)).body.id as string;
  if (procurementRoute) ok(await lead.api.put(`/api/statements/${id}/procurement-route`, procurementRoute));
  const buyers = needs.map(([a]) => a).filter((a) => a !== lead);
  if (buyers.length > 0)
    ok(await lead.api.post(`/api/statements/${id}/invitations`, { organisationIds: buyers.map((b) => b.org.id) }));
  for (const b of buyers) ok(await b.api.post(`/api/statements/${id}/invitation/accept`));
  ok(await lead.api.post(`/api/statements/${id}/needs-assessment/open`));
  const versions: [Actor, string][] = [];
  for (const [a, lines] of needs) {
    ok(await a.api.put(`/api/statements/${id}/needs/draft`, { lines, answers: {} }));
    versions.push([a, ok(await a.api.post(`/api/statements/${id}/needs/submit`)).body.versionId]);
  }
  ok(await lead.api.post(`/api/statements/${id}/close-stage`));
  for (const [a, versionId] of versions) ok(await a.api.post(`/api/statements/${id}/needs/confirm`, { versionId }));
  await until(
    () => lead.api.get(`/api/statements/${id}/live`),
    (r) => r.body.stage === 'market_engagement',
    60_000,
    'market engagement',
  );
  return id;
}

/**
 * Publication through the real approval stage: the lead closes market engagement, the drafted
 * statement text is approved by every confirmed buyer (`approvers`, the lead included), and the
 * workflow publishes it; the approvers become the statement's signatories.
 */
export async function publish(h: Harness, id: string, lead: Actor, approvers: Actor[]): Promise<void> {
  const live = () => lead.api.get(`/api/statements/${id}/live`);
  ok(await lead.api.post(`/api/statements/${id}/close-stage`));
  await until(live, (r) => r.body.stage === 'approval', 60_000, 'approval');
  for (const a of approvers)
    ok(await a.api.post(`/api/statements/${id}/approval`, { version: 1, decision: 'approve' }));
  await until(live, (r) => r.body.stage === 'published', 60_000, 'published');
  const signatories = ok(await lead.api.get(`/api/statements/${id}/signatories`)).body.signatories as {
    organisationId: string;
  }[];
  expect(signatories.map((s) => s.organisationId).sort()).toEqual(approvers.map((a) => a.org.id).sort());
}
