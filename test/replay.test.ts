import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';

import { Worker } from '@temporalio/worker';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';

import { type Harness, makeActor, needLine, startHarness, statementDetails, until } from './support/harness.js';
import { historiesDir, recordAndReplay } from './support/recorded-history.js';

/**
 * Recorded histories are replayed against today's workflow code: a change that would break
 * running statements (nondeterminism) fails here, and must be guarded with patched().
 * RECORD_HISTORIES=1 refreshes the recording from a run on the real server, under names of
 * their own for each workflow change (older recordings stay, and keep replaying).
 */
describe('replaying recorded statement workflow histories', () => {
  let h: Harness;
  beforeAll(async () => {
    h = await startHarness();
  });
  afterAll(async () => h?.close());

  it('replays a history recorded just now from a full run of the first stages', async () => {
    const lead = await makeActor(h, { kind: 'buyer', country: 'FI' });
    const buyer = await makeActor(h, { kind: 'buyer', country: 'NL' });
    const other = await makeActor(h, { kind: 'buyer', country: 'BE' });
    const id = (await lead.api.post('/api/statements', statementDetails())).body.id;
    await lead.api.patch(`/api/statements/${id}`, { description: 'Updated description' });
    await lead.api.post(`/api/statements/${id}/invitations`, { organisationIds: [buyer.org.id, other.org.id] });
    await buyer.api.post(`/api/statements/${id}/invitation/accept`);
    await other.api.post(`/api/statements/${id}/invitation/decline`, { reason: 'Not this year' });
    await lead.api.post(`/api/statements/${id}/needs-assessment/open`, {});
    await lead.api.post(`/api/statements/${id}/cancel`, { reason: 'Recording a history' });
    await recordAndReplay(
      h.temporal.workflow.getHandle(`statement-${id}`),
      'statement-first-stages-participants-in-database.json',
    );
  });

  it('replays a history through needs, confirmation, a shortfall, a second round and aggregation', async () => {
    const lead = await makeActor(h, { kind: 'buyer', country: 'FI' });
    const buyer = await makeActor(h, { kind: 'buyer', country: 'NL' });
    const late = await makeActor(h, { kind: 'buyer', country: 'DE' });
    const id = (
      await lead.api.post('/api/statements', statementDetails({ criticalMass: { minBuyers: 3, minCountries: 2 } }))
    ).body.id;
    const ok = async (res: Promise<{ status: number; body: any }>) => {
      const r = await res;
      expect(r.status, JSON.stringify(r.body)).toBeLessThan(300);
      return r.body;
    };
    await ok(lead.api.post(`/api/statements/${id}/invitations`, { organisationIds: [buyer.org.id] }));
    await ok(buyer.api.post(`/api/statements/${id}/invitation/accept`));
    const submitAndConfirm = async (actors: (typeof lead)[]) => {
      for (const a of actors) {
        await ok(a.api.put(`/api/statements/${id}/needs/draft`, { lines: [needLine()], answers: {} }));
        await ok(a.api.post(`/api/statements/${id}/needs/submit`));
      }
      await ok(lead.api.post(`/api/statements/${id}/close-stage`));
      for (const a of actors) {
        const needs = await ok(a.api.get(`/api/statements/${id}/needs/${a.org.id}`));
        await ok(a.api.post(`/api/statements/${id}/needs/confirm`, { versionId: needs.versions[0].id }));
      }
    };
    await ok(lead.api.post(`/api/statements/${id}/needs-assessment/open`, {}));
    await submitAndConfirm([lead, buyer]);
    const live = () => lead.api.get(`/api/statements/${id}/live`);
    await until(live, (r) => r.body.stage === 'shortfall', 60_000, 'shortfall');
    await ok(lead.api.post(`/api/statements/${id}/invitations`, { organisationIds: [late.org.id] }));
    await ok(late.api.post(`/api/statements/${id}/invitation/accept`));
    await ok(
      lead.api.post(`/api/statements/${id}/shortfall-decision`, {
        decision: 'extend',
        deadline: new Date(Date.now() + 86_400_000).toISOString(),
      }),
    );
    await submitAndConfirm([late]);
    await until(live, (r) => r.body.stage === 'market_engagement', 60_000, 'market engagement');
    await ok(lead.api.post(`/api/statements/${id}/cancel`, { reason: 'Recording a history' }));
    await recordAndReplay(
      h.temporal.workflow.getHandle(`statement-${id}`),
      'statement-to-market-engagement-mail-only-when-queued.json',
    );
  });

  it('replays every history recorded by earlier versions', async () => {
    const files = readdirSync(historiesDir).filter((f) => f.endsWith('.json'));
    expect(files.length).toBeGreaterThan(0);
    const histories = files.map((f) => ({
      workflowId: f,
      history: JSON.parse(readFileSync(path.join(historiesDir, f), 'utf8')),
    }));
    const results = [];
    for await (const result of Worker.runReplayHistories(
      { workflowBundle: { codePath: inject('workflowBundlePath') } },
      histories,
    )) {
      results.push({ workflowId: result.workflowId, error: result.error ? String(result.error) : null });
    }
    expect(results).toEqual(files.map((f) => ({ workflowId: f, error: null })));
  });
});
