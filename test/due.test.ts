import ICAL from 'ical.js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import {
  ApiClient,
  type Harness,
  makeActor,
  makeUser,
  needLine,
  signIn,
  startHarness,
  until,
} from './support/harness.js';
import { statementWithSurveyOpen } from './support/needs-survey.js';
import { statementInMarketEngagement } from './support/published-statement.js';

type Actor = Awaited<ReturnType<typeof makeActor>>;

/** iCalendar times have whole seconds. */
const toSecond = (iso: string) => Math.floor(Date.parse(iso) / 1000) * 1000;

const veventsOf = (ics: string) =>
  new ICAL.Component(ICAL.parse(ics)).getAllSubcomponents('vevent').map((c) => new ICAL.Event(c));

/** Issue 18: "what is due" for every user, as a list and as calendars (feed, invitation). */
describe('what is due', () => {
  let h: Harness;
  let lead: Actor;
  let joined: Actor;
  let invited: Actor;
  let declined: Actor;
  let outsider: Actor;
  let commission: Actor;
  let supplier: Actor;
  let statementId: string;
  let deadline: string;

  beforeAll(async () => {
    h = await startHarness({ worker: true });
    lead = await makeActor(h, { kind: 'buyer', country: 'NO', name: 'Oslo kommune (due)' }, { roles: ['signatory'] });
    joined = await makeActor(h, { kind: 'buyer', country: 'FI' }, { roles: ['signatory'] });
    invited = await makeActor(h, { kind: 'buyer', country: 'DK' }, { roles: ['signatory'], locale: 'fr' });
    declined = await makeActor(h, { kind: 'buyer', country: 'ES' }, { roles: ['signatory'] });
    outsider = await makeActor(h, { kind: 'buyer', country: 'DE' }, { roles: ['signatory'] });
    commission = await makeActor(h, { kind: 'commission', country: 'BE' });
    supplier = await makeActor(h, { kind: 'supplier', country: 'SE' });
    statementId = await statementWithSurveyOpen(lead, [joined]);
    for (const a of [invited, declined]) {
      const res = await lead.api.post(`/api/statements/${statementId}/invitations`, { organisationIds: [a.org.id] });
      expect(res.status).toBeLessThan(300);
    }
    expect(
      (await declined.api.post(`/api/statements/${statementId}/invitation/decline`, { reason: 'no budget' })).status,
    ).toBe(200);
    const statement = await lead.api.get(`/api/statements/${statementId}`);
    deadline = statement.body.stageDeadline;
    expect(deadline).toEqual(expect.any(String));
  });
  afterAll(async () => h?.close());

  const dueOn = async (a: Actor) => {
    const res = await a.api.get('/api/me/due');
    expect(res.status).toBe(200);
    expect(res.headers.get('cache-control')).toContain('no-store');
    return (res.body.items as { statementId: string; kind: string; deadline: string | null; link: string }[]).filter(
      (i) => i.statementId === statementId,
    );
  };

  it('lists each role’s own step with the stored deadline and its page', async () => {
    // The lead takes part with its own needs too.
    expect(await dueOn(lead)).toEqual([
      {
        statementId,
        title: expect.any(String),
        kind: 'submitNeeds',
        deadline,
        link: `/statements/${statementId}/needs`,
      },
      {
        statementId,
        title: expect.any(String),
        kind: 'closeNeedsAssessment',
        deadline,
        link: `/statements/${statementId}`,
      },
    ]);
    expect(await dueOn(joined)).toMatchObject([
      { kind: 'submitNeeds', deadline, link: `/statements/${statementId}/needs` },
    ]);
    expect(await dueOn(invited)).toMatchObject([{ kind: 'answerInvitation', deadline }]);
  });

  it('shows nothing of the statement to the wrong viewers: one that declined, an outsider, Commission staff, a supplier', async () => {
    for (const a of [declined, outsider, commission, supplier]) expect(await dueOn(a)).toEqual([]);
  });

  it('asks for a signed-in user', async () => {
    expect((await new ApiClient(h.baseUrl).get('/api/me/due')).status).toBe(401);
  });

  it('drops a step once it is done', async () => {
    const withdrawn = await joined.api.post(`/api/statements/${statementId}/needs/withdraw`, {
      reason: 'changed plans',
    });
    expect(withdrawn.status).toBe(200);
    expect(await dueOn(joined)).toEqual([]);
  });

  it('a personal calendar feed: made from a session only, reached by its secret alone, 404 once rotated', async () => {
    expect((await invited.api.post('/api/me/calendar-feed')).status).toBe(403);
    const session = await signIn(h, invited.user.email);
    expect((await session.get('/api/me/calendar-feed')).status).toBe(404);
    const made = await session.post('/api/me/calendar-feed');
    expect(made.status).toBe(201);
    const url = new URL(made.body.url as string);
    expect(url.pathname).toMatch(/^\/calendar\/cal_[A-Za-z0-9_-]+\.ics$/);

    const feed = await fetch(new URL(url.pathname, h.baseUrl));
    expect(feed.status).toBe(200);
    expect(feed.headers.get('content-type')).toMatch(/^text\/calendar/);
    expect(feed.headers.get('cache-control')).toMatch(/private/);
    const events = veventsOf(await feed.text());
    const mine = events.filter((e) => e.uid.startsWith(statementId));
    expect(mine.map((e) => e.uid)).toEqual([
      `${statementId}.answerInvitation@${new URL(h.config.PUBLIC_URL).hostname}`,
    ]);
    expect(mine[0]!.startDate.toJSDate().getTime()).toBe(toSecond(deadline));
    expect(mine[0]!.summary).toMatch(/^Répondre à l’invitation/);

    // The address is shown once; reading the feed back gives no address.
    expect((await session.get('/api/me/calendar-feed')).body).toMatchObject({
      url: null,
      lastUsedAt: expect.any(String),
    });
    expect((await fetch(new URL('/calendar/cal_wrong.ics', h.baseUrl))).status).toBe(404);
    for (const path of ['/calendar/.ics', '/calendar/a/b.ics', '/calendar/x'])
      expect((await fetch(new URL(path, h.baseUrl))).status, path).toBe(404);
    const rotated = await session.post('/api/me/calendar-feed');
    expect((await fetch(new URL(url.pathname, h.baseUrl))).status).toBe(404);
    expect((await fetch(new URL(new URL(rotated.body.url as string).pathname, h.baseUrl))).status).toBe(200);
    expect((await session.delete('/api/me/calendar-feed')).status).toBe(204);
    expect((await fetch(new URL(new URL(rotated.body.url as string).pathname, h.baseUrl))).status).toBe(404);
  });

  it('the lead’s feed holds exactly its own items', async () => {
    const colleague = await makeUser(h, lead.org.id, { label: 'lead-colleague' });
    const session = await signIn(h, colleague.email);
    const made = await session.post('/api/me/calendar-feed');
    const events = veventsOf(await (await fetch(new URL(new URL(made.body.url as string).pathname, h.baseUrl))).text());
    expect(events.filter((e) => e.uid.startsWith(statementId)).map((e) => e.uid.split('@')[0])).toEqual([
      `${statementId}.submitNeeds`,
      `${statementId}.closeNeedsAssessment`,
    ]);
  });

  it('the invitation e-mail carries the invitee’s deadline as an .ics (text/calendar; method=PUBLISH)', async () => {
    const mail = (
      await until(
        async () => h.mail.messages.filter((m) => m.to.includes(invited.user.email.toLowerCase())),
        (ms) => ms.some((m) => /invit/i.test(m.subject)),
      )
    ).find((m) => /invit/i.test(m.subject))!;
    expect(mail).toBeDefined();
    const ics = mail.attachments.find((a) => a.contentType.startsWith('text/calendar'));
    expect(ics).toBeDefined();
    expect(ics!.contentType).toMatch(/method=PUBLISH/i);
    expect(ics!.filename).toMatch(/\.ics$/);
    const events = veventsOf(ics!.content);
    expect(events.map((e) => e.uid.split('@')[0])).toEqual([`${statementId}.answerInvitation`]);
    expect(events[0]!.startDate.toJSDate().getTime()).toBe(toSecond(deadline));
    // One message per key: the invitation went out once.
    expect(h.mail.messages.filter((m) => m.messageId === mail.messageId)).toHaveLength(1);
  });

  it('an extended deadline reaches the invitee as the same calendar event with a higher SEQUENCE', async () => {
    const icsOf = (m: { attachments: { contentType: string; content: string }[] }) =>
      veventsOf(m.attachments.find((a) => a.contentType.startsWith('text/calendar'))!.content);
    const mine = () => h.mail.messages.filter((m) => m.to.includes(invited.user.email.toLowerCase()));
    const invitation = icsOf(mine().find((m) => /invit/i.test(m.subject))!)[0]!;
    const later = new Date(Date.parse(deadline) + 2 * 86_400_000).toISOString();
    expect((await lead.api.post(`/api/statements/${statementId}/deadline`, { deadline: later })).status).toBe(200);
    const extended = (
      await until(
        async () => mine().filter((m) => m.attachments.length > 0 && m.messageId !== mine()[0]!.messageId),
        (ms) => ms.some((m) => icsOf(m)[0]?.startDate.toJSDate().getTime() === toSecond(later)),
      )
    ).find((m) => icsOf(m)[0]?.startDate.toJSDate().getTime() === toSecond(later))!;
    const event = icsOf(extended)[0]!;
    expect(event.uid).toBe(invitation.uid);
    expect(event.sequence).toBeGreaterThan(invitation.sequence);
  });
});

/** Issue 18: a supplier is told which open consultations it has to answer, until it answers. */
describe('what is due for a supplier', () => {
  let h: Harness;
  let lead: Actor;
  let consulting: string;

  beforeAll(async () => {
    h = await startHarness({ worker: true });
    lead = await makeActor(h, { kind: 'buyer', country: 'FI', name: 'Turku (due)' }, { roles: ['signatory'] });
    const other = await makeActor(h, { kind: 'buyer', country: 'NO' }, { roles: ['signatory'] });
    consulting = await statementInMarketEngagement(h, lead, [
      [lead, [needLine({ quantity: '2' })]],
      [other, [needLine({ quantity: '3' })]],
    ]);
    const rfi = await lead.api.put(`/api/statements/${consulting}/consultation/rfi`, {
      questions: [{ id: 'lead-time', text: 'What lead time do you need?' }],
    });
    expect(rfi.status).toBe(200);
  }, 180_000);
  afterAll(async () => h?.close());

  const dueOf = async (a: Actor) =>
    ((await a.api.get('/api/me/due')).body.items as { statementId: string; kind: string; link: string }[]).filter(
      (i) => i.statementId === consulting,
    );

  it('a matching supplier answers the consultation, until it has; one whose subscription does not match has nothing due', async () => {
    const matching = await makeActor(h, { kind: 'supplier', country: 'SE' });
    const elsewhere = await makeActor(h, { kind: 'supplier', country: 'DE' });
    expect((await matching.api.put('/api/me/subscription', { cpvPrefixes: ['4326'] })).status).toBe(200);
    expect((await elsewhere.api.put('/api/me/subscription', { cpvPrefixes: ['45'] })).status).toBe(200);

    expect(await dueOf(matching)).toMatchObject([{ kind: 'answerConsultation', link: `/consultations/${consulting}` }]);
    expect(await dueOf(elsewhere)).toEqual([]);
    expect(await dueOf(lead)).toMatchObject([{ kind: 'closeConsultation' }]);

    const answered = await matching.api.put(`/api/consultations/${consulting}/response`, {
      answers: { 'lead-time': 'Twelve weeks' },
    });
    expect(answered.status).toBe(200);
    expect(await dueOf(matching)).toEqual([]);
  });
});
