import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import {
  type Harness,
  historyPayloadText,
  makeActor,
  needLine,
  startHarness,
  statementDetails,
  until,
} from './support/harness.js';

type Actor = Awaited<ReturnType<typeof makeActor>>;

/**
 * The whole needs assessment and confirmation on the real Temporal server with deadlines of
 * seconds: one buyer submits twice (the latest version wins), one misses the needs deadline,
 * one never confirms; reminders go to exactly those who have not acted, once each.
 */
describe('needs assessment and confirmation, end to end with deadlines of seconds', () => {
  let h: Harness;
  let lead: Actor;
  let twice: Actor;
  let late: Actor;
  let unconfirmed: Actor;
  let id: string;
  let openedAt: number;

  const mailTo = (a: Actor, subject: RegExp) =>
    h.mail.messages.filter((m) => m.to.includes(a.user.email.toLowerCase()) && subject.test(m.subject));
  const statusOf = async (a: Actor) =>
    (await lead.api.get(`/api/statements/${id}`)).body.participants.find((p: any) => p.organisationId === a.org.id);

  beforeAll(async () => {
    h = await startHarness();
    lead = await makeActor(h, { kind: 'buyer', name: 'Helsinki', country: 'FI' }, { label: 'lead' });
    twice = await makeActor(h, { kind: 'buyer', name: 'Oslo', country: 'NO' }, { label: 'oslo' });
    late = await makeActor(h, { kind: 'buyer', name: 'Copenhagen', country: 'DK' }, { label: 'copenhagen' });
    unconfirmed = await makeActor(
      h,
      { kind: 'buyer', name: 'Barcelona', country: 'ES', buyerLegalType: 'ra' },
      { label: 'barcelona' },
    );
    const details = statementDetails({
      schedule: { ...statementDetails().schedule, confirmation: 'PT60S', reminderOffsets: ['PT30S', 'PT15S'] },
    });
    id = (await lead.api.post('/api/statements', details)).body.id;
    const survey = await lead.api.put(`/api/statements/${id}/survey`, {
      questions: [
        { id: 'charging', label: 'Do you need charging infrastructure?', type: 'yes_no', required: true },
        { id: 'notes', label: 'Anything else?', type: 'text', required: false },
      ],
    });
    expect(survey.status).toBe(200);
    await lead.api.post(`/api/statements/${id}/invitations`, {
      organisationIds: [twice.org.id, late.org.id, unconfirmed.org.id],
    });
    for (const a of [twice, late, unconfirmed])
      expect((await a.api.post(`/api/statements/${id}/invitation/accept`)).status).toBe(200);
  });
  afterAll(async () => h?.close());

  it('opens, and the early submitters lock their versions', async () => {
    openedAt = Date.now();
    const opened = await lead.api.post(`/api/statements/${id}/needs-assessment/open`, {
      deadline: new Date(openedAt + 60_000).toISOString(),
    });
    expect(opened.body.stage).toBe('needs_assessment');

    for (const [a, qty] of [
      [lead, '2'],
      [twice, '5'],
      [unconfirmed, '3'],
    ] as const) {
      const saved = await a.api.put(`/api/statements/${id}/needs/draft`, {
        lines: [needLine({ quantity: qty })],
        answers: { charging: true },
      });
      expect(saved.status).toBe(200);
      expect(saved.body).toMatchObject({ readyToSubmit: true, problems: [] });
      const submitted = await a.api.post(`/api/statements/${id}/needs/submit`);
      expect(submitted.status).toBe(200);
      expect(submitted.body.version).toBe(1);
    }
    // A save repeated with its Idempotency-Key is recorded once; another key is another save.
    const lateDraft = { lines: [needLine({ quantity: '1' })], answers: {} };
    for (const key of ['late-draft-1', 'late-draft-1', 'late-draft-2'])
      expect(
        (await late.api.put(`/api/statements/${id}/needs/draft`, lateDraft, { 'Idempotency-Key': key })).status,
      ).toBe(200);
    const lateSaves = await h.db
      .selectFrom('audit_events')
      .select('seq')
      .where('chain', '=', id)
      .where('action', '=', 'needs_draft_saved')
      .where('actor_org_id', '=', late.org.id)
      .execute();
    expect(lateSaves).toHaveLength(2);
    expect(Date.now() - openedAt).toBeLessThan(30_000); // otherwise the first reminder would already have gone out
    expect((await statusOf(twice)).status).toBe('submitted');
  });

  it('reminds only the buyer that has not submitted, once per reminder', async () => {
    await h.mail.waitFor(() => mailTo(late, /^Reminder: submit/).length === 1, 45_000);
    // The buyer who submitted twice does so after the first reminder; the latest version wins.
    await twice.api.put(`/api/statements/${id}/needs/draft`, {
      lines: [
        needLine({ quantity: '7' }),
        needLine({
          cpvCode: '34144900',
          unit: 'H87',
          quantity: '1',
          unitPrice: '300000',
          frameworkMonths: 96,
          frameworkJustification: 'The charging depots are built once and serve two fleet cycles.',
        }),
      ],
      answers: { charging: false },
    });
    const second = await twice.api.post(`/api/statements/${id}/needs/submit`);
    expect(second.body.version).toBe(2);
    // The Art. 33(1) justification of a framework longer than four years is kept and shown to the lead.
    const read = await lead.api.get(`/api/statements/${id}/needs/${twice.org.id}`);
    expect(JSON.stringify(read.body)).toContain('The charging depots are built once and serve two fleet cycles.');
    await h.mail.waitFor(() => mailTo(late, /^Reminder: submit/).length === 2, 45_000);
  });

  it('closes at the deadline: the buyer that never submitted drops out, the rest must confirm', async () => {
    const live = await until(
      () => lead.api.get(`/api/statements/${id}/live`),
      (r) => r.body.stage === 'confirmation',
      60_000,
      'confirmation',
    );
    expect(live.body.participants.find((p: any) => p.orgId === late.org.id).status).toBe('dropped');
    expect((await statusOf(late)).statusReason).toBe('did not submit before the deadline');
    await h.mail.waitFor(() => mailTo(late, /no longer part/).length === 1);
    // Too late now: it dropped out, and an organisation that left does nothing more on the statement.
    const tooLate = await late.api.post(`/api/statements/${id}/needs/submit`);
    expect(tooLate.status).toBe(403);

    const needs = await twice.api.get(`/api/statements/${id}/needs/${twice.org.id}`);
    const [latest, first] = needs.body.versions;
    expect([latest.version, latest.status, first.version, first.status]).toEqual([2, 'submitted', 1, 'superseded']);
    // Confirming a superseded version is refused; the latest is signed off.
    expect((await twice.api.post(`/api/statements/${id}/needs/confirm`, { versionId: first.id })).status).toBe(409);
    expect((await twice.api.post(`/api/statements/${id}/needs/confirm`, { versionId: latest.id })).status).toBe(200);
    const leadNeeds = await lead.api.get(`/api/statements/${id}/needs/${lead.org.id}`);
    expect(
      (await lead.api.post(`/api/statements/${id}/needs/confirm`, { versionId: leadNeeds.body.versions[0].id })).status,
    ).toBe(200);
    // A confirmed version can no longer change.
    expect(
      (await twice.api.put(`/api/statements/${id}/needs/draft`, { lines: [needLine()], answers: {} })).status,
    ).toBe(409);
  });

  it('reminds only the buyer that has not confirmed, then drops it at the deadline', async () => {
    await h.mail.waitFor(() => mailTo(unconfirmed, /^Reminder: confirm/).length === 2, 90_000);
    const live = await until(
      () => lead.api.get(`/api/statements/${id}/live`),
      (r) => r.body.stage === 'shortfall',
      60_000,
      'aggregated into a shortfall',
    );
    const statuses = Object.fromEntries(live.body.participants.map((p: any) => [p.orgId, p.status]));
    expect(statuses).toEqual({
      [lead.org.id]: 'confirmed',
      [twice.org.id]: 'confirmed',
      [late.org.id]: 'dropped',
      [unconfirmed.org.id]: 'dropped',
    });
    expect(live.body.participants.find((p: any) => p.orgId === twice.org.id).version).toBe(2);
    const overview = await lead.api.get(`/api/statements/${id}/needs-overview`);
    expect(overview.body.participants.find((p: any) => p.organisationId === twice.org.id).latestVersion).toMatchObject({
      version: 2,
      status: 'confirmed',
      lines: 2,
    });
  });

  it('sent each reminder to exactly the right people, exactly once', () => {
    const reminders = h.mail.messages.filter((m) => m.subject.startsWith('Reminder:'));
    const byRecipient = reminders.map((m) => `${m.to[0]} ${m.subject.split(' for ')[0]}`).sort();
    expect(byRecipient).toEqual(
      [
        `${late.user.email.toLowerCase()} Reminder: submit your needs`,
        `${late.user.email.toLowerCase()} Reminder: submit your needs`,
        `${unconfirmed.user.email.toLowerCase()} Reminder: confirm your needs`,
        `${unconfirmed.user.email.toLowerCase()} Reminder: confirm your needs`,
      ].sort(),
    );
    expect(new Set(reminders.map((m) => m.messageId)).size).toBe(4);
  });

  it('keeps need lines out of the workflow history: only ids and hashes travel', async () => {
    const history = await h.temporal.workflow.getHandle(`statement-${id}`).fetchHistory();
    const text = historyPayloadText(history);
    // The test would be vacuous if payloads were not decoded: the ids that do travel must be found.
    expect(text).toContain(id);
    expect(text).not.toContain('Electric excavator, 20 t class'); // a need line's description
    expect(text).not.toMatch(/"450000(\.0+)?"/); // the unit price, as a JSON string
    expect(text).not.toContain('unitPrice');
  });

  it('keeps each buyer’s lines confidential', async () => {
    const commission = await makeActor(h, { kind: 'commission', country: 'BE' });
    const supplier = await makeActor(h, { kind: 'supplier', country: 'DE' });
    expect((await unconfirmed.api.get(`/api/statements/${id}/needs/${twice.org.id}`)).status).toBe(403);
    expect((await commission.api.get(`/api/statements/${id}/needs/${twice.org.id}`)).status).toBe(403);
    expect((await supplier.api.get(`/api/statements/${id}/needs/${twice.org.id}`)).status).toBe(404);
    const asLead = await lead.api.get(`/api/statements/${id}/needs/${twice.org.id}`);
    expect(asLead.status).toBe(200);
    expect(asLead.body.draft).toBeNull(); // the working copy stays the buyer's own
    expect(asLead.body.versions[0].lines).toHaveLength(2);
    // Statuses are visible to the other participants and Commission staff.
    expect((await commission.api.get(`/api/statements/${id}/needs-overview`)).status).toBe(200);
    expect((await unconfirmed.api.get(`/api/statements/${id}/needs-overview`)).status).toBe(403);
  });
});
