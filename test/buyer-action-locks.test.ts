import { randomUUID } from 'node:crypto';

import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import type { Db, Tx } from '../db/database.js';
import { lockForBuyerAction, lockForStageChange } from '../db/participation.js';
import { type Harness, makeActor, startHarness, until } from './support/harness.js';
import { statementWithSurveyOpen } from './support/needs-survey.js';

type Actor = Awaited<ReturnType<typeof makeActor>>;

/**
 * design § Principles: an action racing a stage change lands before the change or reads the stage
 * as it committed, never in between. `lockForBuyerAction` takes the statement's and the
 * participant's row locks in one statement (issue 23, the deadline rush); these check, with the
 * database's own lock waits and no clock, that it still waits for a stage change in progress and
 * then reads what it committed, and that a stage change waits for an action in progress.
 */
describe('the row locks that order buyer actions against stage changes', () => {
  let h: Harness;
  let lead: Actor;
  let buyer: Actor;
  let id: string;

  beforeAll(async () => {
    h = await startHarness({ worker: true });
    lead = await makeActor(h, { kind: 'buyer', name: 'Locks lead', country: 'FI' }, { label: 'locks-lead' });
    buyer = await makeActor(h, { kind: 'buyer', name: 'Locks buyer', country: 'SE' }, { label: 'locks-buyer' });
    id = await statementWithSurveyOpen(lead, [buyer], []);
  }, 120_000);
  afterAll(async () => h?.close());

  /** A transaction held open until `release` is called; `run` runs inside it, first. */
  function heldTransaction<T>(db: Db, run: (trx: Tx) => Promise<T>) {
    let release!: () => void;
    const released = new Promise<void>((r) => (release = r));
    let resolveResult!: (v: T) => void;
    const result = new Promise<T>((r) => (resolveResult = r));
    const done = db.transaction().execute(async (trx) => {
      resolveResult(await run(trx));
      await released;
    });
    return { result, release, done };
  }

  /** True once the backend `pid` is waiting for a lock. */
  const waitingForLock = (pid: number) =>
    until(
      async () =>
        (
          await sql<{ wait_event_type: string | null }>`
            select wait_event_type from pg_stat_activity where pid = ${pid}`.execute(h.db)
        ).rows[0]?.wait_event_type,
      (w) => w === 'Lock',
      30_000,
      `backend ${pid} waiting for a lock`,
    );

  const pidOf = async (trx: Tx) =>
    (await sql<{ pid: number }>`select pg_backend_pid() as pid`.execute(trx)).rows[0]!.pid;

  it('an action waits for a stage change in progress, then reads the stage and status it committed', async () => {
    const change = heldTransaction(h.db, async (trx) => {
      expect(await lockForStageChange(trx, id)).toBe('needs_assessment');
      await trx.updateTable('statements').set({ stage: 'confirmation' }).where('id', '=', id).execute();
      await trx
        .updateTable('participants')
        .set({ status: 'dropped', dropped_from: 'joined' })
        .where('statement_id', '=', id)
        .where('organisation_id', '=', buyer.org.id)
        .execute();
    });
    await change.result;
    let actionPid = 0;
    const action = h.db.transaction().execute(async (trx) => {
      actionPid = await pidOf(trx);
      return lockForBuyerAction(trx, id, buyer.org.id);
    });
    await until(
      async () => actionPid,
      (pid) => pid !== 0,
      30_000,
      'the action to start',
    );
    await waitingForLock(actionPid);
    change.release();
    await change.done;
    expect(await action).toMatchObject({ stage: 'confirmation', status: 'dropped', leadOrgId: lead.org.id });
  });

  it('a stage change waits for an action in progress', async () => {
    const action = heldTransaction(h.db, async (trx) => lockForBuyerAction(trx, id, buyer.org.id));
    expect(await action.result).toMatchObject({ stage: 'confirmation', status: 'dropped' });
    let changePid = 0;
    const change = h.db.transaction().execute(async (trx) => {
      changePid = await pidOf(trx);
      return lockForStageChange(trx, id);
    });
    await until(
      async () => changePid,
      (pid) => pid !== 0,
      30_000,
      'the stage change to start',
    );
    await waitingForLock(changePid);
    action.release();
    await action.done;
    expect(await change).toBe('confirmation');
  });

  it('two actions of one buyer run one after the other: the second reads the version the first wrote', async () => {
    const first = heldTransaction(h.db, async (trx) => {
      const locked = await lockForBuyerAction(trx, id, buyer.org.id);
      await trx
        .insertInto('need_versions')
        .values({
          id: randomUUID(),
          statement_id: id,
          organisation_id: buyer.org.id,
          version: (locked!.latestVersion ?? 0) + 1,
          survey_version: 1,
          lines: JSON.stringify([]),
          answers: JSON.stringify({}),
          content_hash: 'locks-test',
          status: 'submitted',
          submitted_by: buyer.user.id,
          submitted_at: new Date(),
        })
        .execute();
      return locked;
    });
    expect((await first.result)!.latestVersion).toBeNull();
    let secondPid = 0;
    const second = h.db.transaction().execute(async (trx) => {
      secondPid = await pidOf(trx);
      return lockForBuyerAction(trx, id, buyer.org.id);
    });
    await until(
      async () => secondPid,
      (pid) => pid !== 0,
      30_000,
      'the second action to start',
    );
    await waitingForLock(secondPid);
    first.release();
    await first.done;
    expect(await second).toMatchObject({ latestVersion: 1 });
  });
});
