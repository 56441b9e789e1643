import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { confirmedNeedsOf } from '../db/publication.js';
import { commonCurrencies } from '../rules/currencies.js';
import { rateProblemOf } from '../rules/exchange-rates.js';
import { seedDemoData } from '../services/demo/seed-demo-data.js';
import { auditDisclosure, type AuditedVersion, type AuditViewer, describeLeak } from './support/disclosure-auditor.js';
import { ApiClient, type Harness, signIn, startHarness, until } from './support/harness.js';

/**
 * The demo data `npm start` loads, on the real workflow: one statement in draft with invitations,
 * and one whose three buyers have confirmed their needs, so that the market consultation opens on
 * its own and the public pages have something to show. Loading it again changes nothing.
 */
describe('the demo data', () => {
  let h: Harness;
  const anonymous = () => new ApiClient(h.baseUrl);

  beforeAll(async () => {
    // Its organisations have fixed addresses: a database of its own.
    h = await startHarness({ freshDatabase: true });
  });

  afterAll(async () => {
    await h?.close();
  });

  it('opens a market consultation that anyone can read, naming only the buyer that agreed', async () => {
    const first = await seedDemoData(h.ctx);
    expect(first.created).toBe(true);
    const open = await until(
      () => anonymous().get('/api/consultations'),
      (r) => r.status === 200 && r.body.length === 1,
      90_000,
      'the demo consultation to open',
    );
    const [summary] = open.body as { statementId: string; title: string }[];
    expect(summary!.title).toBe('Zero-emission wheel loaders');
    const consultation = (await anonymous().get(`/api/consultations/${summary!.statementId}`)).body;
    expect(consultation.requestForInformation.map((q: { id: string }) => q.id)).toEqual(['lead-time', 'charging']);
    expect(consultation.demand.totals).toMatchObject({ buyers: 3, countries: 3, valueEur: '3780000.00' });
    expect(consultation.demand.buyers).toEqual([{ name: 'City of Oslo', country: 'NO' }]);
  });

  it('gives the auditor nothing to narrow down: what participants and Commission staff read of the demo aggregate hides every buyer', async () => {
    const [summary] = (await anonymous().get('/api/consultations')).body as { statementId: string }[];
    const id = summary!.statementId;
    const participants = await h.db
      .selectFrom('participants')
      .select('organisation_id')
      .where('statement_id', '=', id)
      .execute();
    const needs = await confirmedNeedsOf(
      h.db,
      id,
      participants.map((p) => p.organisation_id),
    );
    const buyers = [...new Set(needs.map((n) => n.buyer.orgId))];
    expect(buyers.length).toBe(3);
    // The demo's own e-mails first, so the sign-in below reads its link, not one of them.
    await until(
      () => h.db.selectFrom('outbox').select('id').where('status', 'in', ['pending', 'sending']).execute(),
      (pending) => pending.length === 0,
      60_000,
      'the demo e-mails to go out',
    );
    const versions: AuditedVersion[] = [];
    for (const email of ['buyer@oslo.example', 'staff@commission.example']) {
      const res = await (await signIn(h, email)).get(`/api/statements/${id}/aggregate`);
      expect(res.status).toBe(200);
      expect(res.body.aggregate.complete).toBe(false);
      const { conversion } = res.body.aggregate;
      versions.push({
        label: email,
        needs,
        rates: { date: conversion.date, source: conversion.source, rates: conversion.rates },
        aggregate: res.body.aggregate,
        thresholds: res.body.thresholds,
        criticalMass: res.body.criticalMass,
      });
    }
    // Both read the same protected view, and every buyer (or an outsider) reads at most that.
    expect(versions[1]!.aggregate).toEqual(versions[0]!.aggregate);
    const viewers: AuditViewer[] = ['outsider', ...buyers.map((participant) => ({ participant }))];
    const report = await auditDisclosure({ versions: [versions[0]!], viewers });
    expect(report.audited.length).toBeGreaterThan(0);
    expect(report.leaks.map(describeLeak)).toEqual([]);
  });

  it('changes nothing when loaded again', async () => {
    const count = async () =>
      Number(
        (
          await h.db
            .selectFrom('statements')
            .select((eb) => eb.fn.countAll().as('n'))
            .executeTakeFirstOrThrow()
        ).n,
      );
    const before = await count();
    expect(before).toBe(2);
    const again = await seedDemoData(h.ctx);
    expect(again.created).toBe(false);
    expect(await count()).toBe(before);
  });

  it('has a rate for every currency a buyer is offered first, recorded once however often it is loaded (issue 18)', async () => {
    const coverage = (await (await signIn(h, 'buyer@oslo.example')).get('/api/exchange-rates/coverage')).body;
    expect(coverage.table.date).toBe(new Date().toISOString().slice(0, 10));
    for (const currency of commonCurrencies) expect(rateProblemOf(currency, coverage), currency).toBeUndefined();
    const rateEvents = () =>
      h.db.selectFrom('audit_events').select('seq').where('action', 'like', 'exchange_rates_%').execute();
    const before = (await rateEvents()).length;
    expect(before).toBe(1);
    await seedDemoData(h.ctx);
    expect((await rateEvents()).length).toBe(before);
  });
});
