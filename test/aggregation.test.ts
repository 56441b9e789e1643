import { parse } from 'csv-parse/sync';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { type Harness, makeActor, needLine, startHarness, statementDetails, until } from './support/harness.js';

type Actor = Awaited<ReturnType<typeof makeActor>>;

/**
 * Aggregation and its two outcomes on the real services: critical mass met (after a missing
 * exchange rate blocked it and was added), and a shortfall that is extended until the mass is
 * met, abandoned, or proceeded with.
 */
describe('aggregation and threshold checks, end to end', () => {
  let h: Harness;
  let admin: Actor;
  let commission: Actor;
  let supplier: Actor;

  const live = (a: Actor, id: string) => a.api.get(`/api/statements/${id}/live`);
  const stageOf = async (a: Actor, id: string) => (await live(a, id)).body.stage as string;
  const waitForStage = (a: Actor, id: string, stage: string) =>
    until(
      () => live(a, id),
      (r) => r.body.stage === stage,
      60_000,
      `stage ${stage}`,
    );
  const mailTo = (a: Actor, subject: RegExp) =>
    h.mail.messages.filter((m) => m.to.includes(a.user.email.toLowerCase()) && subject.test(m.subject));

  /** Expects a 2xx answer, showing the problem if there is none. */
  const ok = <T extends { status: number; body: unknown }>(res: T): T => {
    expect(res.status, JSON.stringify(res.body)).toBeLessThan(300);
    return res;
  };

  /** A statement whose lead and `buyers` have joined and whose needs assessment is open. */
  async function openStatement(lead: Actor, buyers: Actor[], criticalMass: Record<string, unknown>) {
    const id = (await lead.api.post('/api/statements', statementDetails({ criticalMass }))).body.id as string;
    if (buyers.length > 0)
      ok(await lead.api.post(`/api/statements/${id}/invitations`, { organisationIds: buyers.map((b) => b.org.id) }));
    for (const b of buyers) ok(await b.api.post(`/api/statements/${id}/invitation/accept`));
    ok(await lead.api.post(`/api/statements/${id}/needs-assessment/open`));
    return id;
  }

  async function submit(a: Actor, id: string, lines: Record<string, unknown>[]) {
    ok(await a.api.put(`/api/statements/${id}/needs/draft`, { lines, answers: {} }));
    const submitted = ok(await a.api.post(`/api/statements/${id}/needs/submit`));
    return submitted.body.versionId as string;
  }

  async function confirm(a: Actor, id: string, versionId: string) {
    ok(await a.api.post(`/api/statements/${id}/needs/confirm`, { versionId }));
  }

  beforeAll(async () => {
    h = await startHarness();
    admin = await makeActor(h, { kind: 'operator', country: 'BE' }, { label: 'admin', isAdmin: true });
    commission = await makeActor(h, { kind: 'commission', country: 'BE' }, { label: 'commission' });
    supplier = await makeActor(h, { kind: 'supplier', country: 'DE' }, { label: 'supplier' });
  });
  afterAll(async () => h?.close());

  describe('critical mass met', () => {
    let lead: Actor;
    let oslo: Actor;
    let copenhagen: Actor;
    let declined: Actor;
    let id: string;

    it('blocks on a missing exchange rate, naming the currency, and tells the lead', async () => {
      lead = await makeActor(h, { kind: 'buyer', name: 'Helsinki', country: 'FI' }, { label: 'lead-met' });
      oslo = await makeActor(h, { kind: 'buyer', name: 'Oslo', country: 'NO' }, { label: 'oslo-met' });
      copenhagen = await makeActor(
        h,
        { kind: 'buyer', name: 'Copenhagen', country: 'DK', buyerLegalType: 'cga' },
        { label: 'cph-met' },
      );
      declined = await makeActor(h, { kind: 'buyer', name: 'Tallinn', country: 'EE' }, { label: 'tallinn-met' });
      id = (
        await lead.api.post(
          '/api/statements',
          statementDetails({ criticalMass: { minBuyers: 3, minCountries: 3, minTotalValueEur: '2000000' } }),
        )
      ).body.id;
      await lead.api.post(`/api/statements/${id}/invitations`, {
        organisationIds: [oslo.org.id, copenhagen.org.id, declined.org.id],
      });
      for (const b of [oslo, copenhagen]) await b.api.post(`/api/statements/${id}/invitation/accept`);
      await declined.api.post(`/api/statements/${id}/invitation/decline`, { reason: 'no budget' });
      await lead.api.post(`/api/statements/${id}/needs-assessment/open`);

      // A currency the latest rate table has no rate for is refused at once, naming the line's field.
      const daysAgo = (n: number) => new Date(Date.now() - n * 86_400_000).toISOString().slice(0, 10);
      ok(
        await oslo.api.put(`/api/statements/${id}/needs/draft`, {
          lines: [needLine({ currency: 'NOK' })],
          answers: {},
        }),
      );
      const noRate = await oslo.api.post(`/api/statements/${id}/needs/submit`);
      expect(noRate.status).toBe(422);
      expect(noRate.body.errors).toContainEqual(
        expect.objectContaining({
          field: 'lines[0].currency',
          code: 'rate_missing',
          values: expect.objectContaining({ currency: 'NOK' }),
        }),
      );
      // NOK had a rate when Oslo estimated (too old by now, which is not Oslo's to fix: accepted) …
      ok(
        await admin.api.put(`/api/exchange-rates/${daysAgo(40)}`, {
          source: 'ECB reference rates',
          rates: { NOK: '11.2' },
        }),
      );
      const versions = [
        await submit(lead, id, [needLine({ quantity: '2', unitPrice: '450000' })]),
        // 5 × 5,000,000 NOK: the rate must exist before this can be counted.
        await submit(oslo, id, [needLine({ quantity: '5', unitPrice: '5000000', currency: 'NOK' })]),
        await submit(copenhagen, id, [
          needLine({ cpvCode: '34144900', unit: 'C62', quantity: '1', unitPrice: '300000' }),
        ]),
      ];
      // … and the table after it has none (the ECB stopped publishing it, say): the aggregation cannot convert NOK.
      ok(
        await admin.api.put(`/api/exchange-rates/${daysAgo(35)}`, {
          source: 'ECB reference rates',
          rates: { SEK: '11.1' },
        }),
      );
      expect((await lead.api.post(`/api/statements/${id}/close-stage`)).status).toBe(200);
      await confirm(lead, id, versions[0]!);
      await confirm(oslo, id, versions[1]!);
      await confirm(copenhagen, id, versions[2]!);

      const blocked = await until(
        () => live(lead, id),
        (r) => r.body.aggregationBlocked !== null,
        60_000,
        'aggregation blocked',
      );
      expect(blocked.body.stage).toBe('aggregation');
      expect(blocked.body.aggregationBlocked.problems).toEqual([
        {
          field: 'rates.NOK',
          rule: expect.stringContaining('NOK'),
          code: 'rate_missing',
          values: { currency: 'NOK', tableDate: daysAgo(35) },
        },
      ]);
      await h.mail.waitFor(() => mailTo(lead, /needs your attention/).length === 1);
      // In the lead's language (English here), naming the currency and what the administrator does.
      const mail = mailTo(lead, /needs your attention/)[0]!.text;
      expect(mail).toContain('some amounts cannot be converted to euros.');
      expect(mail).toMatch(/- NOK: there is no exchange rate in the rate table of [^\n]*\d{4}\./);
      expect(mail).toContain('npm run import-rates');
      expect(mail).not.toContain('rates.NOK');
      // Nothing to read yet: no snapshot was stored for the failed attempt.
      expect((await lead.api.get(`/api/statements/${id}/aggregate`)).status).toBe(404);
    });

    it('blocks again on a rate older than the age limit, naming the currency, its date and the limit', async () => {
      const old = new Date(Date.now() - 30 * 86_400_000).toISOString().slice(0, 10);
      const stale = { source: 'ECB reference rates, a month old', rates: { NOK: '11.4' } };
      expect((await admin.api.put(`/api/exchange-rates/${old}`, stale)).status).toBe(201);
      const before = (await live(lead, id)).body.aggregationBlocked;
      expect((await lead.api.post(`/api/statements/${id}/aggregate/retry`)).status).toBe(202);
      const blocked = await until(
        () => live(lead, id),
        (r) => r.body.aggregationBlocked !== null && r.body.aggregationBlocked.message !== before.message,
        60_000,
        'aggregation blocked by the stale rate',
      );
      expect(blocked.body.stage).toBe('aggregation');
      expect(blocked.body.aggregationBlocked.message).toBe('The rates for NOK are too old');
      const [problem] = blocked.body.aggregationBlocked.problems;
      expect(problem.field).toBe('rates.NOK');
      expect(problem.rule).toContain(`the rate for NOK is from the rate table of ${old}, 30 days before`);
      expect(problem.rule).toContain('older than 7 days');
      expect(problem).toMatchObject({
        code: 'rate_stale',
        values: { currency: 'NOK', rateDate: old, ageDays: 30, maxAgeDays: 7 },
      });
      expect((await lead.api.get(`/api/statements/${id}/aggregate`)).status).toBe(404);
    });

    it('lets only an administrator record rates, and rejects bad tables naming the field', async () => {
      const today = new Date().toISOString().slice(0, 10);
      const table = { source: 'ECB euro foreign exchange reference rates', rates: { NOK: '11.5', SEK: '11.2' } };
      expect((await lead.api.put(`/api/exchange-rates/${today}`, table)).status).toBe(403);
      const bad = await admin.api.put(`/api/exchange-rates/${today}`, { source: '', rates: { NOK: '-1', nok: '2' } });
      expect(bad.status).toBe(400);
      const fields = bad.body.errors.map((p: { field: string }) => p.field);
      expect(fields).toEqual(expect.arrayContaining(['source', 'rates.NOK']));
      expect((await admin.api.put('/api/exchange-rates/2026-13-45', table)).status).toBe(400);
      const saved = await admin.api.put(`/api/exchange-rates/${today}`, table);
      expect(saved.status).toBe(201);
      expect((await admin.api.put(`/api/exchange-rates/${today}`, table)).status).toBe(200);
      const listed = await lead.api.get('/api/exchange-rates');
      expect(listed.body[0]).toEqual({ date: today, ...table });
    });

    it('retries on the lead’s request and opens market engagement when the mass is met', async () => {
      expect((await oslo.api.post(`/api/statements/${id}/aggregate/retry`)).status).toBe(403);
      const retried = await lead.api.post(`/api/statements/${id}/aggregate/retry`);
      expect(retried.status).toBe(202);
      // The answer is the live state as the lead reads it, participants from PostgreSQL included.
      expect(retried.body.participants).toContainEqual(
        expect.objectContaining({ orgId: oslo.org.id, status: 'confirmed' }),
      );
      const met = await waitForStage(lead, id, 'market_engagement');
      expect(met.body.aggregationBlocked).toBeNull();
      expect(met.body.aggregate).toMatchObject({ criticalMassMet: true, failedRules: [] });
      expect(Date.parse(met.body.deadline)).toBeGreaterThan(Date.now() + 29 * 86_400_000);
      // A second retry has nothing to do.
      expect((await lead.api.post(`/api/statements/${id}/aggregate/retry`)).status).toBe(409);
      for (const a of [lead, oslo, copenhagen])
        await h.mail.waitFor(() => mailTo(a, /^Critical mass reached/).length === 1);
      expect(mailTo(declined, /^Critical mass/)).toHaveLength(0);
    });

    it('gives the lead every figure, exact to the cent, with the verdicts', async () => {
      const res = await lead.api.get(`/api/statements/${id}/aggregate`);
      expect(res.status).toBe(200);
      const a = res.body;
      // 2 × 450,000 + 5 × 5,000,000 / 11.5 NOK per EUR + 300,000
      const nokInEur = (25_000_000 / 11.5).toFixed(2);
      expect(Number(a.aggregate.totals.valueEur).toFixed(2)).toBe((900_000 + Number(nokInEur) + 300_000).toFixed(2));
      // Shown to the cent, half-up, by the one rule (issue 17 point 11): the conversion's 20 decimals
      // ("…2173913.04347826086956521739") stay in the snapshot for the checks.
      expect(a.aggregate.totals.valueEur).toBe('3373913.04');
      expect(a.aggregate.byCountry.find((c: { country: string }) => c.country === 'NO').valueEur).toBe('2173913.04');
      expect(a.criticalMass.results.find((r: { rule: string }) => r.rule === 'minTotalValueEur').actual).toBe(
        '3373913.04',
      );
      expect(a.thresholds.natures[0].estimatedValueEur).toBe('3373913.04');
      const stored = await h.db
        .selectFrom('aggregate_snapshots')
        .select('aggregate')
        .where('id', '=', a.snapshotId)
        .executeTakeFirstOrThrow();
      expect((stored.aggregate as { totals: { valueEur: string } }).totals.valueEur).toBe(
        '3373913.04347826086956521739',
      );
      expect(a.aggregate.totals).toMatchObject({ buyers: 3, countries: 3, lines: 3 });
      expect(a.aggregate.complete).toBe(true);
      // The rate table of the aggregation's day, its date and source beside the converted figures.
      expect(a.aggregate.conversion).toEqual({
        date: new Date().toISOString().slice(0, 10),
        source: 'ECB euro foreign exchange reference rates',
        rates: { NOK: '11.5' },
      });
      expect(a.aggregate.needVersions).toBe(3);
      const excavators = a.aggregate.byCpv.find((n: { cpvCode: string }) => n.cpvCode === '43260000');
      expect(excavators).toMatchObject({
        buyers: 2,
        lines: 2,
        withheld: false,
        quantities: [{ unit: 'H87', firmQuantity: '7', totalQuantity: '7' }],
      });
      expect(a.criticalMass.met).toBe(true);
      expect(a.criticalMass.results.map((r: { rule: string }) => r.rule)).toEqual([
        'minBuyers',
        'minCountries',
        'minTotalValueEur',
      ]);
      expect(a.crossBorder).toMatchObject({
        kind: 'cross-border',
        needsAgreement: true,
        countries: ['DK', 'FI', 'NO'],
      });
      expect(a.thresholds.natures[0]).toMatchObject({ nature: 'supplies', position: 'at-or-above' });
      // Copenhagen is a central government authority: its lower threshold applies to everyone.
      expect(a.thresholds.natures[0].setBy).toMatchObject({ orgId: copenhagen.org.id, authorityCategory: 'central' });
      // Each verdict names its source (issue 17): the threshold's article, the value rule, the buyer's column.
      expect(a.thresholds.natures[0].source).toContain('Directive 2014/24/EU Art. 4(b)');
      expect(a.thresholds.natures[0].source).toContain('Art. 5(1)');
      expect(a.thresholds.natures[0].setBy).toMatchObject({
        categoryBasis: 'directive',
        categorySource: expect.stringContaining('Annex I'),
      });
      // Supplies only: no mixed contract to consider (Art. 3).
      expect(a.thresholds.mixedContract).toBeNull();

      const audit = await lead.api.get(`/api/statements/${id}/audit`);
      const computed = audit.body.events.filter((e: { action: string }) => e.action === 'aggregate_computed');
      expect(computed).toHaveLength(1);
      expect(computed[0].data).toMatchObject({
        snapshotId: a.snapshotId,
        snapshotHash: a.snapshotHash,
        needVersions: 3,
        criticalMassMet: true,
      });
      expect(audit.body.events.map((e: { action: string }) => e.action)).toContain('aggregation_blocked');
      expect(audit.body.verification.valid).toBe(true);
    });

    it('shows participants and Commission staff no buyer’s figures: single-buyer cells and what would give them away are withheld', async () => {
      const lead = await h.db
        .selectFrom('aggregate_snapshots')
        .select('aggregate')
        .where('statement_id', '=', id)
        .executeTakeFirstOrThrow();
      const oslosValue = (lead.aggregate as { byCountry: { country: string; valueEur: string }[] }).byCountry.find(
        (c) => c.country === 'NO',
      )!.valueEur;
      for (const viewer of [oslo, commission]) {
        const res = await viewer.api.get(`/api/statements/${id}/aggregate`);
        expect(res.status).toBe(200);
        expect(res.body.aggregate.complete).toBe(false);
        expect(res.body.aggregate.totals).toMatchObject({ buyers: 3, countries: 3 });
        const vehicles = res.body.aggregate.byCpv.find((n: { cpvCode: string }) => n.cpvCode === '34144900');
        expect(vehicles).toMatchObject({
          buyers: null,
          valueEur: null,
          lines: null,
          quantities: null,
          withheld: true,
          withheldReason: 'fewer-buyers',
        });
        for (const country of res.body.aggregate.byCountry)
          expect(country).toMatchObject({ valueEur: null, withheld: true, withheldReason: 'fewer-buyers' });
        // Oslo holds most of the total and Copenhagen's part is under 15 % of Oslo's: Helsinki, knowing its own
        // 900,000, would read Oslo's figure to within 15 % from it (the p % rule).
        expect(res.body.aggregate.totals).toMatchObject({
          valueEur: null,
          withheld: true,
          withheldReason: 'dominance',
        });
        // Line counts are the lead's only, in every cell, shown or withheld.
        const cells = [
          res.body.aggregate.totals,
          ...res.body.aggregate.byCpv,
          ...res.body.aggregate.items,
          ...res.body.aggregate.byCountry,
          ...res.body.aggregate.byDeliveryYear,
          ...res.body.aggregate.byBuyerType,
        ];
        expect(cells.length).toBeGreaterThan(5);
        for (const c of cells) expect(c.lines).toBeNull();
        expect(res.body.criticalMass.met).toBe(true);
        expect(
          res.body.criticalMass.results.find((r: { rule: string }) => r.rule === 'minTotalValueEur'),
        ).toMatchObject({ actual: null, gap: null, met: null, withheld: true });
        const body = JSON.stringify(res.body);
        for (const secret of ['"300000"', '"900000"', `"${oslosValue}"`]) expect(body).not.toContain(secret);
      }
      expect((await declined.api.get(`/api/statements/${id}/aggregate`)).status).toBe(403);
      expect((await supplier.api.get(`/api/statements/${id}/aggregate`)).status).toBe(404);
    });

    it('exports the full aggregate as CSV to the lead only', async () => {
      const res = await lead.api.get<string>(`/api/statements/${id}/aggregate.csv`);
      expect(res.status).toBe(200);
      expect(res.headers.get('content-type')).toMatch(/^text\/csv/);
      expect(res.headers.get('content-disposition')).toMatch(/attachment; filename="aggregate-.*-round-1\.csv"/);
      const rows = parse(res.body, { columns: true }) as Record<string, string>[];
      const total = rows.find((r) => r.dimension === 'total')!;
      const countries = rows.filter((r) => r.dimension === 'country');
      expect(countries.map((r) => r.key).sort()).toEqual(['DK', 'FI', 'NO']);
      const sum = countries.reduce((n, r) => n + Number(r.value_eur), 0);
      expect(sum).toBeCloseTo(Number(total.value_eur), 2);
      // To the cent by the one rule (issue 17 point 11), not the conversion's 20 decimals.
      expect(total.value_eur).toBe('3373913.04');
      expect(rows.find((r) => r.dimension === 'country' && r.key === 'NO')!.value_eur).toBe('2173913.04');
      expect(rows.find((r) => r.dimension === 'cpv' && r.key === '34144900')).toMatchObject({
        unit: 'C62',
        firm_quantity: '1',
        value_eur: '300000.00',
      });
      // Every converted figure names the rate table it was converted with.
      const today = new Date().toISOString().slice(0, 10);
      for (const r of rows)
        expect(r, `${r.dimension} ${r.key}`).toMatchObject({
          rates_date: today,
          rates_source: 'ECB euro foreign exchange reference rates',
        });
      for (const other of [oslo, commission]) {
        const denied = await other.api.get(`/api/statements/${id}/aggregate.csv`);
        expect(denied.status).toBe(403);
      }
    });

    it('names the rate table in the drafted statement text, beside the converted figures', async () => {
      ok(await lead.api.post(`/api/statements/${id}/close-stage`));
      await waitForStage(lead, id, 'approval');
      const text = ok(await lead.api.get(`/api/statements/${id}/text`)).body.text as string;
      // The date in words, in the lead's language (issue 18: the text reads as a person writes it).
      const today = new Intl.DateTimeFormat('en-GB', { dateStyle: 'long', timeZone: 'UTC' }).format(
        new Date(`${new Date().toISOString().slice(0, 10)}T00:00:00Z`),
      );
      expect(text).toContain(
        `Amounts given in NOK were converted to euro at the exchange rates of ${today} (source: ECB euro foreign exchange reference rates).`,
      );
    });
  });

  describe('shortfall, extended until the mass is met', () => {
    let lead: Actor;
    let riga: Actor;
    let vilnius: Actor;
    let warsaw: Actor;
    let id: string;

    it('falls short with two buyers and says which rule failed by how much', async () => {
      lead = await makeActor(h, { kind: 'buyer', name: 'Tampere', country: 'FI' }, { label: 'lead-extend' });
      riga = await makeActor(h, { kind: 'buyer', name: 'Riga', country: 'LV' }, { label: 'riga' });
      vilnius = await makeActor(h, { kind: 'buyer', name: 'Vilnius', country: 'LT' }, { label: 'vilnius' });
      warsaw = await makeActor(h, { kind: 'buyer', name: 'Warsaw', country: 'PL' }, { label: 'warsaw' });
      id = await openStatement(lead, [riga, vilnius], { minBuyers: 3, minCountries: 2 });
      const v = [
        await submit(lead, id, [needLine({ quantity: '1' })]),
        await submit(riga, id, [needLine({ quantity: '2' })]),
      ];
      // Vilnius never submits and drops out when the lead closes the stage.
      await lead.api.post(`/api/statements/${id}/close-stage`);
      await confirm(lead, id, v[0]!);
      await confirm(riga, id, v[1]!);
      const short = await waitForStage(lead, id, 'shortfall');
      expect(short.body.aggregate).toMatchObject({ criticalMassMet: false, failedRules: ['criticalMass.minBuyers'] });
      const verdict = (await lead.api.get(`/api/statements/${id}/aggregate`)).body.criticalMass;
      expect(verdict.results[0]).toMatchObject({ rule: 'minBuyers', required: 3, actual: 2, gap: 1, met: false });
      await h.mail.waitFor(
        () =>
          mailTo(lead, /^Critical mass not reached/).length === 1 &&
          mailTo(riga, /^Critical mass not reached/).length === 1,
      );
      expect(mailTo(lead, /^Critical mass not reached/)[0]!.text).toContain('criticalMass.minBuyers');
    });

    it('refuses the decision from anyone but the lead, and bad decisions naming the field', async () => {
      const extend = { decision: 'extend', deadline: new Date(Date.now() + 120_000).toISOString() };
      expect((await riga.api.post(`/api/statements/${id}/shortfall-decision`, extend)).status).toBe(403);
      expect((await commission.api.post(`/api/statements/${id}/shortfall-decision`, extend)).status).toBe(403);
      expect((await supplier.api.post(`/api/statements/${id}/shortfall-decision`, extend)).status).toBe(404);
      const unknown = await lead.api.post(`/api/statements/${id}/shortfall-decision`, { decision: 'wait' });
      expect(unknown.status).toBe(400);
      expect(unknown.body.errors[0].field).toBe('decision');
      const noJustification = await lead.api.post(`/api/statements/${id}/shortfall-decision`, {
        decision: 'proceed',
        justification: '  ',
      });
      expect(noJustification.status).toBe(400);
      expect(noJustification.body.errors).toEqual([{ field: 'justification', rule: expect.stringContaining('empty') }]);
      const past = await lead.api.post(`/api/statements/${id}/shortfall-decision`, {
        decision: 'extend',
        deadline: '2020-01-01T00:00:00Z',
      });
      expect(past.status).toBe(422);
      expect(past.body.errors).toEqual([{ field: 'deadline', rule: 'must be in the future' }]);
      expect(await stageOf(lead, id)).toBe('shortfall');
    });

    it('invites one more buyer, extends, lets the dropped buyer back in, and tells everyone', async () => {
      expect(
        (await lead.api.post(`/api/statements/${id}/invitations`, { organisationIds: [warsaw.org.id] })).status,
      ).toBe(200);
      expect((await warsaw.api.post(`/api/statements/${id}/invitation/accept`)).status).toBe(200);
      const deadline = new Date(Date.now() + 120_000).toISOString();
      const res = await lead.api.post(
        `/api/statements/${id}/shortfall-decision`,
        { decision: 'extend', deadline },
        { 'idempotency-key': `extend-${id}` },
      );
      expect(res.status).toBe(200);
      expect(res.body.stage).toBe('needs_assessment');
      // The same request again (a retry) changes nothing twice.
      expect(
        (
          await lead.api.post(
            `/api/statements/${id}/shortfall-decision`,
            { decision: 'extend', deadline },
            { 'idempotency-key': `extend-${id}` },
          )
        ).status,
      ).toBe(200);
      const state = (await live(lead, id)).body;
      expect(state.round).toBe(2);
      const statuses = Object.fromEntries(
        state.participants.map((p: { orgId: string; status: string }) => [p.orgId, p.status]),
      );
      expect(statuses).toEqual({
        [lead.org.id]: 'confirmed',
        [riga.org.id]: 'confirmed',
        [vilnius.org.id]: 'joined',
        [warsaw.org.id]: 'joined',
      });
      for (const a of [lead, riga, vilnius, warsaw])
        await h.mail.waitFor(() => mailTo(a, /needs assessment|Submit your needs/i).length >= 1);
      const audit = (await lead.api.get(`/api/statements/${id}/audit`)).body.events.map(
        (e: { action: string }) => e.action,
      );
      expect(audit.filter((a: string) => a === 'shortfall_decided')).toHaveLength(1);
      expect(audit).toContain('participants_restored');
    });

    it('meets the mass in the second round, from a new snapshot', async () => {
      const first = (await lead.api.get(`/api/statements/${id}/aggregate`)).body;
      const v = [
        await submit(vilnius, id, [needLine({ quantity: '1' })]),
        await submit(warsaw, id, [needLine({ quantity: '1' })]),
      ];
      await lead.api.post(`/api/statements/${id}/close-stage`);
      await confirm(vilnius, id, v[0]!);
      await confirm(warsaw, id, v[1]!);
      const met = await waitForStage(lead, id, 'market_engagement');
      expect(met.body.aggregate.criticalMassMet).toBe(true);
      const second = (await lead.api.get(`/api/statements/${id}/aggregate`)).body;
      expect(second.round).toBe(2);
      expect(second.snapshotId).not.toBe(first.snapshotId);
      expect(second.aggregate.totals).toMatchObject({ buyers: 4, countries: 4 });
    });
  });

  describe('shortfall, then abandoned or proceeded with', () => {
    it('abandons: the statement ends and every participant is told', async () => {
      const lead = await makeActor(h, { kind: 'buyer', name: 'Porto', country: 'PT' }, { label: 'lead-abandon' });
      const lisbon = await makeActor(h, { kind: 'buyer', name: 'Lisbon', country: 'PT' }, { label: 'lisbon' });
      const id = await openStatement(lead, [lisbon], { minBuyers: 2, minCountries: 2 });
      const v = [await submit(lead, id, [needLine()]), await submit(lisbon, id, [needLine()])];
      await lead.api.post(`/api/statements/${id}/close-stage`);
      await confirm(lead, id, v[0]!);
      await confirm(lisbon, id, v[1]!);
      const short = await waitForStage(lead, id, 'shortfall');
      expect(short.body.aggregate.failedRules).toEqual(['criticalMass.minCountries']);
      const snapshot = (await lead.api.get(`/api/statements/${id}/aggregate`)).body;
      expect(snapshot.crossBorder).toMatchObject({ kind: 'occasional', needsAgreement: false });

      const res = await lead.api.post(`/api/statements/${id}/shortfall-decision`, {
        decision: 'abandon',
        reason: 'No second country joined.',
      });
      expect(res.status).toBe(200);
      expect(res.body.stage).toBe('abandoned');
      await h.mail.waitFor(() => mailTo(lisbon, /was abandoned/).length === 1);
      expect(mailTo(lisbon, /was abandoned/)[0]!.text).toContain('No second country joined.');
      expect(
        (await lead.api.post(`/api/statements/${id}/shortfall-decision`, { decision: 'abandon', reason: 'again' }))
          .status,
      ).toBe(409);
      const outcome = await h.temporal.workflow.getHandle(`statement-${id}`).result();
      expect(outcome).toEqual({ stage: 'abandoned', reason: null });
      const audit = (await lead.api.get(`/api/statements/${id}/audit`)).body.events;
      expect(audit.find((e: { action: string }) => e.action === 'shortfall_decided').data).toMatchObject({
        decision: 'abandon',
        reason: 'No second country joined.',
        snapshotId: snapshot.snapshotId,
      });
    });

    it('proceeds with a recorded justification', async () => {
      const lead = await makeActor(h, { kind: 'buyer', name: 'Ghent', country: 'BE' }, { label: 'lead-proceed' });
      const ghent2 = await makeActor(h, { kind: 'buyer', name: 'Bruges', country: 'BE' }, { label: 'bruges' });
      const id = await openStatement(lead, [ghent2], { minBuyers: 2 });
      const v = await submit(lead, id, [needLine()]);
      await lead.api.post(`/api/statements/${id}/close-stage`);
      await confirm(lead, id, v);
      await waitForStage(lead, id, 'shortfall');
      const justification = 'Suppliers asked for the signal now; more cities will sign after publication.';
      const res = await lead.api.post(`/api/statements/${id}/shortfall-decision`, {
        decision: 'proceed',
        justification,
      });
      expect(res.status).toBe(200);
      expect(res.body.stage).toBe('market_engagement');
      const decided = (await lead.api.get(`/api/statements/${id}/audit`)).body.events.find(
        (e: { action: string }) => e.action === 'shortfall_decided',
      );
      expect(decided.data).toMatchObject({ decision: 'proceed', reason: justification });
      await h.mail.waitFor(() => mailTo(lead, /despite the shortfall/).length === 1);
    });
  });
});
