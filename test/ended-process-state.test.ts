import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { statementWorkflowId } from '../workflows/statement/messages.js';
import { type Harness, makeActor, startHarness, statementDetails } from './support/harness.js';

/**
 * A statement whose process has ended (cancelled, abandoned) is still read: its live state is the
 * workflow's last. Asking the closed workflow replays its whole history on a worker at every read
 * (seconds for a long process, found by fuzzing: /live took 5–10 s under load), and Temporal
 * deletes closed histories after the namespace's retention. So the final state is kept in
 * PostgreSQL and read from there.
 */
describe('the live state of an ended process', () => {
  let h: Harness;
  let lead: Awaited<ReturnType<typeof makeActor>>;
  let buyer: Awaited<ReturnType<typeof makeActor>>;

  beforeAll(async () => {
    h = await startHarness();
    lead = await makeActor(h, { kind: 'buyer', country: 'FI' });
    buyer = await makeActor(h, { kind: 'buyer', country: 'SE' });
  });
  afterAll(async () => h?.close());

  it('is read from PostgreSQL once the workflow has closed, even after Temporal removed its history', async () => {
    const id = (await lead.api.post('/api/statements', statementDetails())).body.id as string;
    expect((await lead.api.post(`/api/statements/${id}/invitations`, { organisationIds: [buyer.org.id] })).status).toBe(
      200,
    );
    expect(
      (await lead.api.post(`/api/statements/${id}/cancel`, { reason: 'Merged into another statement' })).status,
    ).toBe(200);
    const handle = h.temporal.workflow.getHandle(statementWorkflowId(id));
    await handle.result().catch(() => undefined);
    expect((await handle.describe()).status.name).not.toBe('RUNNING');

    const first = await lead.api.get(`/api/statements/${id}/live`);
    expect(first.status).toBe(200);
    expect(first.body).toMatchObject({
      statementId: id,
      stage: 'cancelled',
      cancelReason: 'Merged into another statement',
    });
    expect(first.body.participants).toEqual(expect.arrayContaining([expect.objectContaining({ orgId: buyer.org.id })]));

    // Temporal's retention removes the closed run (the dev server takes seconds to half a minute); the statement's live state must outlive it.
    await h.temporal.workflowService.deleteWorkflowExecution({
      namespace: h.temporal.options.namespace,
      workflowExecution: { workflowId: statementWorkflowId(id) },
    });
    let gone = false;
    for (let i = 0; i < 600 && !gone; i++) {
      gone = await handle.describe().then(
        () => false,
        () => true,
      );
      if (!gone) await new Promise((r) => setTimeout(r, 100));
    }
    expect(gone).toBe(true);

    const later = await lead.api.get(`/api/statements/${id}/live`);
    expect(later.status).toBe(200);
    expect(later.body).toEqual(first.body);
    // The viewer's rules still apply to the kept state: no failure detail for a participant.
    const asBuyer = await buyer.api.get(`/api/statements/${id}/live`);
    expect(asBuyer.status).toBe(200);
    expect(asBuyer.body.processFailure).toBeNull();
  });

  it('is still asked of the workflow while it runs (a running process changes)', async () => {
    const id = (await lead.api.post('/api/statements', statementDetails())).body.id as string;
    const before = await lead.api.get(`/api/statements/${id}/live`);
    expect(before.body.participants.map((p: { orgId: string }) => p.orgId)).toEqual([lead.org.id]);
    expect((await lead.api.post(`/api/statements/${id}/invitations`, { organisationIds: [buyer.org.id] })).status).toBe(
      200,
    );
    const after = await lead.api.get(`/api/statements/${id}/live`);
    expect(after.body.participants).toEqual(
      expect.arrayContaining([expect.objectContaining({ orgId: buyer.org.id, status: 'invited' })]),
    );
    expect(
      await h.db
        .selectFrom('ended_process_states' as never)
        .selectAll()
        .where('statement_id' as never, '=', id as never)
        .execute()
        .catch(() => []),
    ).toEqual([]);
  });
});
