import { randomUUID } from 'node:crypto';

import { inject } from 'vitest';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { type DigestContent, digestSections } from '../activities/digest-activities.js';
import { createWorker } from '../bin/create-worker.js';
import { isoWeekOf } from '../domain/pilot-tracking.js';
import { translatorFor } from '../i18n/index.js';
import { ensureDigestSchedule } from '../services/dashboard/digest-schedule.js';
import type { WeeklyDigestResult } from '../workflows/digest/messages.js';
import {
  type Harness,
  makeActor,
  makeUser,
  needLine,
  startHarness,
  statementDetails,
  until,
} from './support/harness.js';
import { publish } from './support/published-statement.js';

type Actor = Awaited<ReturnType<typeof makeActor>>;

/**
 * The weekly digest on the real services: its Temporal schedule is created (twice: idempotent) and
 * triggered; each Commission staff member gets one e-mail in their language with the week's stage
 * changes and the overdue pilots; a second run in the same week sends nothing more.
 */
describe('weekly digest for Commission staff', () => {
  let h: Harness;
  let staff: { en: Actor; fr: Awaited<ReturnType<typeof makeUser>>; de: Awaited<ReturnType<typeof makeUser>> };
  let lead: Actor;
  let lateLead: Actor;
  const title = `Digest pilot ${randomUUID().slice(0, 8)}`;
  const lateTitle = `Late digest pilot ${randomUUID().slice(0, 8)}`;
  const publishedTitle = `Published digest pilot ${randomUUID().slice(0, 8)}`;
  const scheduleId = `weekly-pilot-digest-${randomUUID()}`;
  const digestQueue = `jd-digest-${randomUUID()}`;
  let digestWorker: Awaited<ReturnType<typeof createWorker>> | undefined;
  let digestRun: Promise<void> | undefined;

  const ok = <T extends { status: number; body: unknown }>(res: T): T => {
    expect(res.status, JSON.stringify(res.body)).toBeLessThan(300);
    return res;
  };
  const mailTo = (email: string) =>
    h.mail.messages.filter((m) => m.to.includes(email.toLowerCase()) && m.subject.includes(isoWeekOf(new Date()).key));

  async function openPilot(a: Actor, t: string, schedule: Record<string, unknown> = {}) {
    const buyer = await makeActor(h, { kind: 'buyer', country: 'SE' }, { label: 'buyer' });
    const id = ok(
      await a.api.post(
        '/api/statements',
        statementDetails({ title: t, schedule: { ...statementDetails().schedule, ...schedule } }),
      ),
    ).body.id as string;
    ok(await a.api.post(`/api/statements/${id}/invitations`, { organisationIds: [buyer.org.id] }));
    ok(await buyer.api.post(`/api/statements/${id}/invitation/accept`));
    ok(await a.api.post(`/api/statements/${id}/needs-assessment/open`));
    return id;
  }

  async function runOnce(): Promise<WeeklyDigestResult> {
    const handle = h.temporal.schedule.getHandle(scheduleId);
    const before = (await handle.describe()).info.recentActions.length;
    await handle.trigger();
    const described = await until(
      () => handle.describe(),
      (d) => d.info.recentActions.length > before,
      30_000,
      'schedule action',
    );
    const action = described.info.recentActions.at(-1)!.action;
    return h.temporal.workflow.getHandle(action.workflow.workflowId).result() as Promise<WeeklyDigestResult>;
  }

  beforeAll(async () => {
    // The digest covers every pilot in the database: other files' pilots must not be in it.
    h = await startHarness({ freshDatabase: true });
    const commission = await makeActor(
      h,
      { kind: 'commission', country: 'BE', name: 'DG GROW' },
      { label: 'staff-en', locale: 'en' },
    );
    staff = {
      en: commission,
      fr: await makeUser(h, commission.org.id, { label: 'staff-fr', locale: 'fr' }),
      de: await makeUser(h, commission.org.id, { label: 'staff-de', locale: 'de' }),
    };
    lead = await makeActor(
      h,
      { kind: 'buyer', name: 'Malmö', country: 'SE' },
      { label: 'malmo', roles: ['signatory'] },
    );
    lateLead = await makeActor(
      h,
      { kind: 'buyer', name: 'Gävle', country: 'SE' },
      { label: 'gavle', roles: ['signatory'] },
    );
    await openPilot(lead, title);
    // A pilot published this week, through the real approval stage.
    const partner = await makeActor(
      h,
      { kind: 'buyer', name: 'Aarhus', country: 'DK' },
      { label: 'aarhus', roles: ['signatory'] },
    );
    const publishedId = ok(
      await lead.api.post(
        '/api/statements',
        statementDetails({ title: publishedTitle, criticalMass: { minBuyers: 2 } }),
      ),
    ).body.id as string;
    ok(await lead.api.post(`/api/statements/${publishedId}/invitations`, { organisationIds: [partner.org.id] }));
    ok(await partner.api.post(`/api/statements/${publishedId}/invitation/accept`));
    ok(await lead.api.post(`/api/statements/${publishedId}/needs-assessment/open`));
    const versions: [Actor, string][] = [];
    for (const a of [lead, partner]) {
      ok(await a.api.put(`/api/statements/${publishedId}/needs/draft`, { lines: [needLine()], answers: {} }));
      versions.push([a, ok(await a.api.post(`/api/statements/${publishedId}/needs/submit`)).body.versionId]);
    }
    ok(await lead.api.post(`/api/statements/${publishedId}/close-stage`));
    for (const [a, versionId] of versions)
      ok(await a.api.post(`/api/statements/${publishedId}/needs/confirm`, { versionId }));
    await until(
      () => lead.api.get(`/api/statements/${publishedId}/live`),
      (r) => r.body.stage === 'market_engagement',
      60_000,
      'market engagement',
    );
    await publish(h, publishedId, lead, [lead, partner]);
    await openPilot(lateLead, lateTitle, { needsAssessment: 'PT2S', reminderOffsets: [] });
    // Nobody moves the late pilot on: its deadline passes unhandled, so it is overdue.
    await h.stopWorker();
    await until(
      () => staff.en.api.get('/api/dashboard?overdue=true&limit=200'),
      (r) => r.body.pilots.some((p: { title: string }) => p.title === lateTitle),
      30_000,
      'overdue',
    );
    // The digest runs on a worker of its own, so the statements stay where they are meanwhile.
    digestWorker = await createWorker({
      db: h.db,
      mailer: h.mailer,
      publicUrl: h.baseUrl,
      address: inject('temporalAddress'),
      namespace: h.config.TEMPORAL_NAMESPACE,
      taskQueue: digestQueue,
      workflowBundle: { codePath: inject('workflowBundlePath') },
    });
    digestRun = digestWorker.worker.run();
  }, 120_000);

  afterAll(async () => {
    await h?.temporal.schedule
      .getHandle(scheduleId)
      .delete()
      .catch(() => undefined);
    if (digestWorker) {
      digestWorker.worker.shutdown();
      await digestRun;
      await digestWorker.connection.close();
    }
    await h?.close();
  });

  it('creates the schedule idempotently: a second start updates, never duplicates', async () => {
    await ensureDigestSchedule(h.temporal, { scheduleId, taskQueue: digestQueue });
    await ensureDigestSchedule(h.temporal, { scheduleId, taskQueue: digestQueue });
    const described = await h.temporal.schedule.getHandle(scheduleId).describe();
    expect(described.spec.calendars?.length ?? 0).toBeGreaterThan(0);
    expect(described.action).toMatchObject({
      type: 'startWorkflow',
      workflowType: 'weeklyDigestWorkflow',
      taskQueue: digestQueue,
    });
    expect(described.info.recentActions).toHaveLength(0);
    let found = 0;
    for await (const s of h.temporal.schedule.list()) if (s.scheduleId === scheduleId) found += 1;
    expect(found).toBe(1);
  });

  it('sends each Commission staff member one digest, in their language, with the week’s changes and overdue pilots', async () => {
    const week = isoWeekOf(new Date()).key;
    const result = await runOnce();
    expect(result.week).toBe(week);
    expect(result.queued).toBe(result.recipients);
    expect(result.recipients).toBeGreaterThanOrEqual(3);
    await h.mail.waitFor(() =>
      [staff.en.user.email, staff.fr.email, staff.de.email].every((e) => mailTo(e).length === 1),
    );

    const en = mailTo(staff.en.user.email)[0]!;
    expect(en.subject).toMatch(
      new RegExp(
        `^Pilot digest, week ${week}: (?:one stage change|\\d+ stage changes), \\d+ overdue, [1-9]\\d* published$`,
      ),
    );
    expect(en.text).toContain(`- "${title}": draft → needs assessment`);
    expect(en.text).toContain(`- "${title}", led by Malmö`);
    expect(en.text).toMatch(
      new RegExp(`Overdue \\(\\d+\\)[\\s\\S]*- "${lateTitle}": needs assessment, deadline .* passed`),
    );
    expect(en.text).toMatch(/Published \(\d+\)\n/);
    expect(en.text).toContain(`- "${publishedTitle}" (`);
    expect(en.text).toContain(`- "${publishedTitle}": approval → publication`);
    expect(en.text).toContain(`${h.baseUrl}/dashboard`);

    const fr = mailTo(staff.fr.email)[0]!;
    expect(fr.subject).toContain(`Synthèse des pilotes, semaine ${week}`);
    expect(fr.text).toContain(`- « ${title} » : `);
    expect(fr.text).toContain('En retard (');
    const de = mailTo(staff.de.email)[0]!;
    expect(de.subject).toContain(`Pilot-Übersicht, Woche ${week}`);
    expect(de.text).toContain(`- „${lateTitle}“: `);
    expect(de.text).toContain('Überfällig (');

    // The week and the recipient key the message: one row per person in the outbox.
    const rows = await h.db
      .selectFrom('outbox')
      .select(['key', 'status'])
      .where('key', 'like', `digest:${week}:%`)
      .where('recipient_user_id', 'in', [staff.en.user.id, staff.fr.id, staff.de.id])
      .execute();
    expect(rows.map((r) => r.key).sort()).toEqual(
      [staff.en.user.id, staff.fr.id, staff.de.id].map((id) => `digest:${week}:${id}`).sort(),
    );
    expect(rows.every((r) => r.status === 'sent')).toBe(true);
  });

  it('sends nothing more when the schedule runs again in the same week', async () => {
    const again = await runOnce();
    expect(again).toMatchObject({ queued: 0 });
    for (const email of [staff.en.user.email, staff.fr.email, staff.de.email]) expect(mailTo(email)).toHaveLength(1);
  });

  it('lists published pilots and caps long sections, in the pure composition', () => {
    const content: DigestContent = {
      week: '2026-W49',
      from: '2026-11-24T06:00:00.000Z',
      to: '2026-12-01T06:00:00.000Z',
      changes: Array.from({ length: 60 }, (_, i) => ({
        title: `P${i}`,
        from: 'approval',
        to: 'published',
        at: '2026-11-30T10:00:00.000Z',
      })),
      newPilots: [],
      overdue: [],
      overdueTotal: 0,
      published: [{ title: 'Zero-emission construction sites', at: '2026-11-30T10:00:00.000Z' }],
      totals: { pilots: 3, buyers: 7, countries: 4, valueEur: '48500000.5' },
      link: 'http://localhost/dashboard',
    };
    const text = digestSections(content, 'en', translatorFor('en'));
    expect(text).toContain('Stage changes (60)');
    expect(text).toContain('- and 10 more on the dashboard');
    expect(text).toContain('Published (1)\n- "Zero-emission construction sites" (');
    expect(text).toContain('New pilots (0)\n- none');
    expect(text).toContain('In all: 3 pilots, €48,500,000.50 of aggregated demand from 7 buyers in 4 countries.');
  });
});
