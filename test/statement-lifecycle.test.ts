import { createHash } from 'node:crypto';

import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { verifyAuditChain } from '../db/audit.js';
import {
  ApiClient,
  type Harness,
  makeActor,
  makeUser,
  signIn,
  startHarness,
  statementDetails,
} from './support/harness.js';

describe('a joint statement from draft to cancellation, over HTTP on the real services', () => {
  let h: Harness;
  let lead: Awaited<ReturnType<typeof makeActor>>;
  let leadSession: ApiClient;
  let oslo: Awaited<ReturnType<typeof makeActor>>;
  let barcelona: Awaited<ReturnType<typeof makeActor>>;
  let osloSecondUser: { email: string };
  let statementId: string;

  beforeAll(async () => {
    h = await startHarness();
    lead = await makeActor(h, { kind: 'buyer', name: 'City of Helsinki', country: 'FI' }, { label: 'helsinki-lead' });
    leadSession = await signIn(h, lead.user.email);
    oslo = await makeActor(h, { kind: 'buyer', name: 'City of Oslo', country: 'NO' }, { label: 'oslo' });
    osloSecondUser = await makeUser(h, oslo.org.id, { label: 'oslo-second', locale: 'fr' });
    barcelona = await makeActor(
      h,
      { kind: 'buyer', name: 'Barcelona', country: 'ES' },
      { label: 'barcelona', locale: 'de' },
    );
  });
  afterAll(async () => h?.close());

  it('creates the statement in draft, visible at once', async () => {
    const res = await leadSession.post('/api/statements', statementDetails());
    expect(res.status).toBe(201);
    expect(res.body.stage).toBe('draft');
    expect(res.body.cpvCodes).toEqual(['43260000', '34144900']);
    expect(res.body.lead.id).toBe(lead.org.id);
    expect(res.headers.get('location')).toBe(`/api/statements/${res.body.id}`);
    statementId = res.body.id;

    const read = await leadSession.get(`/api/statements/${statementId}`);
    expect(read.status).toBe(200);
    expect(read.body.title).toBe('Zero-emission construction machinery');
  });

  it('edits the draft and bumps the version', async () => {
    const res = await leadSession.patch(`/api/statements/${statementId}`, {
      title: 'Zero-emission construction sites',
      expectedVersion: 1,
    });
    expect(res.status).toBe(200);
    expect(res.body.title).toBe('Zero-emission construction sites');
    expect(res.body.detailsVersion).toBe(2);
    // A stale editor is told, and nothing changes.
    const stale = await leadSession.patch(`/api/statements/${statementId}`, {
      title: 'Something else',
      expectedVersion: 1,
    });
    expect(stale.status).toBe(409);
    expect(stale.body.errors).toEqual([{ field: 'expectedVersion', rule: 'must equal the current version 2' }]);
    expect((await leadSession.get(`/api/statements/${statementId}`)).body.title).toBe(
      'Zero-emission construction sites',
    );
  });

  it('invites buyers and e-mails each of their users exactly once, in their language', async () => {
    const res = await leadSession.post(`/api/statements/${statementId}/invitations`, {
      organisationIds: [oslo.org.id, barcelona.org.id],
    });
    expect(res.status).toBe(200);
    expect(res.body.invited.sort()).toEqual([oslo.org.id, barcelona.org.id].sort());
    // Inviting again changes nothing and sends nothing.
    const again = await leadSession.post(`/api/statements/${statementId}/invitations`, {
      organisationIds: [oslo.org.id],
    });
    expect(again.body.invited).toEqual([]);
    expect(again.body.alreadyInvited).toEqual([oslo.org.id]);

    const recipients = [oslo.user.email, osloSecondUser.email, barcelona.user.email].map((e) => e.toLowerCase());
    await h.mail.waitFor((m) =>
      recipients.every((r) => m.some((x) => x.to.includes(r) && /statement/i.test(x.subject + x.text))),
    );
    // Let any duplicate arrive before counting.
    await new Promise((r) => setTimeout(r, 1500));
    const invitations = h.mail.messages.filter(
      (m) => m.text.includes(`/statements/${statementId}`) && recipients.includes(m.to[0]!),
    );
    expect(invitations.map((m) => m.to[0]).sort()).toEqual([...recipients].sort());
    const french = invitations.find((m) => m.to[0] === osloSecondUser.email.toLowerCase())!;
    expect(french.subject).toContain('Invitation à rejoindre');
    const german = invitations.find((m) => m.to[0] === barcelona.user.email.toLowerCase())!;
    expect(german.subject).toContain('Einladung');
    // The lead's own organisation is not invited to its own statement.
    expect(
      h.mail.messages.some((m) => m.to.includes(lead.user.email.toLowerCase()) && m.subject.includes('Invitation')),
    ).toBe(false);
  });

  it('lets one invited buyer accept and the other decline, and tells the lead', async () => {
    const accepted = await oslo.api.post(`/api/statements/${statementId}/invitation/accept`);
    expect(accepted.status).toBe(200);
    const declined = await barcelona.api.post(`/api/statements/${statementId}/invitation/decline`, {
      reason: 'No budget this year',
    });
    expect(declined.status).toBe(200);
    // The answer is Barcelona's own standing; having declined, it reads its own participation only.
    expect(declined.body).toMatchObject({ organisationId: barcelona.org.id, status: 'declined' });
    const asBarcelona = (await barcelona.api.get(`/api/statements/${statementId}`)).body;
    expect(asBarcelona.participants.map((p: any) => [p.organisationId, p.status, p.statusReason])).toEqual([
      [barcelona.org.id, 'declined', 'No budget this year'],
    ]);
    const statuses = Object.fromEntries(
      (await lead.api.get(`/api/statements/${statementId}`)).body.participants.map((p: any) => [
        p.organisationId,
        p.status,
      ]),
    );
    // The lead buyer takes part with needs of its own from the start.
    expect(statuses).toEqual({ [lead.org.id]: 'joined', [oslo.org.id]: 'joined', [barcelona.org.id]: 'declined' });

    // Answering twice is a conflict, not a second answer.
    const twice = await oslo.api.post(`/api/statements/${statementId}/invitation/decline`, {});
    expect(twice.status).toBe(409);

    await h.mail.waitFor(
      (m) =>
        m.filter((x) => x.to.includes(lead.user.email.toLowerCase()) && /accepted|declined/.test(x.subject)).length ===
        2,
    );
  });

  it('shows the live state from the workflow', async () => {
    const live = await oslo.api.get(`/api/statements/${statementId}/live`);
    expect(live.status).toBe(200);
    expect(live.body.stage).toBe('draft');
    expect(live.body.detailsVersion).toBe(2);
    expect(live.body.participants.map((p: any) => [p.orgId, p.status]).sort()).toEqual(
      [
        [lead.org.id, 'joined'],
        [oslo.org.id, 'joined'],
        [barcelona.org.id, 'declined'],
      ].sort(),
    );
  });

  it('opens the needs assessment with a deadline, and tells the joined buyers', async () => {
    const deadline = new Date(Date.now() + 7 * 86_400_000).toISOString();
    const res = await leadSession.post(`/api/statements/${statementId}/needs-assessment/open`, { deadline });
    expect(res.status).toBe(200);
    expect(res.body.stage).toBe('needs_assessment');
    expect(res.body.stageDeadline).toBe(deadline);
    await h.mail.waitFor((m) =>
      m.some((x) => x.to.includes(oslo.user.email.toLowerCase()) && x.subject.startsWith('Needs assessment open')),
    );
    expect(
      h.mail.messages.some(
        (x) => x.to.includes(barcelona.user.email.toLowerCase()) && /Bedarfserhebung/.test(x.subject),
      ),
    ).toBe(false);
  });

  it('refuses a draft-only change now, with 409 and no state change', async () => {
    const auditBefore = (await leadSession.get(`/api/statements/${statementId}/audit`)).body.events.length;
    const res = await leadSession.patch(`/api/statements/${statementId}`, { title: 'Too late to rename' });
    expect(res.status).toBe(409);
    expect(res.body.code).toBe('wrong_stage');
    const after = await leadSession.get(`/api/statements/${statementId}`);
    expect(after.body.title).toBe('Zero-emission construction sites');
    expect(after.body.detailsVersion).toBe(2);
    expect((await leadSession.get(`/api/statements/${statementId}/audit`)).body.events.length).toBe(auditBefore);
  });

  it('cancels with a reason and tells everyone still involved', async () => {
    const res = await leadSession.post(`/api/statements/${statementId}/cancel`, {
      reason: 'Merged into the Nordic statement',
    });
    expect(res.status).toBe(200);
    expect(res.body.stage).toBe('cancelled');
    expect(res.body.cancelReason).toBe('Merged into the Nordic statement');
    await h.mail.waitFor((m) =>
      m.some((x) => x.to.includes(oslo.user.email.toLowerCase()) && x.subject.includes('cancelled')),
    );
    const again = await leadSession.post(`/api/statements/${statementId}/cancel`, { reason: 'Once more' });
    expect(again.status).toBe(409);
    // The workflow ends with the statement.
    const handle = h.temporal.workflow.getHandle(`statement-${statementId}`);
    // The reason itself stays in PostgreSQL: the workflow's result (in its history) holds its id and hash.
    expect(await handle.result()).toEqual({
      stage: 'cancelled',
      reason: {
        textId: expect.any(String),
        textHash: createHash('sha256').update('Merged into the Nordic statement').digest('hex'),
      },
    });
  });

  it('keeps an audit trail whose hash chain verifies, and detects tampering', async () => {
    const log = await leadSession.get(`/api/statements/${statementId}/audit?order=asc`);
    expect(log.status).toBe(200);
    expect(log.body.events.map((e: any) => e.action)).toEqual([
      'statement_created',
      'statement_edited',
      'buyers_invited',
      'invitation_answered',
      'invitation_answered',
      'stage_changed',
      'stage_changed',
    ]);
    expect(log.body.events.every((e: any) => e.actorUserId)).toBe(true);
    expect(log.body.verification).toEqual({ valid: true, events: 7, problem: null });

    // The table refuses changes outright...
    await expect(
      sql`update audit_events set data = '{"title":"forged"}' where statement_id = ${statementId} and seq = 2`.execute(
        h.db,
      ),
    ).rejects.toThrow(/append-only/);
    // ...and someone who bypasses that (a superuser disabling the trigger) is still caught.
    await sql`alter table audit_events disable trigger audit_events_no_change`.execute(h.db);
    try {
      await sql`update audit_events set data = '{"title":"forged"}' where statement_id = ${statementId} and seq = 2`.execute(
        h.db,
      );
    } finally {
      await sql`alter table audit_events enable trigger audit_events_no_change`.execute(h.db);
    }
    const verification = await verifyAuditChain(h.db, statementId);
    expect(verification.valid).toBe(false);
    expect(verification.problem).toEqual({ seq: 2, issue: 'the event was altered after it was written' });
    const viaApi = await leadSession.get(`/api/statements/${statementId}/audit`);
    expect(viaApi.body.verification.valid).toBe(false);
  });
});
