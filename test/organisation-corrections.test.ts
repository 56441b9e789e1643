import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { type Harness, makeActor, needLine, startHarness, statementDetails, until } from './support/harness.js';

type Actor = Awaited<ReturnType<typeof makeActor>>;

/**
 * Issue 17 point 10: an organisation registered with the wrong buyer legal type or country is
 * corrected by an administrator, with a reason and an audit entry; the running statement that
 * counted it has its checks run again (threshold 140,000 → 216,000, countries 3 → 2) and its lead
 * is told once, however often the request is retried.
 */
describe('correcting an organisation after registration', () => {
  let h: Harness;
  let admin: Actor;
  let supplier: Actor;
  let lead: Actor;
  let oslo: Actor;
  let copenhagen: Actor;
  let id: string;

  const live = (a: Actor) => a.api.get(`/api/statements/${id}/live`);
  const mailTo = (a: Actor, subject: RegExp) =>
    h.mail.messages.filter((m) => m.to.includes(a.user.email.toLowerCase()) && subject.test(m.subject));
  const ok = <T extends { status: number; body: unknown }>(res: T): T => {
    expect(res.status, JSON.stringify(res.body)).toBeLessThan(300);
    return res;
  };
  const supplies = (a: {
    thresholds: { natures: { nature: string; thresholdEur: string; setBy: { orgId: string } }[] };
  }) => a.thresholds.natures.find((n) => n.nature === 'supplies')!;
  const snapshots = async () =>
    Number(
      (
        await h.db
          .selectFrom('aggregate_snapshots')
          .select((eb) => eb.fn.countAll<string>().as('n'))
          .where('statement_id', '=', id)
          .executeTakeFirstOrThrow()
      ).n,
    );

  beforeAll(async () => {
    h = await startHarness();
    admin = await makeActor(h, { kind: 'operator', country: 'BE' }, { label: 'admin', isAdmin: true });
    supplier = await makeActor(h, { kind: 'supplier', country: 'DE' }, { label: 'supplier' });
    lead = await makeActor(
      h,
      { kind: 'buyer', name: 'Helsinki', country: 'FI' },
      { label: 'lead', roles: ['signatory'] },
    );
    // Registered as a central government authority by mistake: its supplies threshold is 140,000.
    oslo = await makeActor(h, { kind: 'buyer', name: 'Oslo', country: 'NO', buyerLegalType: 'cga' }, { label: 'oslo' });
    // Registered in Denmark by mistake: it is a Finnish city, so the statement spans two countries, not three.
    copenhagen = await makeActor(h, { kind: 'buyer', name: 'Vantaa', country: 'DK' }, { label: 'vantaa' });

    id = ok(
      await lead.api.post(
        '/api/statements',
        statementDetails({ criticalMass: { minBuyers: 3, minCountries: 3, minTotalValueEur: '1000000' } }),
      ),
    ).body.id as string;
    ok(await lead.api.post(`/api/statements/${id}/invitations`, { organisationIds: [oslo.org.id, copenhagen.org.id] }));
    for (const b of [oslo, copenhagen]) ok(await b.api.post(`/api/statements/${id}/invitation/accept`));
    ok(await lead.api.post(`/api/statements/${id}/needs-assessment/open`));
    const versions: [Actor, string][] = [];
    for (const b of [lead, oslo, copenhagen]) {
      ok(await b.api.put(`/api/statements/${id}/needs/draft`, { lines: [needLine({ quantity: '1' })], answers: {} }));
      versions.push([b, ok(await b.api.post(`/api/statements/${id}/needs/submit`)).body.versionId as string]);
    }
    ok(await lead.api.post(`/api/statements/${id}/close-stage`));
    for (const [b, versionId] of versions) ok(await b.api.post(`/api/statements/${id}/needs/confirm`, { versionId }));
    await until(
      () => live(lead),
      (r) => r.body.stage === 'market_engagement',
      60_000,
      'market engagement',
    );
  }, 120_000);
  afterAll(async () => h?.close());

  it('counts the organisation as registered: Oslo sets the central threshold, three countries', async () => {
    const a = ok(await lead.api.get(`/api/statements/${id}/aggregate`)).body;
    expect(Number(supplies(a).thresholdEur)).toBe(140_000);
    expect(supplies(a).setBy).toMatchObject({ orgId: oslo.org.id });
    expect(a.aggregate.totals.countries).toBe(3);
    expect(a.criticalMass.met).toBe(true);
  });

  it('lets only administrators read or correct an organisation: 403 for its own buyer, another buyer and a supplier', async () => {
    const body = { buyerLegalType: 'la', reason: 'Oslo is a municipality' };
    for (const a of [oslo, lead, supplier]) {
      expect((await a.api.get(`/api/admin/organisations/${oslo.org.id}`)).status).toBe(403);
      expect((await a.api.patch(`/api/admin/organisations/${oslo.org.id}`, body)).status).toBe(403);
    }
    const read = ok(await admin.api.get(`/api/admin/organisations/${oslo.org.id}`)).body;
    expect(read.organisation).toMatchObject({ id: oslo.org.id, buyerLegalType: 'cga', country: 'NO' });
    expect(read.users.map((u: { email: string }) => u.email)).toEqual([oslo.user.email]);
    expect(read.runningStatements).toEqual([
      { statementId: id, title: expect.any(String), stage: 'market_engagement' },
    ]);
    expect(read.corrections).toEqual([]);
  });

  it('refuses a correction without a reason (400 naming it), an unknown legal type, and one that changes nothing', async () => {
    const noReason = await admin.api.patch(`/api/admin/organisations/${oslo.org.id}`, { buyerLegalType: 'la' });
    expect(noReason.status).toBe(400);
    expect(noReason.body.errors).toEqual([{ field: 'reason', rule: 'is required' }]);
    const unknown = await admin.api.patch(`/api/admin/organisations/${oslo.org.id}`, {
      buyerLegalType: 'city',
      reason: 'x',
    });
    expect(unknown.status).toBe(400);
    expect(unknown.body.errors.map((e: { field: string }) => e.field)).toEqual(['buyerLegalType']);
    const same = await admin.api.patch(`/api/admin/organisations/${oslo.org.id}`, {
      buyerLegalType: 'cga',
      reason: 'x',
    });
    expect(same.status).toBe(422);
    expect(same.body.errors[0].field).toBe('body');
    const abroad = await admin.api.patch(`/api/admin/organisations/${oslo.org.id}`, { country: 'US', reason: 'x' });
    expect(abroad.status).toBe(422);
    expect(abroad.body.errors[0].field).toBe('country');
    expect(await snapshots()).toBe(1);
  });

  it('corrects the legal type: the checks run again (216,000), the lead is told once, a retry changes nothing twice', async () => {
    const body = {
      buyerLegalType: 'la',
      reason: 'Oslo kommune is a municipality, registered as a ministry by mistake',
    };
    const headers = { 'Idempotency-Key': 'correct-oslo-1' };
    const res = ok(await admin.api.patch(`/api/admin/organisations/${oslo.org.id}`, body, headers));
    expect(res.body.organisation).toMatchObject({ buyerLegalType: 'la' });
    expect(res.body.changes).toEqual([{ field: 'buyerLegalType', from: 'cga', to: 'la' }]);
    expect(res.body.statements).toEqual([
      expect.objectContaining({
        statementId: id,
        stage: 'market_engagement',
        criticalMassMet: { before: true, after: true },
        countries: { before: 3, after: 3 },
      }),
    ]);
    const threshold = res.body.statements[0].thresholds.find((t: { nature: string }) => t.nature === 'supplies');
    expect([Number(threshold.before), Number(threshold.after)]).toEqual([140_000, 216_000]);
    const a = ok(await lead.api.get(`/api/statements/${id}/aggregate`)).body;
    expect(a.snapshotId).toBe(res.body.statements[0].snapshotId);
    expect(Number(supplies(a).thresholdEur)).toBe(216_000);
    expect(a.round).toBe(1);

    const again = ok(await admin.api.patch(`/api/admin/organisations/${oslo.org.id}`, body, headers));
    expect(again.body).toEqual(res.body);
    expect(await snapshots()).toBe(2);
    const reused = await admin.api.patch(
      `/api/admin/organisations/${oslo.org.id}`,
      { ...body, name: 'Oslo kommune' },
      headers,
    );
    expect(reused.status).toBe(422);

    await h.mail
      .waitFor(() => mailTo(lead, /^Oslo was corrected/).length === 1)
      .catch((e: unknown) => {
        throw new Error(`${String(e)}: ${JSON.stringify(h.mail.messages.map((m) => [m.to, m.subject]))}`);
      });
    const [mail] = mailTo(lead, /^Oslo was corrected/);
    expect(mail!.text).toContain('buyer legal type: cga → la');
    expect(mail!.text).toContain(body.reason);
    expect(mail!.text).toMatch(/EU threshold for supplies: €?216,000/);
    await new Promise((r) => setTimeout(r, 1500));
    expect(mailTo(lead, /was corrected/)).toHaveLength(1);
    // The other participants are not written to: the lead runs the procurement.
    expect(mailTo(oslo, /was corrected/)).toHaveLength(0);
  });

  it('corrects the country: the countries counted fall to two and critical mass is no longer met', async () => {
    const res = ok(
      await admin.api.patch(`/api/admin/organisations/${copenhagen.org.id}`, {
        country: 'fi',
        reason: 'Vantaa is in Finland',
      }),
    );
    expect(res.body.statements[0]).toMatchObject({
      criticalMassMet: { before: true, after: false },
      countries: { before: 3, after: 2 },
    });
    const a = ok(await lead.api.get(`/api/statements/${id}/aggregate`)).body;
    expect(a.aggregate.totals.countries).toBe(2);
    expect(a.criticalMass.met).toBe(false);
    await h.mail.waitFor(() => mailTo(lead, /^Vantaa was corrected/).length === 1);
  });

  it('keeps each correction on the audit chain with its reason, and on the statement’s own chain', async () => {
    const read = ok(await admin.api.get(`/api/admin/organisations/${oslo.org.id}`)).body;
    expect(read.corrections).toEqual([
      expect.objectContaining({
        byUserId: admin.user.id,
        changes: [{ field: 'buyerLegalType', from: 'cga', to: 'la' }],
        reason: expect.stringContaining('registered as a ministry by mistake'),
        statementsRerun: 1,
      }),
    ]);
    const platform = await h.db
      .selectFrom('audit_events')
      .select(['action', 'data'])
      .where('chain', '=', 'platform')
      .where('action', '=', 'organisation_corrected')
      // This file's two (Oslo's legal type, Vantaa's country): other test files correct organisations of their own on the same chain.
      .where(sql<string>`data->>'organisationId'`, 'in', [oslo.org.id, copenhagen.org.id])
      .execute();
    expect(platform).toHaveLength(2);
    const onStatement = await h.db
      .selectFrom('audit_events')
      .select(['action', 'actor_user_id'])
      .where('chain', '=', id)
      .where('action', '=', 'organisation_corrected')
      .execute();
    expect(onStatement).toEqual([
      { action: 'organisation_corrected', actor_user_id: admin.user.id },
      { action: 'organisation_corrected', actor_user_id: admin.user.id },
    ]);
  });

  it('corrects a user of the organisation: administrators only, with a reason, once per Idempotency-Key', async () => {
    const path = `/api/admin/users/${oslo.user.id}`;
    const body = { roles: ['signatory'], locale: 'fr', reason: 'Kari signs for Oslo kommune and reads French' };
    for (const a of [oslo, lead, supplier]) expect((await a.api.patch(path, body)).status).toBe(403);
    const noReason = await admin.api.patch(path, { roles: ['signatory'] });
    expect(noReason.status).toBe(400);
    expect(noReason.body.errors).toEqual([{ field: 'reason', rule: 'is required' }]);
    const headers = { 'Idempotency-Key': 'correct-kari-1' };
    const res = ok(await admin.api.patch(path, body, headers));
    expect(res.body.changes).toEqual([
      { field: 'locale', from: 'en', to: 'fr' },
      { field: 'roles', from: [], to: ['signatory'] },
    ]);
    expect(res.body.user.roles).toEqual(['signatory']);
    expect(ok(await admin.api.patch(path, body, headers)).body.changes).toEqual(res.body.changes);
    expect((await admin.api.patch(path, body)).status).toBe(422);
    const audit = await h.db
      .selectFrom('audit_events')
      .select('data')
      .where('chain', '=', 'platform')
      .where('action', '=', 'user_corrected')
      .where(sql<string>`data->>'userId'`, '=', oslo.user.id)
      .execute();
    expect(audit.map((a) => (a.data as { reason: string }).reason)).toEqual([body.reason]);
  });
});
