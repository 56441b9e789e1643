import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { initialState, type StatementProcessState } from '../workflows/statement/process.js';
import { answerInvitationUpdate, liveStateQuery, statementWorkflowId, statementWorkflowType } from '../workflows/statement/messages.js';
import { startHarness, type Harness } from './support/harness.js';

/**
 * Temporal deduplicates update ids within one run. A client that retries an update while the
 * workflow continues as new reaches the next run with the same id; the run must answer it with
 * the first answer instead of running it again. The next run is started here the way
 * continue-as-new starts it: with the carried state, which remembers the completed update.
 */
describe('an update retried across continue-as-new', () => {
  let h: Harness;
  beforeAll(async () => {
    h = await startHarness();
  });
  afterAll(async () => h?.close());

  it('is answered with the first answer, once, and a new update is still validated', async () => {
    const statementId = randomUUID();
    const leadOrgId = randomUUID();
    const buyerOrgId = randomUUID();
    const firstAnswer = { stage: 'draft', deadline: null, detailsVersion: 1, round: 0 };
    const carried: StatementProcessState = {
      ...initialState({ statementId, leadOrgId }, Date.now()),
      created: true,
      detailsVersion: 1,
      participants: {
        [leadOrgId]: { status: 'joined', version: null, versionId: null, contentHash: null, droppedFrom: null },
        // The buyer's acceptance completed in the previous run.
        [buyerOrgId]: { status: 'joined', version: null, versionId: null, contentHash: null, droppedFrom: null },
      },
      completedUpdates: [{ id: 'answerInvitation:retried', result: firstAnswer }],
    };
    const handle = await h.temporal.workflow.start(statementWorkflowType, {
      workflowId: statementWorkflowId(statementId),
      taskQueue: h.taskQueue,
      args: [{ statementId, leadOrgId }, carried],
    });
    const actor = { userId: randomUUID(), orgId: buyerOrgId };

    const retried = await handle.executeUpdate(answerInvitationUpdate, { args: [{ actor, accept: true }], updateId: 'answerInvitation:retried' });
    expect(retried).toEqual(firstAnswer);

    // Without the memory this is what the retry would have got: the answer has been given already.
    const refused = await handle.executeUpdate(answerInvitationUpdate, { args: [{ actor, accept: false }], updateId: 'answerInvitation:new' }).then(
      () => undefined,
      (error: { cause?: { message?: string } }) => error.cause?.message,
    );
    expect(refused).toBe('The invitation has been answered already (joined)');
    const live = await handle.query(liveStateQuery);
    expect(live.participants.find((p) => p.orgId === buyerOrgId)?.status).toBe('joined');
    // Nothing was recorded for the retried update.
    const events = await h.db.selectFrom('audit_events').select('id').where('chain', '=', statementId).execute();
    expect(events).toEqual([]);
    await handle.terminate('test over');
  });
});
