import { spawnSync } from 'node:child_process';
import { randomUUID } from 'node:crypto';

import { ApplicationFailure } from '@temporalio/common';
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';

import { problemFromWorkflowError } from '../api/problem.js';
import { classifyActivityError } from '../db/failures.js';
import { DomainError } from '../domain/errors.js';
import type { Actor } from '../domain/events.js';
import { statementDetailsSchema } from '../domain/statement.js';
import { listStuckWorkflows } from '../services/operations/list-stuck-workflows.js';
import { getLiveState } from '../services/statements/get-live-state.js';
import { updateStatementProcess } from '../services/statements/statement-process.js';
import {
  cancelStatementUpdate,
  defineSurveyUpdate,
  editStatementUpdate,
  statementWorkflowId,
} from '../workflows/statement/messages.js';
import { type Harness, makeActor, startHarness, statementDetails, until } from './support/harness.js';
import { recordAndReplay } from './support/recorded-history.js';

type TestActor = Awaited<ReturnType<typeof makeActor>>;

type Outcome<T> = { kind: 'answered'; value: T } | { kind: 'failed'; error: unknown } | { kind: 'no answer' };

/** The outcome of `promise`, or `no answer` after `ms`: a hanging request must not hang the test. */
async function within<T>(promise: Promise<T>, ms: number): Promise<Outcome<T>> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<Outcome<T>>((resolve) => {
    timer = setTimeout(() => resolve({ kind: 'no answer' }), ms);
  });
  try {
    return await Promise.race([
      promise.then(
        (value) => ({ kind: 'answered' as const, value }),
        (error: unknown) => ({ kind: 'failed' as const, error }),
      ),
      timeout,
    ]);
  } finally {
    clearTimeout(timer);
  }
}

/** The problem document the API would answer for an update's failure (`errorHandler`'s mapping). */
function problemOf(outcome: Outcome<unknown>) {
  if (outcome.kind !== 'failed') throw new Error(`expected the update to be refused, got: ${outcome.kind}`);
  if (outcome.error instanceof DomainError)
    return { status: 0, code: outcome.error.code, errors: outcome.error.problems };
  const problem = problemFromWorkflowError(outcome.error);
  if (!problem) throw new Error(`the failure maps to no problem (a 500): ${String(outcome.error)}`);
  return problem;
}

const answerWithin = 20_000;

/**
 * A bad record that gets past the API's validation (a bug, an old client, a constraint) must not
 * freeze a statement: the update that carries it is refused with a 4xx problem within seconds,
 * the workflow stays healthy (the lead's next update works), and work the workflow does on its
 * own records the failure where the lead sees it. The records are sent to the workflow directly
 * (the update layer the routes call), bypassing the routes' schemas.
 */
describe('workflows never wait forever on a bad record', () => {
  let h: Harness;
  let lead: TestActor;
  let buyer: TestActor;
  const actorOf = (a: TestActor): Actor => ({ userId: a.user.id, orgId: a.org.id, roles: [] });

  /** A statement in draft, with the buyer invited (and joined unless `join` is false). */
  async function draftStatement(join = true): Promise<string> {
    const created = await lead.api.post('/api/statements', statementDetails());
    expect(created.status).toBe(201);
    const id = created.body.id as string;
    expect((await lead.api.post(`/api/statements/${id}/invitations`, { organisationIds: [buyer.org.id] })).status).toBe(
      200,
    );
    if (join) expect((await buyer.api.post(`/api/statements/${id}/invitation/accept`)).status).toBe(200);
    return id;
  }

  beforeAll(async () => {
    h = await startHarness();
    lead = await makeActor(h, { kind: 'buyer', name: 'Helsinki', country: 'FI' }, { label: 'failures-lead' });
    buyer = await makeActor(h, { kind: 'buyer', name: 'Oslo', country: 'NO' }, { label: 'failures-buyer' });
  });
  afterAll(async () => h?.close());

  it(
    'refuses a title with a NUL character (22021 in PostgreSQL) with a 422 naming the field, and the lead can still cancel',
    { timeout: 90_000 },
    async () => {
      const id = await draftStatement();
      const details = { ...statementDetails(), title: 'Zero-emission\u0000machinery' };
      const started = Date.now();
      const edited = await within(
        updateStatementProcess(h.ctx, id, editStatementUpdate, {
          actor: actorOf(lead),
          details: details as never,
          detailsHash: 'bad',
        }),
        answerWithin,
      );
      expect(edited.kind, 'the update answers').toBe('failed');
      expect(Date.now() - started).toBeLessThan(answerWithin);
      const problem = problemOf(edited);
      expect(problem).toMatchObject({ status: 422, code: 'invalid_data' });
      expect(problem.errors).toContainEqual({ field: 'details.title', rule: expect.stringMatching(/NUL/) });

      // Nothing was half-written, and the statement is not frozen.
      expect((await lead.api.get(`/api/statements/${id}`)).body).toMatchObject({
        title: statementDetails().title,
        detailsVersion: 1,
      });
      const cancelled = await within(
        lead.api.post(`/api/statements/${id}/cancel`, { reason: 'Testing a bad record' }),
        answerWithin,
      );
      expect(cancelled).toMatchObject({ kind: 'answered', value: { status: 200, body: { stage: 'cancelled' } } });
    },
  );

  it(
    'refuses a survey label with a lone surrogate (invalid JSON for jsonb) and the lead can still open the needs assessment',
    { timeout: 90_000 },
    async () => {
      const id = await draftStatement();
      const questions = [{ id: 'fleet', label: 'Fleet \ud800 size', type: 'text', required: false, maxLength: 100 }];
      const defined = await within(
        updateStatementProcess(h.ctx, id, defineSurveyUpdate, {
          actor: actorOf(lead),
          questions,
          surveyHash: randomUUID(),
        }),
        answerWithin,
      );
      const problem = problemOf(defined);
      expect(problem).toMatchObject({ status: 422, code: 'invalid_data' });
      expect(problem.errors).toContainEqual({ field: 'questions[0].label', rule: expect.stringMatching(/surrogate/) });

      const opened = await within(lead.api.post(`/api/statements/${id}/needs-assessment/open`, {}), answerWithin);
      expect(opened).toMatchObject({ kind: 'answered', value: { status: 200, body: { stage: 'needs_assessment' } } });
    },
  );

  it(
    'refuses a cancellation whose reason is not stored (a dangling reference), and the buyer and the lead can act afterwards',
    { timeout: 90_000 },
    async () => {
      const id = await draftStatement(false);
      const reason = { textId: randomUUID(), textHash: '0'.repeat(64) };
      const refused = await within(
        updateStatementProcess(h.ctx, id, cancelStatementUpdate, { actor: actorOf(lead), reason }),
        answerWithin,
      );
      const problem = problemOf(refused);
      expect(problem).toMatchObject({ status: 422, code: 'unprocessable' });
      expect(problem.errors).toContainEqual({ field: 'reason', rule: expect.any(String) });

      // The process's lock is free again: a buyer answers, the lead cancels properly.
      const accepted = await within(buyer.api.post(`/api/statements/${id}/invitation/accept`), answerWithin);
      expect(accepted).toMatchObject({ kind: 'answered', value: { status: 200 } });
      const cancelled = await within(
        lead.api.post(`/api/statements/${id}/cancel`, { reason: 'Testing a dangling reason' }),
        answerWithin,
      );
      expect(cancelled).toMatchObject({ kind: 'answered', value: { status: 200, body: { stage: 'cancelled' } } });
    },
  );

  it(
    'records a constraint violation at a deadline for the lead to see, and the lead repairs it by closing the stage once the cause is fixed',
    { timeout: 120_000 },
    async () => {
      const id = await draftStatement();
      // The database refuses this statement's move to confirmation (a CHECK-like rule), as a
      // constraint added after the statement started would.
      const name = `jd_test_refuse_${id.replace(/-/g, '').slice(0, 12)}`;
      await sql
        .raw(
          `create function ${name}() returns trigger language plpgsql as $$ begin
           if new.id = '${id}' and new.stage = 'confirmation' then
             raise exception 'refused by a test rule' using errcode = 'check_violation', column = 'stage', constraint = '${name}';
           end if;
           return new;
         end $$;
         create trigger ${name} before update on statements for each row execute function ${name}();`,
        )
        .execute(h.db);
      try {
        const opened = await lead.api.post(`/api/statements/${id}/needs-assessment/open`, {
          deadline: new Date(Date.now() + 3000).toISOString(),
        });
        expect(opened.status).toBe(200);

        const live = await until(
          () => lead.api.get(`/api/statements/${id}/live`),
          (r) => r.body?.processFailure != null,
          30_000,
          'the failure recorded in the live state',
        );
        expect(live.body.stage).toBe('needs_assessment');
        expect(live.body.processFailure).toMatchObject({
          type: 'constraint_violation',
          step: 'needs_assessment: stage_changed',
          actions: expect.arrayContaining(['closeStage', 'cancel']),
        });
        expect(live.body.processFailure.problems).toEqual([{ field: 'stage', rule: `breaks the rule ${name}` }]);
        // The lead's updates are answered meanwhile (the failed step holds no lock).
        const extended = await within(
          lead.api.post(`/api/statements/${id}/deadline`, { deadline: new Date(Date.now() + 3_600_000).toISOString() }),
          answerWithin,
        );
        expect(extended.kind).toBe('answered');
      } finally {
        await sql.raw(`drop trigger if exists ${name} on statements; drop function if exists ${name}();`).execute(h.db);
      }
      const closed = await within(lead.api.post(`/api/statements/${id}/close-stage`), answerWithin);
      expect(closed).toMatchObject({ kind: 'answered', value: { status: 200, body: { stage: 'confirmation' } } });
      expect((await lead.api.get(`/api/statements/${id}/live`)).body.processFailure ?? null).toBeNull();

      // The run (failure, repair, cancellation) replays against today's code; RECORD_HISTORIES=1
      // keeps it with the recorded histories that test/replay.test.ts replays after every change.
      expect(
        (await lead.api.post(`/api/statements/${id}/cancel`, { reason: 'Replayed after a repaired failure' })).status,
      ).toBe(200);
      const handle = h.temporal.workflow.getHandle(statementWorkflowId(id));
      await recordAndReplay(handle, 'statement-step-failure-repaired.json');
    },
  );

  it(
    'records a failed aggregation for the lead, who retries it once the cause is fixed',
    { timeout: 120_000 },
    async () => {
      const id = await draftStatement();
      const name = `jd_test_snapshot_${id.replace(/-/g, '').slice(0, 12)}`;
      await sql
        .raw(
          `create function ${name}() returns trigger language plpgsql as $$ begin
           if new.statement_id = '${id}' then
             raise exception 'refused by a test rule' using errcode = 'check_violation', constraint = '${name}';
           end if;
           return new;
         end $$;
         create trigger ${name} before insert on aggregate_snapshots for each row execute function ${name}();`,
        )
        .execute(h.db);
      try {
        // Nobody submits: the needs assessment ends at its deadline, confirmation at once, and aggregation runs.
        expect(
          (
            await lead.api.post(`/api/statements/${id}/needs-assessment/open`, {
              deadline: new Date(Date.now() + 2000).toISOString(),
            })
          ).status,
        ).toBe(200);
        const live = await until(
          () => lead.api.get(`/api/statements/${id}/live`),
          (r) => r.body?.processFailure != null,
          30_000,
          'the failed aggregation',
        );
        expect(live.body).toMatchObject({
          stage: 'aggregation',
          processFailure: {
            type: 'constraint_violation',
            problems: [{ field: name, rule: `breaks the rule ${name}` }],
            actions: ['retryAggregation', 'cancel'],
          },
        });
        // Another buyer sees no failure: it is the lead's to act on.
        expect((await buyer.api.get(`/api/statements/${id}/live`)).body.processFailure).toBeNull();
      } finally {
        await sql
          .raw(`drop trigger if exists ${name} on aggregate_snapshots; drop function if exists ${name}();`)
          .execute(h.db);
      }
      const retried = await within(lead.api.post(`/api/statements/${id}/aggregate/retry`), answerWithin);
      expect(retried).toMatchObject({ kind: 'answered', value: { status: 202 } });
      const after = await until(
        () => lead.api.get(`/api/statements/${id}/live`),
        (r) => r.body.stage !== 'aggregation',
        30_000,
        'the aggregation to complete',
      );
      expect(after.body).toMatchObject({ stage: 'shortfall', processFailure: null });
    },
  );

  it(
    'lists a workflow whose step keeps failing (an outage-like error) as stuck, until the cause is fixed and the retry goes through',
    { timeout: 120_000 },
    async () => {
      const admin = await makeActor(h, { kind: 'operator', country: 'BE' }, { label: 'failures-admin', isAdmin: true });
      const id = await draftStatement();
      const workflowId = statementWorkflowId(id);
      // A retryable error (raise_exception, P0001), as an outage or a bug would give: retried, not refused.
      const name = `jd_test_fail_${id.replace(/-/g, '').slice(0, 12)}`;
      await sql
        .raw(
          `create function ${name}() returns trigger language plpgsql as $$ begin
           if new.id = '${id}' and new.stage = 'confirmation' then raise exception 'the test makes this step fail'; end if;
           return new;
         end $$;
         create trigger ${name} before update on statements for each row execute function ${name}();`,
        )
        .execute(h.db);
      try {
        expect(
          (
            await lead.api.post(`/api/statements/${id}/needs-assessment/open`, {
              deadline: new Date(Date.now() + 2000).toISOString(),
            })
          ).status,
        ).toBe(200);
        const listing = await until(
          () => listStuckWorkflows(h.temporal, { minFailedAttempts: 2, taskQueue: h.taskQueue }),
          (l) => l.workflows.some((w) => w.workflowId === workflowId),
          60_000,
          'the workflow listed as stuck',
        );
        const stuck = listing.workflows.find((w) => w.workflowId === workflowId)!;
        expect(stuck).toMatchObject({ workflowType: 'jointStatementWorkflow', taskQueue: h.taskQueue });
        expect(stuck.activities).toEqual([
          expect.objectContaining({
            activityType: 'closeStage',
            maximumAttempts: 0,
            lastFailure: expect.objectContaining({ message: expect.stringContaining('the test makes this step fail') }),
          }),
        ]);
        expect(stuck.activities[0]!.attempt).toBeGreaterThan(2);
        expect(Date.parse(stuck.activities[0]!.since!)).toBeLessThan(Date.parse(stuck.activities[0]!.lastAttemptAt!));

        // Operators read it over HTTP (administrators only) and in /readyz; the threshold is STUCK_ACTIVITY_ATTEMPTS (5).
        const http = await admin.api.get('/api/operations/stuck-workflows');
        expect(http.status).toBe(200);
        expect(http.body.threshold).toBe(5);
        expect((await lead.api.get('/api/operations/stuck-workflows')).status).toBe(403);
        // The command operators run (`npm run stuck-workflows`), against this test's server and queue.
        const command = spawnSync(process.execPath, ['--import', 'tsx', 'bin/stuck-workflows.ts', '--attempts', '2'], {
          env: {
            ...process.env,
            NODE_ENV: 'test',
            LOG_LEVEL: 'silent',
            TEMPORAL_ADDRESS: inject('temporalAddress'),
            TEMPORAL_TASK_QUEUE: h.taskQueue,
            DATABASE_URL: inject('databaseUrl'),
          },
          encoding: 'utf8',
          timeout: 60_000,
        });
        expect(command.status, command.stderr).toBe(1);
        expect(command.stdout).toMatch(/^WORKFLOW ID\s+TYPE\s+ACTIVITY\s+ATTEMPT\s+FAILING SINCE\s+LAST FAILURE/);
        expect(command.stdout).toContain(`${workflowId}  jointStatementWorkflow  closeStage`);
        expect(command.stdout).toContain('the test makes this step fail');
        const ready = await admin.api.get('/readyz');
        expect(ready.body.stuckWorkflows).toMatchObject({
          threshold: 5,
          list: '/api/operations/stuck-workflows',
          count: expect.any(Number),
        });
      } finally {
        await sql.raw(`drop trigger if exists ${name} on statements; drop function if exists ${name}();`).execute(h.db);
      }
      // The cause fixed, the next retry goes through by itself and the workflow is no longer listed.
      // (Nobody submitted, so confirmation ends at once and aggregation finds a shortfall.)
      await until(
        () => lead.api.get(`/api/statements/${id}`),
        (r) => r.body.stage !== 'needs_assessment',
        60_000,
        'the retried step to go through',
      );
      const after = await listStuckWorkflows(h.temporal, { minFailedAttempts: 2, taskQueue: h.taskQueue });
      expect(after.workflows.map((w) => w.workflowId)).not.toContain(workflowId);
    },
  );

  it(
    'answers 503 process_unavailable within the configured bound when no worker answers, and the update applies once one does',
    { timeout: 120_000 },
    async () => {
      const id = await draftStatement();
      const ctx = { ...h.ctx, config: { ...h.ctx.config, PROCESS_UPDATE_TIMEOUT_SECONDS: 3 } };
      // As the API hands them over: parsed, the schema's defaults filled in (criticalMass.minQuantityPerCpv: []).
      const details = statementDetailsSchema.parse({ ...statementDetails(), title: 'Renamed while nobody listens' });
      await h.stopWorker();
      try {
        const started = Date.now();
        const request = { actor: actorOf(lead), details: details as never, detailsHash: 'renamed' };
        const outcome = await within(
          updateStatementProcess(ctx, id, editStatementUpdate, request, `rename-${id}`),
          answerWithin,
        );
        expect(outcome.kind).toBe('failed');
        expect(Date.now() - started).toBeLessThan(8_000);
        expect(problemOf(outcome).code).toBe('process_unavailable');
      } finally {
        await h.startWorker();
      }
      // Repeating the same request (same Idempotency-Key) gets the update's answer once a worker runs.
      const repeated = await within(
        updateStatementProcess(
          h.ctx,
          id,
          editStatementUpdate,
          { actor: actorOf(lead), details: details as never, detailsHash: 'renamed' },
          `rename-${id}`,
        ),
        60_000,
      );
      expect(repeated).toMatchObject({ kind: 'answered', value: { detailsVersion: 2 } });
      expect((await lead.api.get(`/api/statements/${id}`)).body.title).toBe('Renamed while nobody listens');
    },
  );
});

describe('a read of the live state when no worker answers', () => {
  let h: Harness;
  beforeAll(async () => {
    h = await startHarness();
  });
  afterAll(async () => h?.close());

  // Seen in the worker-memory benchmark: a read of /live answered 500 while workers restarted.
  it(
    'answers 503 process_unavailable within the configured bound, and the live state once a worker runs',
    { timeout: 120_000 },
    async () => {
      const lead = await makeActor(h, { kind: 'buyer', country: 'FI' });
      const created = await lead.api.post('/api/statements', statementDetails());
      expect(created.status).toBe(201);
      const id = created.body.id as string;
      const principal = {
        userId: lead.user.id,
        orgId: lead.org.id,
        orgKind: 'buyer' as const,
        isAdmin: false,
        roles: [],
        via: 'session' as const,
      };
      const ctx = { ...h.ctx, config: { ...h.ctx.config, PROCESS_UPDATE_TIMEOUT_SECONDS: 3 } };
      await h.stopWorker();
      try {
        const started = Date.now();
        const outcome = await within(getLiveState(ctx, principal, id, {}), answerWithin);
        expect(outcome.kind).toBe('failed');
        expect(Date.now() - started).toBeLessThan(10_000);
        expect(problemOf(outcome).code).toBe('process_unavailable');
      } finally {
        await h.startWorker();
      }
      const live = await lead.api.get(`/api/statements/${id}/live`);
      expect(live.status).toBe(200);
      expect(live.body.stage).toBe('draft');
    },
  );
});

describe('a process a step behind the stage committed in PostgreSQL', () => {
  let h: Harness;
  beforeAll(async () => {
    h = await startHarness();
  });
  afterAll(async () => h?.close());

  // npm run chaos seeds 16091, 16093: a worker killed between a stage change's commit and the
  // workflow task applying it; the lead's next decision was refused for the stage before (409).
  it('answers the refusal 503 process_unavailable, not 409, while the stages differ; 409 once they agree', async () => {
    const lead = await makeActor(h, { kind: 'buyer', country: 'FI' });
    const id = (await lead.api.post('/api/statements', statementDetails())).body.id as string;
    // The database says the needs assessment is open; the workflow still holds the draft.
    await h.db.updateTable('statements').set({ stage: 'needs_assessment' }).where('id', '=', id).execute();
    const lagging = await lead.api.post(`/api/statements/${id}/close-stage`);
    expect(lagging.status, JSON.stringify(lagging.body)).toBe(503);
    expect(lagging.body.code).toBe('process_unavailable');
    expect(lagging.headers.get('retry-after')).toBeTruthy();
    // Once they agree, the same refusal is the conflict it is.
    await h.db.updateTable('statements').set({ stage: 'draft' }).where('id', '=', id).execute();
    expect((await lead.api.post(`/api/statements/${id}/close-stage`)).status).toBe(409);
  });
});

describe('which activity errors are final (db/failures.ts)', () => {
  const pgError = (code: string, extra: Record<string, unknown> = {}) =>
    Object.assign(new Error(`sqlstate ${code}`), { code, ...extra });
  const classify = (error: unknown, input: unknown = {}) => {
    const thrown = classifyActivityError(error, input);
    return thrown instanceof ApplicationFailure
      ? { type: thrown.type, nonRetryable: thrown.nonRetryable, problems: thrown.details?.[0] }
      : 'retried';
  };

  it('refuses bad data and broken constraints for good, naming the field where it can', () => {
    expect(classify(pgError('22021'), { details: { title: 'a\u0000b' } })).toEqual({
      type: 'invalid_data',
      nonRetryable: true,
      problems: [{ field: 'details.title', rule: expect.stringMatching(/NUL/) }],
    });
    expect(classify(pgError('22P05'))).toMatchObject({ type: 'invalid_data', nonRetryable: true });
    expect(classify(pgError('22001'))).toMatchObject({
      type: 'invalid_data',
      problems: [{ field: '(record)', rule: 'is too long for the database' }],
    });
    expect(classify(pgError('23505', { constraint: 'statements_pkey' }))).toMatchObject({
      type: 'constraint_violation',
      nonRetryable: true,
      problems: [{ field: 'statements_pkey', rule: 'must be unique (statements_pkey)' }],
    });
    expect(classify(pgError('23502', { column: 'title' }))).toMatchObject({
      type: 'constraint_violation',
      problems: [{ field: 'title', rule: 'is required' }],
    });
    expect(
      classify(new DomainError('conflict', 'changed meanwhile', [{ field: 'version', rule: 'must be current' }])),
    ).toEqual({ type: 'conflict', nonRetryable: true, problems: [{ field: 'version', rule: 'must be current' }] });
  });

  it('retries outages, deadlocks and bugs', () => {
    for (const code of ['08006', '08001', '57P01', '40001', '40P01', '53300', '42501'])
      expect(classify(pgError(code)), code).toBe('retried');
    expect(classify(Object.assign(new Error('connect ECONNREFUSED 127.0.0.1:5432'), { code: 'ECONNREFUSED' }))).toBe(
      'retried',
    );
    expect(classify(new TypeError('cannot read properties of undefined'))).toBe('retried');
  });
});
