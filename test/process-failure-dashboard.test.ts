import { parse } from 'csv-parse/sync';
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { createStatementActivities } from '../activities/statement-activities.js';
import { statementWorkflowId } from '../workflows/statement/messages.js';
import { type Harness, makeActor, startHarness, statementDetails, until } from './support/harness.js';
import { recordAndReplay } from './support/recorded-history.js';

type Actor = Awaited<ReturnType<typeof makeActor>>;

/**
 * A process failure reaches the dashboard (issue 19): a step the workflow took on its own fails
 * for good (a database rule refuses it, as in test/workflow-failures.test.ts), the workflow records
 * `process_failed`, and the dashboard lists the pilot as stuck with the reason, since when and the
 * step; `stuck=true` and the totals count it; the CSV says it in words (en, fr, de); the audit trail
 * keeps the event (codes and the step's name, never the message); the lead gets one e-mail, however
 * often the activity runs. Each of the lead's repairs the failure offers (close the stage, extend
 * the deadline, retry the aggregation) ends it on the dashboard. A database of its own: the totals
 * are this file's.
 */
describe('process failures on the dashboard and in the audit trail', () => {
  let h: Harness;
  let commission: Actor;
  let lead: Actor;
  let buyer: Actor;
  let calmId = '';

  const ok = <T extends { status: number; body: unknown }>(res: T): T => {
    expect(res.status, JSON.stringify(res.body)).toBeLessThan(300);
    return res;
  };

  beforeAll(async () => {
    h = await startHarness({ freshDatabase: true });
    commission = await makeActor(h, { kind: 'commission', country: 'BE' }, { label: 'pf-commission' });
    lead = await makeActor(h, { kind: 'buyer', name: 'Helsinki', country: 'FI' }, { label: 'pf-lead' });
    buyer = await makeActor(h, { kind: 'buyer', name: 'Oslo', country: 'NO' }, { label: 'pf-buyer' });
    calmId = ok(await lead.api.post('/api/statements', statementDetails({ title: 'Calm pilot' }))).body.id;
  }, 60_000);
  afterAll(async () => h?.close());

  async function joinedStatement(): Promise<string> {
    const id = ok(await lead.api.post('/api/statements', statementDetails())).body.id as string;
    ok(await lead.api.post(`/api/statements/${id}/invitations`, { organisationIds: [buyer.org.id] }));
    ok(await buyer.api.post(`/api/statements/${id}/invitation/accept`));
    return id;
  }

  /** A database rule that refuses `when` for this statement only, as a constraint added later would. */
  async function refuse(id: string, table: string, when: string): Promise<() => Promise<void>> {
    const name = `jd_test_pf_${id.replace(/-/g, '').slice(0, 12)}`;
    await sql
      .raw(
        `create function ${name}() returns trigger language plpgsql as $$ begin
           if ${when} then
             raise exception 'refused by a test rule' using errcode = 'check_violation', constraint = '${name}';
           end if;
           return new;
         end $$;
         create trigger ${name} before insert or update on ${table} for each row execute function ${name}();`,
      )
      .execute(h.db);
    return async () => {
      await sql.raw(`drop trigger if exists ${name} on ${table}; drop function if exists ${name}();`).execute(h.db);
    };
  }

  const pilotOf = async (id: string) =>
    ok(await commission.api.get('/api/dashboard?limit=200')).body.pilots.find((p: { id: string }) => p.id === id);

  async function failureOf(id: string) {
    const live = await until(
      () => lead.api.get(`/api/statements/${id}/live`),
      (r) => r.body?.processFailure != null,
      30_000,
      'the failure in the live state',
    );
    // Recorded by the activity just after the state keeps it.
    const pilot = await until(
      () => pilotOf(id),
      (p) => p?.stuck !== null,
      30_000,
      'the pilot flagged',
    );
    return { failure: live.body.processFailure, pilot };
  }

  it(
    'flags a failed stage change as stuck in the list, filter, totals, CSV and audit trail, e-mails the lead once, and ends it when the lead closes the stage',
    { timeout: 150_000 },
    async () => {
      const id = await joinedStatement();
      const allow = await refuse(id, 'statements', `new.id = '${id}' and new.stage = 'confirmation'`);
      try {
        ok(
          await lead.api.post(`/api/statements/${id}/needs-assessment/open`, {
            deadline: new Date(Date.now() + 3000).toISOString(),
          }),
        );
        const { failure, pilot } = await failureOf(id);
        expect(failure).toMatchObject({ step: 'needs_assessment: stage_changed', type: 'constraint_violation' });
        expect(pilot.stuck).toEqual({
          reasons: ['process_failure'],
          since: new Date(failure.at).toISOString(),
          actors: ['lead'],
          failedStep: { kind: 'stage_changed', stage: 'needs_assessment' },
        });

        const all = ok(await commission.api.get('/api/dashboard')).body;
        expect(all.totals.stuck).toBe(1);
        expect(all.pilots.find((p: { id: string }) => p.id === calmId).stuck).toBeNull();
        const only = ok(await commission.api.get('/api/dashboard?stuck=true')).body;
        expect(only.pilots.map((p: { id: string }) => p.id)).toEqual([id]);
        expect(only.matching).toBe(1);
        const detail = ok(await commission.api.get(`/api/dashboard/pilots/${id}`)).body;
        expect(detail.pilot.stuck).toEqual(pilot.stuck);

        for (const [lang, delimiter, column, words] of [
          ['en', ',', 'Stuck', 'process failure — moving on from Needs assessment'],
          ['fr', ';', 'Bloqué', 'échec du processus — passage depuis l’étape Évaluation des besoins'],
          ['de', ';', 'Blockiert', 'Prozessfehler — Übergang aus Bedarfsermittlung'],
        ] as const) {
          const csv = ok(await commission.api.get(`/api/dashboard/pilots.csv?lang=${lang}&stuck=true`)).body as string;
          const rows = parse(csv, { columns: true, bom: true, delimiter }) as Record<string, string>[];
          expect(rows.map((r) => r.ID)).toEqual([id]);
          expect(rows[0]![column]).toBe(words);
        }

        // The audit trail: the step's name and codes, at the failure's time; the message stays in the workflow.
        const audit = ok(await lead.api.get(`/api/statements/${id}/audit?order=asc`)).body;
        const recorded = audit.events.filter((e: { action: string }) => e.action === 'process_failed');
        expect(recorded).toHaveLength(1);
        expect(recorded[0].data).toEqual({
          step: 'needs_assessment: stage_changed',
          type: 'constraint_violation',
          actions: failure.actions,
        });
        expect(new Date(recorded[0].at).toISOString()).toBe(new Date(failure.at).toISOString());
        expect(JSON.stringify(recorded[0])).not.toContain('refused by a test rule');
        expect(audit.verification?.valid ?? true).toBe(true);

        // One e-mail to the lead, in the outbox under the event's key; the activity run again adds none.
        const mails = await until(
          async () => h.mail.messages.filter((m) => m.to.includes(lead.user.email.toLowerCase())),
          (m) => m.some((x) => x.subject.includes('failed and waits for you')),
          30_000,
          'the lead’s e-mail',
        );
        const alert = mails.filter((x) => x.subject.includes('failed and waits for you'));
        expect(alert).toHaveLength(1);
        // The wrong viewers: the participating buyer and Commission staff get no alert, and the
        // participant cannot read the statement's audit trail that holds the event.
        const others = [buyer.user.email, commission.user.email].map((e) => e.toLowerCase());
        expect(
          h.mail.messages.filter(
            (m) => m.subject.includes('failed and waits for you') && others.some((o) => m.to.includes(o)),
          ),
        ).toEqual([]);
        expect((await buyer.api.get(`/api/statements/${id}/audit`)).status).toBe(403);
        expect(alert[0]!.text).toContain('Moving the statement on from the needs assessment stage');
        expect(alert[0]!.text).toContain('close the stage now');
        const event = await h.db
          .selectFrom('audit_events')
          .select('event_key')
          .where('chain', '=', id)
          .where('action', '=', 'process_failed')
          .executeTakeFirstOrThrow();
        const [, runId] = /^process-failure:([^:]+):/.exec(event.event_key ?? '')!;
        const activities = createStatementActivities({ db: h.db, publicUrl: h.baseUrl, solver: {} as never });
        const again = await activities.recordProcessFailure({
          statementId: id,
          runId: runId!,
          step: failure.step,
          type: failure.type,
          actions: failure.actions,
          at: failure.at,
        });
        expect(again).toEqual({ duplicate: true, mailQueued: 0 });
        const queued = await h.db
          .selectFrom('outbox')
          .select((eb) => eb.fn.countAll<string>().as('n'))
          .where('key', 'like', `process_failed:${id}:%`)
          .executeTakeFirstOrThrow();
        expect(Number(queued.n)).toBe(1);
      } finally {
        await allow();
      }

      ok(await lead.api.post(`/api/statements/${id}/close-stage`));
      expect((await pilotOf(id)).stuck).toBeNull();
      expect(ok(await commission.api.get('/api/dashboard?stuck=true')).body.matching).toBe(0);
      ok(await lead.api.post(`/api/statements/${id}/cancel`, { reason: 'Tested a repaired failure' }));

      // The run (failure recorded, repair, cancellation) replays against today's code;
      // RECORD_HISTORIES=1 keeps it with the histories test/replay.test.ts replays after every change.
      const handle = h.temporal.workflow.getHandle(statementWorkflowId(id));
      await recordAndReplay(handle, 'statement-process-failure-recorded.json');
    },
  );

  it('ends the failure when the lead sets a new deadline', { timeout: 120_000 }, async () => {
    const id = await joinedStatement();
    const allow = await refuse(id, 'statements', `new.id = '${id}' and new.stage = 'confirmation'`);
    try {
      ok(
        await lead.api.post(`/api/statements/${id}/needs-assessment/open`, {
          deadline: new Date(Date.now() + 3000).toISOString(),
        }),
      );
      await failureOf(id);
      ok(
        await lead.api.post(`/api/statements/${id}/deadline`, {
          deadline: new Date(Date.now() + 3_600_000).toISOString(),
        }),
      );
      expect((await pilotOf(id)).stuck).toBeNull();
      expect((await lead.api.get(`/api/statements/${id}/live`)).body.processFailure ?? null).toBeNull();
    } finally {
      await allow();
    }
    ok(await lead.api.post(`/api/statements/${id}/cancel`, { reason: 'Tested a new deadline' }));
  });

  it(
    'flags a failed aggregation, and ends it once the retried aggregation goes through',
    { timeout: 120_000 },
    async () => {
      const id = await joinedStatement();
      const allow = await refuse(id, 'aggregate_snapshots', `new.statement_id = '${id}'`);
      try {
        // Nobody submits: the needs assessment ends at its deadline, confirmation at once, then the aggregation.
        ok(
          await lead.api.post(`/api/statements/${id}/needs-assessment/open`, {
            deadline: new Date(Date.now() + 2000).toISOString(),
          }),
        );
        const { failure, pilot } = await failureOf(id);
        expect(failure.actions).toEqual(['retryAggregation', 'cancel']);
        expect(pilot.stuck).toMatchObject({
          reasons: ['process_failure'],
          failedStep: { kind: 'aggregation', stage: 'aggregation' },
        });
        const csv = ok(await commission.api.get(`/api/dashboard/pilots.csv?lang=en&stuck=true`)).body as string;
        const rows = parse(csv, { columns: true, bom: true }) as Record<string, string>[];
        expect(rows.find((r) => r.ID === id)?.Stuck).toBe('process failure — adding up the demand');
      } finally {
        await allow();
      }
      expect((await lead.api.post(`/api/statements/${id}/aggregate/retry`)).status).toBe(202);
      await until(
        () => lead.api.get(`/api/statements/${id}/live`),
        (r) => r.body.stage !== 'aggregation',
        30_000,
        'the aggregation to go through',
      );
      expect((await pilotOf(id)).stuck).toBeNull();
    },
  );
});
