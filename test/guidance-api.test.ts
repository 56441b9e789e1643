import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import {
  ApiClient,
  type Harness,
  makeActor,
  needLine,
  startHarness,
  statementDetails,
  until,
} from './support/harness.js';
import { submitNeeds } from './support/needs-survey.js';
import { surveyOfEveryType } from './support/sample-input.js';

type Actor = Awaited<ReturnType<typeof makeActor>>;

/**
 * Issue 18, "Guidance", through the API: the statement view names the viewer's one next step and
 * gives the lead (only) its readiness checklist; the list shows a pending invitation as one; an
 * invited buyer previews the survey before answering (nobody else not taking part does); and a
 * buyer dropped at an early close is told so, not that "it did not submit before the deadline".
 */
describe('guidance on a statement, through the API', () => {
  let h: Harness;
  let lead: Actor;
  let oslo: Actor;
  let bodo: Actor;
  let vantaa: Actor;
  let outsider: Actor;
  let supplier: Actor;
  let id = '';
  const participant = async (a: Actor, viewer: Actor = lead) =>
    (await viewer.api.get(`/api/statements/${id}`)).body.participants.find((p: any) => p.organisationId === a.org.id);

  beforeAll(async () => {
    h = await startHarness();
    lead = await makeActor(h, { kind: 'buyer', name: 'Helsinki guidance', country: 'FI' });
    oslo = await makeActor(h, { kind: 'buyer', name: 'Oslo guidance', country: 'NO' }, { locale: 'fr' });
    bodo = await makeActor(h, { kind: 'buyer', name: 'Bodø guidance', country: 'NO' }, { locale: 'de' });
    vantaa = await makeActor(h, { kind: 'buyer', name: 'Vantaa guidance', country: 'FI' });
    outsider = await makeActor(h, { kind: 'buyer', name: 'Barcelona guidance', country: 'ES' });
    supplier = await makeActor(h, { kind: 'supplier', name: 'Machinery guidance', country: 'SE' });
    id = (await lead.api.post('/api/statements', statementDetails())).body.id as string;
    expect((await lead.api.put(`/api/statements/${id}/survey`, { questions: surveyOfEveryType })).status).toBe(200);
  }, 120_000);

  afterAll(async () => {
    await h?.close();
  });

  it('tells the lead in draft to invite first, with a checklist against the critical mass', async () => {
    const view = (await lead.api.get(`/api/statements/${id}`)).body;
    expect(view.nextStep).toBe('invite');
    expect(view.readiness.before).toBe('openNeedsAssessment');
    expect(view.readiness.ready).toBe(false);
    expect(view.readiness.items.slice(0, 2)).toEqual([
      { item: 'buyers', state: 'todo', have: 1, need: 3 },
      { item: 'countries', state: 'todo', have: 1, need: 2 },
    ]);
    expect(view.readiness.items).toContainEqual({ item: 'survey', state: 'done', have: surveyOfEveryType.length });
  });

  it('shows an invitation as one in the invitee’s list, and lets it (only) preview the survey', async () => {
    await lead.api.post(`/api/statements/${id}/invitations`, {
      organisationIds: [oslo.org.id, bodo.org.id, vantaa.org.id],
    });
    const list = (await oslo.api.get('/api/statements')).body as any[];
    expect(list.find((s) => s.id === id).myParticipation).toEqual({ status: 'invited', leaving: null });
    const own = (await oslo.api.get(`/api/statements/${id}`)).body;
    expect(own.nextStep).toBe('answerInvitation');
    // A participant never reads the lead's checklist (its counts are the roster's).
    expect(own.readiness).toBeNull();
    const preview = await oslo.api.get(`/api/statements/${id}/survey`);
    expect(preview.status).toBe(200);
    expect(preview.body.questions.map((q: any) => q.id)).toEqual(surveyOfEveryType.map((q) => q.id));
    // Not invited: a buyer, a supplier, nobody.
    expect((await outsider.api.get(`/api/statements/${id}/survey`)).status).toBe(404);
    expect((await supplier.api.get(`/api/statements/${id}/survey`)).status).toBe(404);
    expect((await new ApiClient(h.baseUrl).get(`/api/statements/${id}/survey`)).status).toBe(401);
    expect(((await outsider.api.get('/api/statements')).body as any[]).some((s) => s.id === id)).toBe(false);
  });

  it('tells apart who did not submit and who never answered when the lead closes the needs assessment early', async () => {
    for (const a of [oslo, bodo])
      expect((await a.api.post(`/api/statements/${id}/invitation/accept`)).status).toBe(200);
    const before = (await lead.api.get(`/api/statements/${id}`)).body;
    expect(before.nextStep).toBe('openNeedsAssessment');
    const opened = await lead.api.post(`/api/statements/${id}/needs-assessment/open`, {
      deadline: new Date(Date.now() + 3_600_000).toISOString(),
    });
    expect(opened.body.stage).toBe('needs_assessment');
    expect(opened.body.nextStep).toBe('viewNeedsOverview');
    expect(opened.body.readiness.before).toBe('closeNeedsAssessment');
    expect((await oslo.api.get(`/api/statements/${id}`)).body.nextStep).toBe('saveNeeds');
    await submitNeeds(oslo, id, [needLine()], { drive: 'electric', charging: true, fleet: '12' });

    const mailsBefore = h.mail.messages.length;
    expect((await lead.api.post(`/api/statements/${id}/close-stage`)).status).toBe(200);
    await until(
      () => participant(bodo),
      (p) => p.status === 'dropped',
      60_000,
      'Bodø dropped',
    );
    expect((await participant(bodo)).leaving).toBe('notSubmittedClosedEarly');
    expect((await participant(vantaa)).leaving).toBe('unansweredClosedEarly');
    expect((await participant(bodo)).statusReason).not.toMatch(/deadline/);
    // Another participant reads that it dropped out, never the reason.
    const seenByOslo = await participant(bodo, oslo);
    expect(seenByOslo).toMatchObject({ leaving: 'notSubmittedClosedEarly', statusReason: null });
    expect(((await bodo.api.get('/api/statements')).body as any[]).find((s) => s.id === id).myParticipation).toEqual({
      status: 'dropped',
      leaving: 'notSubmittedClosedEarly',
    });

    // The e-mail, in each buyer's language, says the lead closed the stage early.
    const mailTo = (a: Actor) =>
      h.mail.messages
        .slice(mailsBefore)
        .find(
          (m) =>
            m.to.includes(a.user.email.toLowerCase()) &&
            /nimmt nicht mehr|no longer part|ne participe plus/.test(m.subject),
        );
    const bodoMail = await h.mail.waitFor(() => mailTo(bodo) !== undefined).then(() => mailTo(bodo)!);
    expect(bodoMail.text).toContain('vor Ablauf ihrer Frist schloss');
    expect(bodoMail.text).not.toContain('nicht vor der Frist');
    const vantaaMail = await h.mail.waitFor(() => mailTo(vantaa) !== undefined).then(() => mailTo(vantaa)!);
    expect(vantaaMail.text).toContain(
      'had not answered the invitation when the lead buyer closed the needs assessment early',
    );
  });
});
