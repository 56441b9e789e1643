import { historyToJSON } from '@temporalio/common/lib/proto-utils.js';
import { Worker } from '@temporalio/worker';
import { readdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { makeActor, startHarness, statementDetails, type Harness } from './support/harness.js';

const historiesDir = path.resolve('test/fixtures/histories');

/**
 * Recorded histories are replayed against today's workflow code: a change that would break
 * running statements (nondeterminism) fails here, and must be guarded with patched().
 * RECORD_HISTORIES=1 refreshes the recording from a run on the real server.
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
    const handle = h.temporal.workflow.getHandle(`statement-${id}`);
    await handle.result();
    const history = await handle.fetchHistory();
    if (process.env.RECORD_HISTORIES) {
      writeFileSync(path.join(historiesDir, 'statement-first-stages.json'), historyToJSON(history));
    }
    await expect(Worker.runReplayHistory({ workflowBundle: { codePath: inject('workflowBundlePath') } }, history, handle.workflowId)).resolves.toBeUndefined();
  });

  it('replays every history recorded by earlier versions', async () => {
    const files = readdirSync(historiesDir).filter((f) => f.endsWith('.json'));
    expect(files.length).toBeGreaterThan(0);
    const histories = files.map((f) => ({ workflowId: f, history: JSON.parse(readFileSync(path.join(historiesDir, f), 'utf8')) }));
    const results = [];
    for await (const result of Worker.runReplayHistories({ workflowBundle: { codePath: inject('workflowBundlePath') } }, histories)) {
      results.push({ workflowId: result.workflowId, error: result.error ? String(result.error) : null });
    }
    expect(results).toEqual(files.map((f) => ({ workflowId: f, error: null })));
  });
});
