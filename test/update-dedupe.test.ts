import { randomUUID } from 'node:crypto';

import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { type AgreementProcessState, initialAgreementState } from '../domain/agreement-process.js';
import {
  agreementStateQuery,
  agreementWorkflowId,
  agreementWorkflowType,
  extendSignatureDeadlineUpdate,
} from '../workflows/agreement/messages.js';
import {
  extendDeadlineUpdate,
  liveStateQuery,
  statementWorkflowId,
  statementWorkflowType,
} from '../workflows/statement/messages.js';
import { initialState, type StatementProcessState } from '../workflows/statement/process.js';
import { type Harness, startHarness } from './support/harness.js';

const hour = 3_600_000;

/**
 * Temporal deduplicates update ids within one run. A client that retries an update while the
 * workflow continues as new reaches the next run with the same id; the run must answer it with
 * the first answer instead of running it again. The next run is started here the way
 * continue-as-new starts it: with the carried state, which remembers the completed update. Both
 * workflows take updates through the same kernel (`workflows/kernel/process-updates.ts`).
 */
describe('an update retried across continue-as-new', () => {
  let h: Harness;
  beforeAll(async () => {
    h = await startHarness();
  });
  afterAll(async () => h?.close());

  it('is answered by the statement with the first answer, once, and a new update is still validated', async () => {
    const statementId = randomUUID();
    const leadOrgId = randomUUID();
    const deadline = Date.now() + 48 * hour;
    const firstAnswer = {
      stage: 'needs_assessment',
      deadline: new Date(deadline).toISOString(),
      detailsVersion: 1,
      round: 1,
    };
    const carried: StatementProcessState = {
      ...initialState({ statementId, leadOrgId }, Date.now()),
      created: true,
      stage: 'needs_assessment',
      deadline,
      detailsVersion: 1,
      round: 1,
      schedule: {
        needsAssessment: 'P14D',
        confirmation: 'P7D',
        marketEngagement: 'P14D',
        approval: 'P7D',
        signature: 'P30D',
        reminderOffsets: [],
        deliveryFromYear: 2027,
        deliveryToYear: 2028,
        expectedProcurementStart: '2027-06-01',
      },
      // The lead's extension completed in the previous run.
      completedUpdates: [{ id: 'extendDeadline:retried', result: firstAnswer }],
    };
    const handle = await h.temporal.workflow.start(statementWorkflowType, {
      workflowId: statementWorkflowId(statementId),
      taskQueue: h.taskQueue,
      args: [{ statementId, leadOrgId }, carried],
    });
    const actor = { userId: randomUUID(), orgId: leadOrgId };

    const retried = await handle.executeUpdate(extendDeadlineUpdate, {
      args: [{ actor, deadline: new Date(deadline + hour).toISOString() }],
      updateId: 'extendDeadline:retried',
    });
    expect(retried).toEqual(firstAnswer);

    // A new update is validated against the state as it is (the deadline was not moved by the retry).
    const refused = await handle
      .executeUpdate(extendDeadlineUpdate, {
        args: [{ actor, deadline: new Date(deadline - hour).toISOString() }],
        updateId: 'extendDeadline:new',
      })
      .then(
        () => undefined,
        (error: { cause?: { message?: string } }) => error.cause?.message,
      );
    expect(refused).toBe('A new deadline must be later than the current one');
    expect((await handle.query(liveStateQuery)).deadline).toBe(new Date(deadline).toISOString());
    // Nothing was recorded for the retried update.
    expect(await h.db.selectFrom('audit_events').select('id').where('chain', '=', statementId).execute()).toEqual([]);
    await handle.terminate('test over');
  });

  it('is answered by the agreement with the first answer, once (the agreement had no such memory before)', async () => {
    const statementId = randomUUID();
    const leadOrgId = randomUUID();
    const deadline = Date.now() + 48 * hour;
    const firstAnswer = {
      status: 'negotiation',
      version: 0,
      versionId: null,
      versionHash: null,
      deadline: new Date(deadline).toISOString(),
      parties: 1,
      signed: 0,
    };
    const carried: AgreementProcessState = {
      ...initialAgreementState(statementId, leadOrgId),
      started: true,
      parties: { [leadOrgId]: 'party' },
      deadline,
      deadlineSetAt: Date.now(),
      completedUpdates: [{ id: 'extendSignatureDeadline:retried', result: firstAnswer }],
    };
    const handle = await h.temporal.workflow.start(agreementWorkflowType, {
      workflowId: agreementWorkflowId(statementId),
      taskQueue: h.taskQueue,
      args: [{ statementId, leadOrgId }, carried],
    });
    const actor = { userId: randomUUID(), orgId: leadOrgId };

    const retried = await handle.executeUpdate(extendSignatureDeadlineUpdate, {
      args: [{ actor, deadline: new Date(deadline + hour).toISOString() }],
      updateId: 'extendSignatureDeadline:retried',
    });
    expect(retried).toEqual(firstAnswer);
    const refused = await handle
      .executeUpdate(extendSignatureDeadlineUpdate, {
        args: [{ actor, deadline: new Date(deadline - hour).toISOString() }],
        updateId: 'extendSignatureDeadline:new',
      })
      .then(
        () => undefined,
        (error: { cause?: { message?: string } }) => error.cause?.message,
      );
    expect(refused).toBe('A new signature deadline must be later than now and than the current one');
    expect((await handle.query(agreementStateQuery)).deadline).toBe(new Date(deadline).toISOString());
    expect(
      await h.db.selectFrom('audit_events').select('id').where('statement_id', '=', statementId).execute(),
    ).toEqual([]);
    await handle.terminate('test over');
  });
});
