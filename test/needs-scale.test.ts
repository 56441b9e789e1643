import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import {
  historyWarnBytes,
  historyWarnEvents,
  summariseRuns,
  workflowRunHistories,
} from '../bench/support/workflow-history.js';
import { participatingCountries } from '../rules/countries.js';
import {
  type Harness,
  historyPayloadText,
  inBatches,
  makeActor,
  needLine,
  startHarness,
  statementDetails,
  until,
} from './support/harness.js';

type Actor = Awaited<ReturnType<typeof makeActor>>;

const participants = 200;
const concurrency = 16;
/** Buyers spread over the EU and EEA countries (`rules/countries.ts`). */
const countries = participatingCountries;
const minutes = (n: number) => n * 60_000;

/** Buyer i sends 1 to 3 lines, so the line count checks more than the version count. */
const linesOf = (i: number) =>
  Array.from({ length: 1 + (i % 3) }, (_, j) =>
    needLine({ quantity: String(1 + ((i + j) % 7)), description: `Electric excavator, lot ${j + 1}` }),
  );

/**
 * Two hundred buyers (and the lead) through the whole needs assessment and confirmation on the
 * real services: one invitation request, then each buyer accepts, drafts, submits and confirms,
 * a crowd of clients at a time. The process must end the confirmation on its own and keep its
 * history under Temporal's warning limits.
 */
describe(`a statement with ${participants} participants`, () => {
  let h: Harness;
  let lead: Actor;
  let buyers: Actor[];
  let everyone: Actor[];
  let id: string;
  const submitted = new Map<string, { versionId: string; lines: number }>();
  const base = () => `/api/statements/${id}`;
  const failures = (responses: { status: number; body: unknown }[]) =>
    responses.map((r, i) => ({ i, status: r.status, body: r.body })).filter((r) => r.status !== 200);

  beforeAll(async () => {
    h = await startHarness();
    lead = await makeActor(h, { kind: 'buyer', name: 'Scale lead city', country: 'FI' }, { label: 'scale-lead' });
    buyers = await inBatches(
      Array.from({ length: participants }, (_, i) => i),
      10,
      (i) =>
        makeActor(
          h,
          {
            kind: 'buyer',
            name: `Scale buyer ${String(i).padStart(3, '0')}`,
            country: countries[i % countries.length]!,
          },
          { label: `scale-${i}` },
        ),
    );
    everyone = [lead, ...buyers];
    const created = await lead.api.post(
      '/api/statements',
      statementDetails({ title: 'Two hundred buyers of electric machinery' }),
    );
    expect(created.status).toBe(201);
    id = created.body.id;
    const survey = await lead.api.put(`${base()}/survey`, {
      questions: [{ id: 'charging', label: 'Do you need charging infrastructure?', type: 'yes_no', required: true }],
    });
    expect(survey.status).toBe(200);
  }, minutes(10));
  afterAll(async () => h?.close());

  it(
    `invites all ${participants} in one request; each accepts; the needs assessment opens`,
    async () => {
      const invited = await lead.api.post(`${base()}/invitations`, { organisationIds: buyers.map((b) => b.org.id) });
      expect(invited.status).toBe(200);
      expect(invited.body.invited).toHaveLength(participants);
      expect(invited.body.alreadyInvited).toEqual([]);

      const answers = await inBatches(buyers, concurrency, (b) => b.api.post(`${base()}/invitation/accept`));
      expect(failures(answers)).toEqual([]);

      const opened = await lead.api.post(`${base()}/needs-assessment/open`, {});
      expect(opened.status).toBe(200);
      expect(opened.body.stage).toBe('needs_assessment');
    },
    minutes(15),
  );

  it(
    'each participant saves a draft and submits it as version 1',
    async () => {
      const results = await inBatches(everyone, concurrency, async (a, i) => {
        const lines = linesOf(i);
        const saved = await a.api.put(`${base()}/needs/draft`, { lines, answers: { charging: i % 2 === 0 } });
        if (saved.status !== 200 || !saved.body.readyToSubmit) return saved;
        const res = await a.api.post(`${base()}/needs/submit`);
        if (res.status === 200) submitted.set(a.org.id, { versionId: res.body.versionId, lines: res.body.lines });
        return res;
      });
      expect(failures(results)).toEqual([]);
      expect(results.every((r) => r.body.version === 1)).toBe(true);
      expect(submitted.size).toBe(participants + 1);
    },
    minutes(20),
  );

  it(
    'the lead closes the needs assessment early; everyone confirms; the confirmation then ends on its own',
    async () => {
      const closed = await lead.api.post(`${base()}/close-stage`);
      expect(closed.status).toBe(200);
      expect(closed.body.stage).toBe('confirmation');

      const results = await inBatches(everyone, concurrency, (a) =>
        a.api.post(`${base()}/needs/confirm`, { versionId: submitted.get(a.org.id)!.versionId }),
      );
      expect(JSON.stringify(failures(results))).toBe('[]');

      // Nobody is left to confirm: the process moves on without waiting for the deadline (P14D),
      // aggregates 201 buyers' demand and reaches critical mass.
      const live = await until(
        () => lead.api.get(`${base()}/live`),
        (r) => r.body.stage === 'market_engagement',
        minutes(2),
        'market engagement',
      );
      expect(live.body.aggregate).toMatchObject({ criticalMassMet: true, failedRules: [] });
      expect(new Set(live.body.participants.map((p: any) => p.status))).toEqual(new Set(['confirmed']));
      expect(live.body.participants).toHaveLength(participants + 1);
    },
    minutes(20),
  );

  it('leaves exactly one confirmed version per participant, with all its lines, in the database', async () => {
    const statuses = await h.db
      .selectFrom('participants')
      .select((eb) => ['status', eb.fn.countAll().as('n')])
      .where('statement_id', '=', id)
      .groupBy('status')
      .execute();
    expect(statuses.map((s) => [s.status, Number(s.n)])).toEqual([['confirmed', participants + 1]]);

    const versions = await h.db
      .selectFrom('need_versions')
      .select(['organisation_id', 'version', 'status', 'confirmed_at'])
      .where('statement_id', '=', id)
      .execute();
    expect(versions).toHaveLength(participants + 1);
    expect(new Set(versions.map((v) => v.organisation_id)).size).toBe(participants + 1);
    expect(versions.every((v) => v.version === 1 && v.status === 'confirmed' && v.confirmed_at !== null)).toBe(true);

    const expectedLines = [...submitted.values()].reduce((n, s) => n + s.lines, 0);
    expect(expectedLines).toBe(everyone.reduce((n, _a, i) => n + linesOf(i).length, 0));
    const lines = await h.db
      .selectFrom('need_lines')
      .select((eb) => eb.fn.countAll().as('n'))
      .where('statement_id', '=', id)
      .executeTakeFirstOrThrow();
    expect(Number(lines.n)).toBe(expectedLines);

    const statement = await lead.api.get(base());
    expect(statement.body.stage).toBe('market_engagement');
    const overview = await lead.api.get(`${base()}/needs-overview?limit=500`);
    expect(overview.body.counts).toEqual({ total: participants + 1, byStatus: { confirmed: participants + 1 } });
    expect(overview.body.participants).toHaveLength(participants + 1);
    expect(
      overview.body.participants.every((p: any) => p.status === 'confirmed' && p.latestVersion?.status === 'confirmed'),
    ).toBe(true);
  });

  it(
    'sent each participant’s users exactly one invitation, and the lead none',
    async () => {
      const isInvitation = (subject: string) =>
        subject.startsWith('Invitation to join the joint statement of demand "Two hundred buyers');
      await h.mail.waitFor((m) => m.filter((x) => isInvitation(x.subject)).length >= participants, minutes(3));
      // Everything queued for this statement has gone out, so a duplicate would have arrived by now.
      await until(
        () =>
          h.db.selectFrom('outbox').select('id').where('statement_id', '=', id).where('status', '!=', 'sent').execute(),
        (rows) => rows.length === 0,
        minutes(3),
        'an empty outbox',
      );
      const invitations = h.mail.messages.filter((m) => isInvitation(m.subject));
      const perRecipient = new Map<string, number>();
      for (const m of invitations) for (const to of m.to) perRecipient.set(to, (perRecipient.get(to) ?? 0) + 1);
      expect(invitations).toHaveLength(participants);
      for (const b of buyers) expect(perRecipient.get(b.user.email.toLowerCase()), b.user.email).toBe(1);
      expect(perRecipient.has(lead.user.email.toLowerCase())).toBe(false);
      expect(new Set(invitations.map((m) => m.messageId)).size).toBe(participants);
    },
    minutes(7),
  );

  it('keeps every run of the workflow history under Temporal’s warning limits', async () => {
    const runs = await workflowRunHistories(h.temporal, `statement-${id}`);
    const summary = summariseRuns(runs);
    console.log(
      `needs-scale: ${participants} participants, ${summary.runs} run(s), ${summary.totalEvents} events / ${summary.totalBytes} bytes in all; ` +
        `largest run ${summary.maxEvents} events (${((summary.maxEvents / historyWarnEvents) * 100).toFixed(1)}% of ${historyWarnEvents}), ` +
        `${summary.maxBytes} bytes (${((summary.maxBytes / historyWarnBytes) * 100).toFixed(1)}% of 10 MB); per run: ` +
        runs.map((r) => `${r.status} ${r.events} ev/${r.bytes} B`).join(', '),
    );
    expect(runs.length).toBeGreaterThan(0);
    expect(runs.at(-1)!.status).toBe('RUNNING');
    for (const run of runs) {
      expect(run.events, `run ${run.runId}`).toBeLessThan(historyWarnEvents);
      expect(run.bytes, `run ${run.runId}`).toBeLessThan(historyWarnBytes);
    }
    // The history carries ids and hashes, never the lines themselves.
    const last = await h.temporal.workflow.getHandle(`statement-${id}`, runs.at(-1)!.runId).fetchHistory();
    const text = historyPayloadText(last);
    expect(text).toContain(id);
    expect(text).not.toContain('Electric excavator, lot');
  });
});
