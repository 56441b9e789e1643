import { randomUUID } from 'node:crypto';

import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { createMailActivities } from '../activities/mail-activities.js';
import { createStatementActivities } from '../activities/statement-activities.js';
import { enqueueMessages } from '../db/outbox.js';
import { loadLpSolver } from '../platform/lp-solver.js';
import { type Harness, makeActor, needLine, startHarness, statementDetails, until } from './support/harness.js';
import { statementWithSurveyOpen } from './support/needs-survey.js';

describe('nothing doubled: retried requests, retried activities, repeated deliveries', () => {
  let h: Harness;
  let lead: Awaited<ReturnType<typeof makeActor>>;

  beforeAll(async () => {
    h = await startHarness();
    lead = await makeActor(h, { kind: 'buyer', country: 'PT' });
  });
  afterAll(async () => h?.close());

  it('creates one statement for a retried POST with the same Idempotency-Key', async () => {
    const key = `create-${Date.now()}`;
    const [a, b] = await Promise.all([
      lead.api.post('/api/statements', statementDetails(), { 'idempotency-key': key }),
      lead.api.post('/api/statements', statementDetails(), { 'idempotency-key': key }),
    ]);
    expect([a.status, b.status]).toEqual([201, 201]);
    expect(a.body.id).toBe(b.body.id);
    // A retry long after the first answers the same way.
    const c = await lead.api.post('/api/statements', statementDetails(), { 'idempotency-key': key });
    expect(c.status).toBe(201);
    expect(c.body.id).toBe(a.body.id);
    // The same key for a different statement is a client mistake, refused and naming the header.
    const d = await lead.api.post('/api/statements', statementDetails({ title: 'Something else' }), {
      'idempotency-key': key,
    });
    expect(d.status).toBe(422);
    expect(d.body.errors).toEqual([{ field: 'Idempotency-Key', rule: 'must not be reused for a different request' }]);
    const rows = await h.db
      .selectFrom('statements')
      .select(['id', 'title'])
      .where('lead_org_id', '=', lead.org.id)
      .execute();
    expect(rows).toEqual([{ id: a.body.id, title: statementDetails().title }]);
  });

  it('scopes a key to the caller organisation: another organisation reusing it performs its own action', async () => {
    const statementId = (await lead.api.post('/api/statements', statementDetails())).body.id as string;
    const oslo = await makeActor(h, { kind: 'buyer', country: 'NO' });
    const bergen = await makeActor(h, { kind: 'buyer', country: 'NO' });
    expect(
      (
        await lead.api.post(`/api/statements/${statementId}/invitations`, {
          organisationIds: [oslo.org.id, bergen.org.id],
        })
      ).status,
    ).toBe(200);
    const key = `shared-${Date.now()}`;
    expect(
      (await oslo.api.post(`/api/statements/${statementId}/invitation/accept`, undefined, { 'idempotency-key': key }))
        .status,
    ).toBe(200);
    // The same key from another organisation is that organisation's own request: it joins too.
    expect(
      (await bergen.api.post(`/api/statements/${statementId}/invitation/accept`, undefined, { 'idempotency-key': key }))
        .status,
    ).toBe(200);
    const statuses = await h.db
      .selectFrom('participants')
      .select(['organisation_id', 'status'])
      .where('statement_id', '=', statementId)
      .execute();
    expect(statuses.find((p) => p.organisation_id === bergen.org.id)?.status).toBe('joined');
    expect(statuses.find((p) => p.organisation_id === oslo.org.id)?.status).toBe('joined');
  });

  it('refuses a key reused by the same organisation for a different request (422 naming the header)', async () => {
    const statementId = (await lead.api.post('/api/statements', statementDetails())).body.id as string;
    const riga = await makeActor(h, { kind: 'buyer', country: 'LV' });
    expect(
      (await lead.api.post(`/api/statements/${statementId}/invitations`, { organisationIds: [riga.org.id] })).status,
    ).toBe(200);
    const key = `reused-${Date.now()}`;
    expect(
      (await riga.api.post(`/api/statements/${statementId}/invitation/accept`, undefined, { 'idempotency-key': key }))
        .status,
    ).toBe(200);
    // A retry of the same request answers like the first.
    expect(
      (await riga.api.post(`/api/statements/${statementId}/invitation/accept`, undefined, { 'idempotency-key': key }))
        .status,
    ).toBe(200);
    const other = await riga.api.post(
      `/api/statements/${statementId}/invitation/decline`,
      { reason: 'changed our mind' },
      { 'idempotency-key': key },
    );
    expect(other.status).toBe(422);
    expect(other.body.errors).toEqual([
      { field: 'Idempotency-Key', rule: 'must not be reused for a different request' },
    ]);
  });

  it('keeps no claim on the key of a refused buyer action: the corrected request with that key is carried out once', async () => {
    const tallinn = await makeActor(h, { kind: 'buyer', country: 'EE' });
    const statementId = await statementWithSurveyOpen(lead, [tallinn], []);
    const saved = await tallinn.api.put(`/api/statements/${statementId}/needs/draft`, {
      lines: [needLine({ quantity: '4' })],
      answers: {},
    });
    expect(saved.body.problems).toEqual([]);
    const submitted = await tallinn.api.post(`/api/statements/${statementId}/needs/submit`);
    expect(submitted.status).toBe(200);
    const versionId = submitted.body.versionId as string;
    expect((await lead.api.post(`/api/statements/${statementId}/close-stage`)).body.stage).toBe('confirmation');
    const key = `corrected-${Date.now()}`;
    const confirm = (version: string) =>
      tallinn.api.post(
        `/api/statements/${statementId}/needs/confirm`,
        { versionId: version },
        { 'idempotency-key': key },
      );
    // Refused (another version than the one submitted): nothing is recorded, so nothing holds the key.
    const refused = await confirm(randomUUID());
    expect(refused.status).toBe(409);
    expect(refused.body.errors).toEqual([
      { field: 'versionId', rule: 'must be the latest submitted version of your needs' },
    ]);
    // The same key, the request corrected: carried out (it was a 422 while refusals kept their claim).
    const corrected = await confirm(versionId);
    expect(corrected.status).toBe(200);
    expect(corrected.body.status).toBe('confirmed');
    // Its retry answers the same and records nothing again; the refused request, sent again, is now the reuse.
    expect((await confirm(versionId)).status).toBe(200);
    const reused = await confirm(randomUUID());
    expect(reused.status).toBe(422);
    expect(reused.body.errors).toEqual([
      { field: 'Idempotency-Key', rule: 'must not be reused for a different request' },
    ]);
    const confirmations = await h.db
      .selectFrom('audit_events')
      .select('id')
      .where('chain', '=', statementId)
      .where('action', '=', 'needs_confirmed')
      .execute();
    expect(confirmations).toHaveLength(1);
  });

  it('records an event once when its activity is retried', async () => {
    const statementId = (await lead.api.post('/api/statements', statementDetails())).body.id as string;
    const invitee = await makeActor(h, { kind: 'buyer', country: 'ES' });
    const activities = createStatementActivities({ db: h.db, publicUrl: h.baseUrl, solver: await loadLpSolver() });
    const event = {
      kind: 'buyers_invited' as const,
      orgIds: [invitee.org.id],
      eventKey: `retry-test-${Date.now()}`,
      statementId,
      actor: { userId: lead.user.id, orgId: lead.org.id },
      at: new Date().toISOString(),
    };
    const first = await activities.recordStatementEvent(event);
    const second = await activities.recordStatementEvent(event);
    // An invitation answers with whom it invited (ids), the retry with what was recorded the first time.
    expect(first).toEqual({ duplicate: false, mailQueued: 1, invited: event.orgIds });
    expect(second).toEqual({ duplicate: true, mailQueued: 0, invited: event.orgIds });
    const audit = await h.db
      .selectFrom('audit_events')
      .select('id')
      .where('chain', '=', statementId)
      .where('action', '=', 'buyers_invited')
      .execute();
    expect(audit).toHaveLength(1);
    const mail = await h.db
      .selectFrom('outbox')
      .select('id')
      .where('statement_id', '=', statementId)
      .where('key', 'like', 'invitation:%')
      .execute();
    expect(mail).toHaveLength(1);
  });

  it('queues a message once per business key and sends it once however often delivery runs', async () => {
    const key = `test-message:${Date.now()}`;
    const to = `once-${Date.now()}@test.example`;
    const message = {
      key,
      statementId: null,
      recipientUserId: null,
      to,
      locale: 'en',
      subject: 'Once only',
      text: 'Hello',
    };
    expect(await enqueueMessages(h.db, [message])).toBe(1);
    expect(await enqueueMessages(h.db, [message])).toBe(0);
    const delivery = createMailActivities({ db: h.db, mailer: h.mailer });
    const row = await h.db.selectFrom('outbox').select('id').where('key', '=', key).executeTakeFirstOrThrow();
    const results = await Promise.all([
      delivery.deliverOutboxMessages({ messageIds: [row.id] }),
      delivery.deliverOutboxMessages({ messageIds: [row.id] }),
      delivery.deliverOutboxMessages({ messageIds: [row.id] }),
    ]);
    expect(results.reduce((n, r) => n + r.sent, 0)).toBe(1);
    await until(
      async () => h.mail.messages.filter((m) => m.to.includes(to)).length,
      (n) => n >= 1,
    );
    await new Promise((r) => setTimeout(r, 500));
    expect(h.mail.messages.filter((m) => m.to.includes(to))).toHaveLength(1);
    expect((await delivery.deliverOutboxMessages({ messageIds: [row.id] })).sent).toBe(0);
  });

  it('keeps a message for later when the relay is down, and sends it once it is back', async () => {
    const key = `test-relay-down:${Date.now()}`;
    const to = `relay-${Date.now()}@test.example`;
    await enqueueMessages(h.db, [
      { key, statementId: null, recipientUserId: null, to, locale: 'en', subject: 'Eventually', text: 'Hello' },
    ]);
    const row = await h.db.selectFrom('outbox').select('id').where('key', '=', key).executeTakeFirstOrThrow();
    const { createSmtpMailer } = await import('../mail/mailer.js');
    const deadRelay = createSmtpMailer('smtp://127.0.0.1:1', 'x <x@test.example>', { pool: false });
    await expect(
      createMailActivities({ db: h.db, mailer: deadRelay }).deliverOutboxMessages({ messageIds: [row.id] }),
    ).rejects.toThrow(/could not be sent yet/);
    const parked = await h.db
      .selectFrom('outbox')
      .select(['status', 'attempts', 'last_error'])
      .where('id', '=', row.id)
      .executeTakeFirstOrThrow();
    expect(parked.status).toBe('pending');
    expect(parked.attempts).toBe(1);
    expect(parked.last_error).toBeTruthy();
    expect(
      (await createMailActivities({ db: h.db, mailer: h.mailer }).deliverOutboxMessages({ messageIds: [row.id] })).sent,
    ).toBe(1);
    await h.mail.waitFor((m) => m.some((x) => x.to.includes(to)));
  });
});
