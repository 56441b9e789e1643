import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { type Harness, makeActor, needLine, startHarness, statementDetails } from './support/harness.js';

type Actor = Awaited<ReturnType<typeof makeActor>>;

/**
 * Issue 23, the deadline rush: a buyer's action answers its own standing, not the whole roster,
 * and the lead's needs overview comes a page at a time with the counts of everyone, so neither
 * costs more as the statement grows to thousands of buyers.
 */
describe('needs overview a page at a time, and buyer actions that answer their own standing', () => {
  let h: Harness;
  let lead: Actor;
  let commission: Actor;
  let buyers: Actor[];
  let id: string;

  beforeAll(async () => {
    h = await startHarness();
    lead = await makeActor(h, { kind: 'buyer', name: 'Lead Lisbon', country: 'PT' }, { label: 'lead' });
    commission = await makeActor(h, { kind: 'commission', country: 'BE' });
    // Names out of creation order, so the page order is visibly the order of names.
    const names = ['Vilnius', 'Bergen', 'Tartu', 'Aarhus', 'Graz', 'Nantes', 'Espoo'];
    buyers = [];
    for (const name of names) buyers.push(await makeActor(h, { kind: 'buyer', name: `Buyer ${name}`, country: 'FI' }));
    id = (await lead.api.post('/api/statements', statementDetails())).body.id;
    expect(
      (await lead.api.post(`/api/statements/${id}/invitations`, { organisationIds: buyers.map((b) => b.org.id) }))
        .status,
    ).toBe(200);
  });
  afterAll(async () => h?.close());

  it('answers an accepted or declined invitation with the organisation’s standing and next actions, no roster', async () => {
    const accepted = await buyers[0]!.api.post(`/api/statements/${id}/invitation/accept`);
    expect(accepted.status).toBe(200);
    expect(accepted.body).toEqual({
      statementId: id,
      organisationId: buyers[0]!.org.id,
      stage: 'draft',
      stageDeadline: null,
      status: 'joined',
      allowedActions: expect.any(Array),
    });
    expect(accepted.body).not.toHaveProperty('participants');
    // The actions are those the statement itself lists for this buyer.
    const statement = (await buyers[0]!.api.get(`/api/statements/${id}`)).body;
    expect(accepted.body.allowedActions).toEqual(statement.allowedActions);

    const declined = await buyers[1]!.api.post(`/api/statements/${id}/invitation/decline`, { reason: 'No budget' });
    expect(declined.status).toBe(200);
    expect(declined.body).toMatchObject({ organisationId: buyers[1]!.org.id, status: 'declined' });
    expect(declined.body.allowedActions).not.toContain('answerInvitation');
    for (const b of buyers.slice(2))
      expect((await b.api.post(`/api/statements/${id}/invitation/accept`)).status).toBe(200);
  });

  it('pages the overview in the order of names with counts of everyone; the pages join up to the whole roster', async () => {
    const opened = await lead.api.post(`/api/statements/${id}/needs-assessment/open`, {
      deadline: new Date(Date.now() + 3_600_000).toISOString(),
    });
    expect(opened.body.stage).toBe('needs_assessment');
    const saved = await buyers[2]!.api.put(`/api/statements/${id}/needs/draft`, { lines: [needLine()], answers: {} });
    expect(saved.status).toBe(200);
    expect((await buyers[2]!.api.post(`/api/statements/${id}/needs/submit`)).status).toBe(200);

    const everyone = (await lead.api.get(`/api/statements/${id}/needs-overview?limit=500`)).body;
    // The lead and 7 invited buyers: one declined, one submitted, the rest (and the lead) joined.
    expect(everyone.counts).toEqual({ total: 8, byStatus: { joined: 6, declined: 1, submitted: 1 } });
    expect(everyone.matching).toBe(8);
    expect(everyone.nextCursor).toBeNull();
    const names = everyone.participants.map((p: { name: string }) => p.name);
    expect(names).toEqual([...names].sort((a, b) => (a < b ? -1 : 1)));

    const paged: string[] = [];
    let cursor: string | null = null;
    let pages = 0;
    do {
      const query: string = cursor ? `limit=3&cursor=${encodeURIComponent(cursor)}` : 'limit=3';
      const page = await lead.api.get(`/api/statements/${id}/needs-overview?${query}`);
      expect(page.status).toBe(200);
      expect(page.body.participants.length).toBeLessThanOrEqual(3);
      expect(page.body.counts.total).toBe(8);
      paged.push(...page.body.participants.map((p: { name: string }) => p.name));
      cursor = page.body.nextCursor;
      pages += 1;
    } while (cursor);
    expect(pages).toBe(3);
    expect(paged).toEqual(names);
  });

  it('keeps only the statuses asked for, and counts them', async () => {
    const waiting = (await lead.api.get(`/api/statements/${id}/needs-overview?status=joined&limit=2`)).body;
    expect(waiting.matching).toBe(6);
    expect(waiting.participants).toHaveLength(2);
    expect(waiting.participants.every((p: { status: string }) => p.status === 'joined')).toBe(true);
    expect(waiting.nextCursor).not.toBeNull();
    const two = (await lead.api.get(`/api/statements/${id}/needs-overview?status=submitted,declined`)).body;
    expect(two.matching).toBe(2);
    expect(two.participants.map((p: { status: string }) => p.status).sort()).toEqual(['declined', 'submitted']);
  });

  it('shows Commission staff the same pages without reasons or version ids', async () => {
    const page = (await commission.api.get(`/api/statements/${id}/needs-overview?status=submitted,declined`)).body;
    expect(page.participants).toHaveLength(2);
    for (const p of page.participants) {
      expect(p.statusReason).toBeNull();
      if (p.latestVersion) expect(p.latestVersion).toMatchObject({ id: null, lines: null });
    }
  });

  it('refuses a bad page request with 400 naming the parameter and the rule', async () => {
    const cases: [string, string, string][] = [
      ['limit=0', 'limit', 'must be at least 1'],
      ['limit=501', 'limit', 'must be at most 500'],
      ['limit=two', 'limit', 'must be a whole number'],
      ['cursor=not-a-cursor', 'cursor', 'must be a nextCursor the needs overview returned'],
      [
        `cursor=${Buffer.from('["a","b"]').toString('base64url')}`,
        'cursor',
        'must be a nextCursor the needs overview returned',
      ],
      ['status=joined,asleep', 'status', 'must be participant statuses separated by commas'],
    ];
    for (const [query, field, rule] of cases) {
      const res = await lead.api.get(`/api/statements/${id}/needs-overview?${query}`);
      expect(res.status, query).toBe(400);
      expect(res.body.errors, query).toEqual([{ field, rule: expect.stringContaining(rule) }]);
    }
  });

  it('refuses the overview to a participant (403), whatever the page', async () => {
    expect((await buyers[0]!.api.get(`/api/statements/${id}/needs-overview?limit=1`)).status).toBe(403);
  });
});
