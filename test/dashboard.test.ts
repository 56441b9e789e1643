import { randomUUID } from 'node:crypto';

import { parse } from 'csv-parse/sync';
import ExcelJS from 'exceljs';
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { findPilotSummary, refreshPilotSummary } from '../db/projections/pilot-summary.js';
import { type Harness, makeActor, needLine, startHarness, statementDetails, until } from './support/harness.js';
import { ocdsValidators } from './support/ocds-validator.js';

type Actor = Awaited<ReturnType<typeof makeActor>>;

/**
 * Pilot tracking on the real services. Four pilots are driven through the real workflow; the
 * dashboard's figures are checked against what the test itself put into them (the need lines it
 * submitted, the buyers it invited), not against another query.
 */
describe('pilot tracking dashboard', () => {
  let h: Harness;
  let commission: Actor;
  let admin: Actor;
  let supplier: Actor;
  let helsinki: Actor,
    oslo: Actor,
    copenhagen: Actor,
    vantaa: Actor,
    espoo: Actor,
    barcelona: Actor,
    tallinn: Actor,
    bodo: Actor,
    tromso: Actor;
  const ids: Record<'met' | 'shortfall' | 'draft' | 'late', string> = { met: '', shortfall: '', draft: '', late: '' };
  const workingGroup = `Zero-emission construction ${randomUUID().slice(0, 8)}`;
  const community = `Circular textiles ${randomUUID().slice(0, 8)}`;

  const ok = <T extends { status: number; body: unknown }>(res: T): T => {
    expect(res.status, JSON.stringify(res.body)).toBeLessThan(300);
    return res;
  };
  const live = (a: Actor, id: string) => a.api.get(`/api/statements/${id}/live`);
  const waitForStage = (a: Actor, id: string, stage: string) =>
    until(
      () => live(a, id),
      (r) => r.body.stage === stage,
      60_000,
      `stage ${stage}`,
    );
  // The largest page the API allows; this file's assertions filter by their own groupings.
  const dashboard = (query: Record<string, string> = {}) =>
    commission.api.get(`/api/dashboard?${new URLSearchParams({ limit: '200', ...query })}`);

  // What the test submits: the expected figures are computed from these, by hand.
  const lines = {
    helsinki: [needLine({ quantity: '2', unitPrice: '450000' })],
    oslo: [needLine({ quantity: '3', unitPrice: '420000', description: 'Electric wheel loader, confidential spec' })],
    copenhagen: [needLine({ cpvCode: '34144900', unit: 'C62', quantity: '1', unitPrice: '300000' })],
    vantaa: [needLine({ cpvCode: '34144900', unit: 'C62', quantity: '5', unitPrice: '50000' })],
  };
  const value = (ls: { quantity: string; unitPrice: string }[]) =>
    ls.reduce((sum, l) => sum + Number(l.quantity) * Number(l.unitPrice), 0);

  async function submitAndConfirm(id: string, buyers: [Actor, Record<string, unknown>[]][], lead: Actor) {
    const versions: string[] = [];
    for (const [a, ls] of buyers) {
      ok(await a.api.put(`/api/statements/${id}/needs/draft`, { lines: ls, answers: {} }));
      versions.push(ok(await a.api.post(`/api/statements/${id}/needs/submit`)).body.versionId);
    }
    ok(await lead.api.post(`/api/statements/${id}/close-stage`));
    await waitForStage(lead, id, 'confirmation');
    for (const [i, [a]] of buyers.entries())
      ok(await a.api.post(`/api/statements/${id}/needs/confirm`, { versionId: versions[i] }));
  }

  beforeAll(async () => {
    h = await startHarness();
    commission = await makeActor(h, { kind: 'commission', country: 'BE' }, { label: 'commission' });
    admin = await makeActor(h, { kind: 'operator', country: 'BE' }, { label: 'admin', isAdmin: true });
    supplier = await makeActor(h, { kind: 'supplier', country: 'DE' }, { label: 'supplier' });
    helsinki = await makeActor(
      h,
      { kind: 'buyer', name: 'Helsinki', country: 'FI' },
      { label: 'helsinki', roles: ['signatory'] },
    );
    oslo = await makeActor(h, { kind: 'buyer', name: 'Oslo', country: 'NO' }, { label: 'oslo', roles: ['signatory'] });
    copenhagen = await makeActor(
      h,
      { kind: 'buyer', name: 'Copenhagen', country: 'DK', buyerLegalType: 'cga' },
      { label: 'cph', roles: ['signatory'] },
    );
    vantaa = await makeActor(
      h,
      { kind: 'buyer', name: 'Vantaa', country: 'FI' },
      { label: 'vantaa', roles: ['signatory'] },
    );
    barcelona = await makeActor(
      h,
      { kind: 'buyer', name: 'Barcelona', country: 'ES' },
      { label: 'barcelona', roles: ['signatory'] },
    );
    tallinn = await makeActor(
      h,
      { kind: 'buyer', name: 'Tallinn', country: 'EE' },
      { label: 'tallinn', roles: ['signatory'] },
    );
    bodo = await makeActor(h, { kind: 'buyer', name: 'Bodø', country: 'NO' }, { label: 'bodo', roles: ['signatory'] });
    espoo = await makeActor(
      h,
      { kind: 'buyer', name: 'Espoo', country: 'FI' },
      { label: 'espoo', roles: ['signatory'] },
    );
    tromso = await makeActor(
      h,
      { kind: 'buyer', name: 'Tromsø', country: 'NO' },
      { label: 'tromso', roles: ['signatory'] },
    );

    // 1. Critical mass met: Helsinki leads, Oslo and Copenhagen join; on to market engagement.
    ids.met = ok(
      await helsinki.api.post(
        '/api/statements',
        statementDetails({ criticalMass: { minBuyers: 3, minCountries: 3, minTotalValueEur: '2000000' } }),
      ),
    ).body.id;
    ok(
      await helsinki.api.post(`/api/statements/${ids.met}/invitations`, {
        organisationIds: [oslo.org.id, copenhagen.org.id],
      }),
    );
    for (const b of [oslo, copenhagen]) ok(await b.api.post(`/api/statements/${ids.met}/invitation/accept`));
    ok(await helsinki.api.post(`/api/statements/${ids.met}/needs-assessment/open`));
    // 2. Shortfall: three buyers required; Espoo joins but never submits, so it drops out and Vantaa is alone.
    ids.shortfall = ok(
      await vantaa.api.post('/api/statements', statementDetails({ criticalMass: { minBuyers: 3 } })),
    ).body.id;
    ok(await vantaa.api.post(`/api/statements/${ids.shortfall}/invitations`, { organisationIds: [espoo.org.id] }));
    ok(await espoo.api.post(`/api/statements/${ids.shortfall}/invitation/accept`));
    ok(await vantaa.api.post(`/api/statements/${ids.shortfall}/needs-assessment/open`));
    await submitAndConfirm(
      ids.met,
      [
        [helsinki, lines.helsinki],
        [oslo, lines.oslo],
        [copenhagen, lines.copenhagen],
      ],
      helsinki,
    );
    await submitAndConfirm(ids.shortfall, [[vantaa, lines.vantaa]], vantaa);
    // 3. Draft: Barcelona has invited Tallinn, which has not answered (invited buyers do not count yet).
    ids.draft = ok(await barcelona.api.post('/api/statements', statementDetails())).body.id;
    ok(await barcelona.api.post(`/api/statements/${ids.draft}/invitations`, { organisationIds: [tallinn.org.id] }));
    // 4. Late: Bodø's needs assessment closes in seconds (the worker is stopped below so the deadline passes unhandled).
    const late = statementDetails({
      schedule: { ...statementDetails().schedule, needsAssessment: 'PT3S', reminderOffsets: [] },
    });
    ids.late = ok(await bodo.api.post('/api/statements', late)).body.id;
    ok(await bodo.api.post(`/api/statements/${ids.late}/invitations`, { organisationIds: [tromso.org.id] }));
    ok(await tromso.api.post(`/api/statements/${ids.late}/invitation/accept`));

    await waitForStage(helsinki, ids.met, 'market_engagement');
    await waitForStage(vantaa, ids.shortfall, 'shortfall');
  }, 180_000);
  afterAll(async () => h?.close());

  it('lets the lead buyer and Commission staff set the grouping, audited; others get 403/404 and bad input 400', async () => {
    expect(
      (await oslo.api.put(`/api/statements/${ids.met}/grouping`, { kind: 'working_group', name: workingGroup })).status,
    ).toBe(403);
    expect(
      (await supplier.api.put(`/api/statements/${ids.met}/grouping`, { kind: 'working_group', name: workingGroup }))
        .status,
    ).toBe(404);
    const bad = await helsinki.api.put(`/api/statements/${ids.met}/grouping`, { kind: 'club', name: '', sector: '4' });
    expect(bad.status).toBe(400);
    expect(bad.body.errors.map((e: { field: string }) => e.field).sort()).toEqual(['kind', 'name', 'sector']);

    const set = ok(
      await helsinki.api.put(`/api/statements/${ids.met}/grouping`, {
        kind: 'working_group',
        name: workingGroup,
        sector: '43',
      }),
    );
    expect(set.body).toMatchObject({ statementId: ids.met, kind: 'working_group', name: workingGroup, sector: '43' });
    ok(
      await commission.api.put(`/api/statements/${ids.draft}/grouping`, { kind: 'working_group', name: workingGroup }),
    );
    ok(await commission.api.put(`/api/statements/${ids.late}/grouping`, { kind: 'working_group', name: workingGroup }));
    ok(
      await vantaa.api.put(`/api/statements/${ids.shortfall}/grouping`, {
        kind: 'community_of_practice',
        name: community,
      }),
    );

    const audit = ok(await helsinki.api.get(`/api/statements/${ids.met}/audit`)).body;
    const event = audit.events.find((e: { action: string }) => e.action === 'grouping_set');
    expect(event).toMatchObject({
      actorUserId: helsinki.user.id,
      data: { kind: 'working_group', name: workingGroup, sector: '43' },
    });
    expect(audit.verification.valid).toBe(true);

    const groupings = ok(await commission.api.get('/api/dashboard/groupings')).body;
    expect(groupings).toEqual(
      expect.arrayContaining([
        { kind: 'working_group', name: workingGroup, pilots: 3 },
        { kind: 'community_of_practice', name: community, pilots: 1 },
      ]),
    );
  });

  it('refuses every pilot-tracking read to buyers (lead included) and suppliers with 403', async () => {
    for (const a of [helsinki, oslo, supplier]) {
      for (const path of [
        '/api/dashboard',
        '/api/dashboard/pilots.csv',
        '/api/dashboard/pilots.xlsx',
        '/api/dashboard/published.ocds.json',
        '/api/dashboard/groupings',
        `/api/dashboard/pilots/${ids.met}`,
      ]) {
        const res = await a.api.get(path);
        expect(res.status, `${a.user.name} ${path}`).toBe(403);
        expect(res.body.code).toBe('forbidden');
      }
    }
    expect((await admin.api.get('/api/dashboard')).status).toBe(200);
    expect((await commission.api.get('/api/dashboard?stage=nowhere&sector=4')).status).toBe(400);
  });

  it('flags the pilot whose deadline passed while nothing moved it as overdue, and clears the flag when it moves on', async () => {
    ok(await bodo.api.post(`/api/statements/${ids.late}/needs-assessment/open`));
    await h.stopWorker();
    try {
      const flagged = await until(
        () => dashboard({ grouping: workingGroup, overdue: 'true' }),
        (r) => r.body.matching === 1,
        30_000,
        'overdue pilot',
      );
      const pilot = flagged.body.pilots[0];
      expect(pilot).toMatchObject({
        id: ids.late,
        stage: 'needs_assessment',
        overdue: true,
        buyers: 2,
        countries: ['NO'],
      });
      expect(Date.parse(pilot.nextDeadline)).toBeLessThan(Date.now());
      expect(flagged.body.totals.overdue).toBe(1);

      // Figures across the working group (Helsinki's pilot, Barcelona's draft, Bodø's late one).
      const all = ok(await dashboard({ grouping: workingGroup })).body;
      // Commission staff see what the pilot's disclosure pattern leaves, here as on the pilot's aggregate page.
      const seen = ok(await commission.api.get(`/api/statements/${ids.met}/aggregate`)).body.aggregate;
      expect(seen.complete).toBe(false);
      expect(all.matching).toBe(3);
      expect(all.countsByStage).toEqual({ market_engagement: 1, draft: 1, needs_assessment: 1 });
      expect(all.totals).toEqual({
        pilots: 3,
        buyers: 6, // Helsinki, Oslo, Copenhagen; Barcelona; Bodø, Tromsø (Tallinn is only invited)
        countries: 4, // FI, NO, DK, ES
        valueEur: seen.totals.valueEur ?? '0.00',
        valueWithheldPilots: seen.totals.withheld ? 1 : 0,
        suppliersEngaged: 0,
        overdue: 1,
        // Overdue by seconds: the close is on its way (stuck only a day later, domain/stuck-pilots.ts).
        stuck: 0,
        published: 0,
      });
      const byId = new Map(all.pilots.map((p: { id: string }) => [p.id, p]));
      expect(byId.get(ids.met)).toMatchObject({
        stage: 'market_engagement',
        overdue: false,
        published: false,
        grouping: { kind: 'working_group', name: workingGroup },
        sectors: ['43'],
        lead: { id: helsinki.org.id, name: 'Helsinki', country: 'FI' },
        buyers: 3,
        countries: ['DK', 'FI', 'NO'],
        criticalMassMet: true,
        failedRules: [],
        aboveEuThreshold: ok(await commission.api.get(`/api/statements/${ids.met}/aggregate`)).body.thresholds
          .atOrAboveAny,
        crossBorder: true,
        suppliersEngaged: 0,
        daysInStage: 0,
      });
      expect((byId.get(ids.met) as { valueEur: string | null }).valueEur).toBe(seen.totals.valueEur);
      // The rate table beside the value (issue 17 point 5): the snapshot's, with what it converted (all EUR here).
      const snapshot = ok(await commission.api.get(`/api/statements/${ids.met}/aggregate`)).body.aggregate.conversion;
      expect(byId.get(ids.met)).toMatchObject({
        conversion: { date: snapshot.date, source: snapshot.source, currencies: [] },
      });
      expect(byId.get(ids.draft)).toMatchObject({ conversion: null });
      expect(byId.get(ids.draft)).toMatchObject({
        stage: 'draft',
        buyers: 1,
        countries: ['ES'],
        valueEur: null,
        criticalMassMet: null,
        thresholds: null,
        sectors: ['34', '43'],
      });
      // Copenhagen alone in division 34, Helsinki and Oslo in 43: fewer than 3 buyers each, both withheld.
      const divisions = seen.byCpv.filter((n: { level: string }) => n.level === 'division');
      expect(divisions.map((d: { withheld: boolean }) => d.withheld)).toEqual([true, true]);
      expect(all.valueByDivision).toEqual([]);
      expect(all.withheldDivisionValues).toBe(2);
      expect(JSON.stringify(all)).not.toMatch(
        new RegExp(
          [
            value(lines.helsinki),
            value(lines.oslo),
            value(lines.copenhagen),
            value(lines.helsinki) + value(lines.oslo),
          ].join('|'),
        ),
      );
      expect(all.buyersByCountry).toEqual([
        { country: 'DK', buyers: 1 },
        { country: 'ES', buyers: 1 },
        { country: 'FI', buyers: 1 },
        { country: 'NO', buyers: 3 },
      ]);
    } finally {
      await h.startWorker();
    }
    // At rest, past the aggregation it runs through on its own: the paging test below compares
    // pages read moments apart, and in CI this pilot went from aggregation to shortfall between two.
    await until(
      () => live(bodo, ids.late),
      (r) => !['needs_assessment', 'aggregation'].includes(r.body.stage as string),
      60_000,
      'late pilot moved on',
    );
    const after = ok(await dashboard({ grouping: workingGroup, overdue: 'true' })).body;
    expect(after.matching).toBe(0);
  });

  it('filters by grouping, sector, country and stage, and totals what the filters leave', async () => {
    const ofStage = ok(await dashboard({ grouping: workingGroup, stage: 'draft' })).body;
    expect(ofStage.pilots.map((p: { id: string }) => p.id)).toEqual([ids.draft]);
    expect(ofStage.totals).toMatchObject({ pilots: 1, buyers: 1, countries: 1, valueEur: '0.00' });
    // Stage counts ignore the stage filter: they are the tabs.
    expect(ofStage.countsByStage.market_engagement).toBe(1);

    const sector34 = ok(await dashboard({ grouping: workingGroup, sector: '34' }))
      .body.pilots.map((p: { id: string }) => p.id)
      .sort();
    expect(sector34).toEqual([ids.draft, ids.late].sort()); // Helsinki's pilot is placed in sector 43 by its grouping
    const sector43 = ok(await dashboard({ grouping: workingGroup, sector: '43' }))
      .body.pilots.map((p: { id: string }) => p.id)
      .sort();
    expect(sector43).toEqual([ids.met, ids.draft, ids.late].sort());

    const denmark = ok(await dashboard({ grouping: workingGroup, country: 'DK' })).body;
    expect(denmark.pilots.map((p: { id: string }) => p.id)).toEqual([ids.met]);
    // Tallinn is invited to Barcelona's draft but takes no part yet.
    expect(ok(await dashboard({ grouping: workingGroup, country: 'EE' })).body.matching).toBe(0);

    const shortfall = ok(await dashboard({ grouping: community })).body;
    // Espoo dropped out: it no longer counts.
    // Vantaa alone: its pilot's value is its own figure, withheld from Commission staff.
    expect(shortfall.totals).toEqual({
      pilots: 1,
      buyers: 1,
      countries: 1,
      valueEur: '0.00',
      valueWithheldPilots: 1,
      suppliersEngaged: 0,
      overdue: 0,
      // A shortfall the lead has not decided for a week would be stuck; this one is minutes old.
      stuck: 0,
      published: 0,
    });
    expect(shortfall.pilots[0].valueEur).toBeNull();
    expect(shortfall.pilots[0]).toMatchObject({
      id: ids.shortfall,
      stage: 'shortfall',
      criticalMassMet: false,
      failedRules: ['minBuyers'],
      crossBorder: false,
      nextDeadline: null,
    });
    expect(shortfall.valueByDivision).toEqual([]);
    expect(shortfall.withheldDivisionValues).toBe(1);
  });

  it('pages the pilots with a cursor: every matching pilot once, in order, the totals on every page', async () => {
    // Pilots' rows are refreshed after each commit (coalesced): page the read model once it has
    // settled, or a refresh landing between two pages changes the totals under the test (seen in CI).
    let whole = ok(await dashboard({ grouping: workingGroup })).body;
    await until(
      async () => {
        await new Promise((resolve) => setTimeout(resolve, 300));
        const again = ok(await dashboard({ grouping: workingGroup })).body;
        const figures = (d: typeof whole) =>
          JSON.stringify([d.totals, d.countsByStage, d.matching, d.pilots.map((p: { id: string }) => p.id)]);
        const settled = figures(again) === figures(whole);
        whole = again;
        return settled;
      },
      (settled) => settled,
      20_000,
      'the dashboard settled',
    );
    expect(whole.pilots).toHaveLength(3);
    expect(whole.nextCursor).toBeNull();
    const seen: string[] = [];
    let cursor: string | null = null;
    do {
      const page: {
        pilots: { id: string }[];
        matching: number;
        totals: unknown;
        countsByStage: unknown;
        nextCursor: string | null;
      } = ok(await dashboard({ grouping: workingGroup, limit: '1', ...(cursor ? { cursor } : {}) })).body;
      expect(page.pilots).toHaveLength(1);
      expect(page.matching).toBe(3);
      expect(page.totals).toEqual(whole.totals);
      expect(page.countsByStage).toEqual(whole.countsByStage);
      seen.push(page.pilots[0]!.id);
      cursor = page.nextCursor;
    } while (cursor !== null && seen.length < 5);
    expect(seen).toEqual(whole.pilots.map((p: { id: string }) => p.id));
    // Newest first.
    const created = whole.pilots.map((p: { createdAt: string }) => Date.parse(p.createdAt));
    expect(created).toEqual([...created].sort((a, b) => b - a));
    // A page of two, then the rest: the cursor carries the filters' order, not a position.
    const first = ok(await dashboard({ grouping: workingGroup, limit: '2' })).body;
    const rest = ok(await dashboard({ grouping: workingGroup, limit: '2', cursor: first.nextCursor })).body;
    expect([...first.pilots, ...rest.pilots].map((p: { id: string }) => p.id)).toEqual(seen);
    expect(rest.nextCursor).toBeNull();
    // Without a limit, a page is 50 pilots at most.
    expect(ok(await commission.api.get('/api/dashboard')).body.pilots.length).toBeLessThanOrEqual(50);
  });

  it('answers bad paging input with 400 naming the field, and keeps the viewer rules for every page', async () => {
    const forged = Buffer.from(JSON.stringify(['yesterday', 'not-an-id'])).toString('base64url');
    for (const [query, field] of [
      ['limit=0', 'limit'],
      ['limit=201', 'limit'],
      ['limit=ten', 'limit'],
      ['limit=1.5', 'limit'],
      ['cursor=%21%21%21', 'cursor'],
      [`cursor=${forged}`, 'cursor'],
      [`cursor=${'a'.repeat(300)}`, 'cursor'],
      ['limit=0&cursor=x', 'cursor'],
    ] as const) {
      const res = await commission.api.get(`/api/dashboard?${query}`);
      expect(res.status, query).toBe(400);
      expect(res.body.code, query).toBe('invalid_input');
      expect(
        res.body.errors.map((e: { field: string }) => e.field),
        query,
      ).toContain(field);
    }
    // A valid cursor opens nothing to whoever may not track pilots.
    const cursor = ok(await dashboard({ grouping: workingGroup, limit: '1' })).body.nextCursor;
    expect(cursor).toEqual(expect.any(String));
    for (const a of [helsinki, supplier]) {
      const res = await a.api.get(`/api/dashboard?limit=1&cursor=${cursor}`);
      expect(res.status).toBe(403);
      expect(res.body.code).toBe('forbidden');
    }
    expect((await fetch(`${h.baseUrl}/api/dashboard?limit=1&cursor=${cursor}`)).status).toBe(401);
  });

  it('keeps each pilot’s row of the read model in step with the events recorded for it', async () => {
    const riga = await makeActor(
      h,
      { kind: 'buyer', name: 'Riga', country: 'LV' },
      { label: 'riga', roles: ['signatory'] },
    );
    const vilnius = await makeActor(
      h,
      { kind: 'buyer', name: 'Vilnius', country: 'LT' },
      { label: 'vilnius', roles: ['signatory'] },
    );
    const group = `Read model ${randomUUID().slice(0, 8)}`;
    const pilot = async (id: string) => ok(await commission.api.get(`/api/dashboard/pilots/${id}`)).body.pilot;

    // Created: its row is there as soon as the lead has its answer.
    const id = ok(await riga.api.post('/api/statements', statementDetails({ title: 'Read model pilot' }))).body.id;
    expect(await pilot(id)).toMatchObject({
      id,
      title: 'Read model pilot',
      stage: 'draft',
      buyers: 1,
      countries: ['LV'],
      grouping: null,
      valueEur: null,
      suppliersEngaged: 0,
    });
    // Grouped: the grouping filter finds it, its sector is the grouping's.
    ok(await riga.api.put(`/api/statements/${id}/grouping`, { kind: 'working_group', name: group, sector: '45' }));
    const grouped = ok(await dashboard({ grouping: group })).body;
    expect(grouped.pilots.map((p: { id: string }) => p.id)).toEqual([id]);
    expect(grouped.pilots[0]).toMatchObject({ grouping: { kind: 'working_group', name: group }, sectors: ['45'] });
    // Invited buyers do not take part; an accepted invitation does.
    ok(await riga.api.post(`/api/statements/${id}/invitations`, { organisationIds: [vilnius.org.id] }));
    expect(await pilot(id)).toMatchObject({ buyers: 1, countries: ['LV'] });
    ok(await vilnius.api.post(`/api/statements/${id}/invitation/accept`));
    await until(
      () => pilot(id),
      (p) => p.buyers === 2,
      30_000,
      'the accepted invitation on the dashboard',
    );
    expect(await pilot(id)).toMatchObject({ buyers: 2, countries: ['LT', 'LV'] });
    expect(ok(await dashboard({ grouping: group, country: 'LT' })).body.matching).toBe(1);
    // A stage change: the stage, its deadline and the counts by stage follow.
    ok(await riga.api.post(`/api/statements/${id}/needs-assessment/open`));
    const open = await until(
      () => pilot(id),
      (p) => p.stage === 'needs_assessment',
      30_000,
      'needs assessment on the dashboard',
    );
    expect(open.nextDeadline).toEqual(expect.any(String));
    expect(ok(await dashboard({ grouping: group })).body.countsByStage).toEqual({ needs_assessment: 1 });
    // The row has read the statement's audit chain to its end: every event is in it.
    const audit = ok(await riga.api.get(`/api/statements/${id}/audit`)).body;
    const row = await findPilotSummary(h.db, id);
    expect(row).toMatchObject({ stage: 'needs_assessment', buyers: 2, countries: ['LT', 'LV'], supplier_org_ids: [] });
    expect(row!.audit_seq).toBe(audit.head.seq);
    // Cancelled: the pilot leaves the tab it was in.
    ok(await riga.api.post(`/api/statements/${id}/cancel`, { reason: 'Merged into another pilot' }));
    await until(
      () => pilot(id),
      (p) => p.stage === 'cancelled',
      30_000,
      'cancellation on the dashboard',
    );
    expect(ok(await dashboard({ grouping: group })).body.countsByStage).toEqual({ cancelled: 1 });
  });

  it('agrees with what Commission staff may read of the aggregate, figure for figure', async () => {
    const lead = ok(await commission.api.get(`/api/statements/${ids.met}/aggregate`)).body;
    const pilot = ok(await commission.api.get(`/api/dashboard/pilots/${ids.met}`)).body.pilot;
    expect(pilot.valueEur).toBe(lead.aggregate.totals.valueEur);
    expect(pilot.buyers).toBe(lead.aggregate.totals.buyers);
    expect(pilot.countries).toEqual(lead.crossBorder.countries);
    expect(pilot.thresholds).toEqual(
      lead.thresholds.natures.map((n: Record<string, string>) => ({
        nature: n.nature,
        position: n.position,
        thresholdEur: n.thresholdEur,
        estimatedValueEur: n.estimatedValueEur,
      })),
    );
  });

  it('shows each pilot’s timeline: entry and exit of each stage, as the audit log recorded them', async () => {
    const detail = ok(await commission.api.get(`/api/dashboard/pilots/${ids.met}`)).body;
    const audit = ok(await helsinki.api.get(`/api/statements/${ids.met}/audit?order=asc`)).body.events;
    const changes = audit.filter((e: { action: string }) => e.action === 'stage_changed');
    const created = audit.find((e: { action: string }) => e.action === 'statement_created');
    expect(detail.timeline.map((t: { stage: string }) => t.stage)).toEqual([
      'draft',
      'needs_assessment',
      'confirmation',
      'aggregation',
      'market_engagement',
    ]);
    expect(detail.timeline[0].enteredAt).toBe(created.at);
    for (const [i, change] of changes.entries()) {
      expect(detail.timeline[i].exitedAt).toBe(change.at);
      expect(detail.timeline[i + 1].enteredAt).toBe(change.at);
      expect(detail.timeline[i + 1].stage).toBe(change.data.to);
    }
    expect(detail.timeline.at(-1).exitedAt).toBeNull();
    expect((await commission.api.get(`/api/dashboard/pilots/${randomUUID()}`)).status).toBe(404);
  });

  it('shows Commission staff aggregates and statuses, never a buyer’s need lines', async () => {
    expect((await commission.api.get(`/api/statements/${ids.met}/needs/${oslo.org.id}`)).status).toBe(403);
    // Nowhere a need line's own text, in anything Commission staff read.
    for (const text of [
      JSON.stringify(ok(await dashboard()).body),
      ok(await commission.api.get('/api/dashboard/pilots.csv')).body as string,
    ]) {
      expect(text).not.toContain('confidential spec');
    }
    // Nor one buyer's figures (over this file's pilots only: other files' pilots may hold any amount).
    const texts = [
      JSON.stringify(ok(await dashboard({ grouping: workingGroup })).body),
      JSON.stringify(ok(await commission.api.get(`/api/dashboard/pilots/${ids.met}`)).body),
      ok(await commission.api.get(`/api/dashboard/pilots.csv?grouping=${encodeURIComponent(workingGroup)}`))
        .body as string,
    ];
    for (const text of texts) {
      expect(text).not.toContain('confidential spec');
      expect(text).not.toContain('420000'); // Oslo's unit price
      expect(text).not.toContain(String(value(lines.oslo))); // Oslo's own total
      expect(text).not.toContain(String(value(lines.copenhagen))); // Copenhagen's, alone in division 34
    }
  });

  /** The CSV as sent, its byte order mark kept (fetch's `text()` drops it). */
  async function csvAsSent(path: string, headers: Record<string, string> = {}) {
    const a = commission.api;
    const res = await fetch(new URL(path, a.baseUrl), {
      headers: {
        ...headers,
        ...(a.cookie ? { cookie: a.cookie } : {}),
        ...(a.auth.bearer ? { authorization: `Bearer ${a.auth.bearer}` } : {}),
      },
    });
    expect(res.status).toBe(200);
    return new TextDecoder('utf-8', { ignoreBOM: true }).decode(await res.arrayBuffer());
  }

  /** A request with the web application's language cookie beside the session's. */
  async function withLocaleCookie<T>(lang: string, request: () => Promise<T>): Promise<T> {
    const session = commission.api.cookie;
    commission.api.cookie = [session, `jd_locale=${lang}`].filter(Boolean).join('; ');
    try {
      return await request();
    } finally {
      commission.api.cookie = session;
    }
  }

  it('exports the pilot table as CSV that parses back to the dashboard’s figures', async () => {
    const res = ok(await commission.api.get(`/api/dashboard/pilots.csv?grouping=${encodeURIComponent(workingGroup)}`));
    expect(res.headers.get('content-type')).toContain('text/csv');
    // UTF-8 with a byte order mark, so Excel reads ø and é as typed; headers in words, not snake_case.
    const sent = await csvAsSent(`/api/dashboard/pilots.csv?grouping=${encodeURIComponent(workingGroup)}`);
    expect(sent.startsWith('\uFEFFID,Title,Stage,'), sent.slice(0, 40)).toBe(true);
    const rows = parse(sent, { columns: true, bom: true }) as Record<string, string>[];
    const board = ok(await dashboard({ grouping: workingGroup })).body;
    expect(rows).toHaveLength(3);
    expect(rows.map((r) => r.ID)).toEqual(board.pilots.map((p: { id: string }) => p.id));
    const met = rows.find((r) => r.ID === ids.met)!;
    expect(met).toMatchObject({
      // Codes in the words the web uses (issue 19).
      Stage: 'Market engagement',
      Grouping: workingGroup,
      Buyers: '3',
      Countries: 'DK FI NO',
      'Critical mass met': 'yes',
      'Cross-border': 'yes',
      Overdue: 'no',
      'Suppliers engaged': '0',
    });
    const seen = ok(await commission.api.get(`/api/statements/${ids.met}/aggregate`)).body.aggregate;
    expect(met['Value (EUR)']).toBe(seen.totals.valueEur ?? '');
    // Figures as plain numbers (no grouping, no currency sign), as on the dashboard.
    for (const pilot of board.pilots as { id: string; valueEur: string | null }[])
      expect(rows.find((r) => r.ID === pilot.id)!['Value (EUR)']).toBe(pilot.valueEur ?? '');
    for (const r of rows) expect(r['Value (EUR)']).toMatch(/^(\d+(\.\d+)?)?$/);
    // Nothing was converted: no rate table beside the value.
    expect(met).toMatchObject({ 'Exchange rates of': '', 'Exchange rate source': '' });
  });

  it('writes the CSV for French and German Excel: headers in the language, `;` between cells, a decimal comma', async () => {
    const query = `grouping=${encodeURIComponent(workingGroup)}`;
    const seen = ok(await commission.api.get(`/api/statements/${ids.met}/aggregate`)).body.aggregate;
    const board = ok(await dashboard({ grouping: workingGroup })).body;
    expect(board.pilots.some((p: { valueEur: string | null }) => p.valueEur?.includes('.'))).toBe(true);
    const cases = [
      // The language asked for; else the web application's cookie; else Accept-Language.
      { body: await csvAsSent(`/api/dashboard/pilots.csv?${query}&lang=fr`), lang: 'fr' },
      {
        body: await csvAsSent(`/api/dashboard/pilots.csv?${query}`, { 'accept-language': 'it, de;q=0.8, en;q=0.5' }),
        lang: 'de',
      },
      {
        body: await withLocaleCookie('fr', () =>
          csvAsSent(`/api/dashboard/pilots.csv?${query}`, { 'accept-language': 'de' }),
        ),
        lang: 'fr',
      },
    ];
    const words = {
      fr: {
        head: '\uFEFFID;Titre;Étape;',
        stage: 'Étape',
        value: 'Valeur (EUR)',
        mass: 'Masse critique atteinte',
        yes: 'oui',
        marketEngagement: 'Consultation du marché',
      },
      de: {
        head: '\uFEFFID;Titel;Phase;',
        stage: 'Phase',
        value: 'Wert (EUR)',
        mass: 'Kritische Masse erreicht',
        yes: 'ja',
        marketEngagement: 'Markterkundung',
      },
    } as const;
    for (const { body, lang } of cases) {
      const w = words[lang as 'fr' | 'de'];
      expect(body.startsWith(w.head), `${lang}: ${body.slice(0, 40)}`).toBe(true);
      const rows = parse(body, { columns: true, bom: true, delimiter: ';' }) as Record<string, string>[];
      expect(rows).toHaveLength(3);
      const met = rows.find((r) => r.ID === ids.met)!;
      expect(met[w.stage]).toBe(w.marketEngagement);
      expect(met[w.mass]).toBe(w.yes);
      expect(met[w.value]).toBe((seen.totals.valueEur ?? '').replace('.', ','));
      for (const pilot of board.pilots as { id: string; valueEur: string | null }[])
        expect(rows.find((r) => r.ID === pilot.id)![w.value]).toBe((pilot.valueEur ?? '').replace('.', ','));
    }
    expect((await commission.api.get(`/api/dashboard/pilots.csv?lang=it`)).status).toBe(400);
  });

  it('exports the same rows as an Excel workbook: headers in the language, numbers as numbers, dates as dates, the header frozen', async () => {
    const query = `grouping=${encodeURIComponent(workingGroup)}`;
    const a = commission.api;
    const res = await fetch(new URL(`/api/dashboard/pilots.xlsx?${query}&lang=de`, a.baseUrl), {
      headers: {
        ...(a.cookie ? { cookie: a.cookie } : {}),
        ...(a.auth.bearer ? { authorization: `Bearer ${a.auth.bearer}` } : {}),
      },
    });
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toContain('spreadsheetml.sheet');
    expect(res.headers.get('content-disposition')).toMatch(/attachment; filename="pilots-\d{4}-\d{2}-\d{2}\.xlsx"/);
    const workbook = new ExcelJS.Workbook();
    await workbook.xlsx.load(await res.arrayBuffer());
    const sheet = workbook.worksheets[0]!;
    expect(sheet.name).toBe('Pilotprojekte');
    expect(sheet.views[0]).toMatchObject({ state: 'frozen', ySplit: 1 });
    const headers = (sheet.getRow(1).values as unknown[]).slice(1);
    expect(headers.slice(0, 3)).toEqual(['ID', 'Titel', 'Phase']);
    const col = (name: string) => headers.indexOf(name) + 1;
    const board = ok(await dashboard({ grouping: workingGroup })).body;
    const csv = parse(await csvAsSent(`/api/dashboard/pilots.csv?${query}&lang=de`), {
      columns: true,
      bom: true,
      delimiter: ';',
    }) as Record<string, string>[];
    expect(sheet.rowCount).toBe(1 + board.pilots.length);
    expect(csv).toHaveLength(board.pilots.length);
    for (const [i, pilot] of (
      board.pilots as { id: string; buyers: number; valueEur: string | null; createdAt: string }[]
    ).entries()) {
      const row = sheet.getRow(i + 2);
      expect(row.getCell(col('ID')).value).toBe(pilot.id);
      expect(row.getCell(col('Auftraggeber')).value).toBe(pilot.buyers);
      expect(row.getCell(col('Wert (EUR)')).value).toBe(pilot.valueEur === null ? null : Number(pilot.valueEur));
      expect(row.getCell(col('Erstellt am')).value).toEqual(new Date(pilot.createdAt));
      expect(row.getCell(col('Erstellt am')).numFmt).toBe('yyyy-mm-dd hh:mm');
      // The same rows and columns as the CSV, in the same order.
      expect(csv[i]!.ID).toBe(pilot.id);
      expect(row.getCell(col('Kritische Masse erreicht')).value ?? '').toBe(csv[i]!['Kritische Masse erreicht']);
    }
    expect(sheet.columns.every((c) => (c.width ?? 0) >= 10)).toBe(true);
  });

  it('counts the suppliers that answered the consultation or asked a question, per pilot and in total', async () => {
    const supplierOf = async (country: string) => {
      const a = await makeActor(
        h,
        { kind: 'supplier', country, name: `Supplier ${country} ${randomUUID().slice(0, 4)}` },
        { label: `supplier-${country}` },
      );
      await h.db.updateTable('users').set({ email_verified_at: new Date() }).where('id', '=', a.user.id).execute();
      return a;
    };
    const [answering, asking] = [await supplierOf('FI'), await supplierOf('DE')];
    ok(await answering.api.put(`/api/consultations/${ids.met}/response`, { answers: {} }));
    ok(await answering.api.put(`/api/consultations/${ids.met}/response`, { answers: {} })); // a second save is the same supplier
    ok(
      await asking.api.post(`/api/consultations/${ids.met}/questions`, {
        question: 'May machines be leased rather than bought?',
      }),
    );
    const board = ok(await dashboard({ grouping: workingGroup })).body;
    expect(board.pilots.find((p: { id: string }) => p.id === ids.met).suppliersEngaged).toBe(2);
    expect(board.totals.suppliersEngaged).toBe(2);
    expect(ok(await dashboard({ grouping: community })).body.totals.suppliersEngaged).toBe(0);

    // The row kept event by event (the suppliers read incrementally from the audit chain) is the
    // row computed afresh from the tables of record; the fresh one is rolled back.
    const kept = await findPilotSummary(h.db, ids.met);
    let afresh: unknown;
    await h.db
      .transaction()
      .execute(async (trx) => {
        await sql`delete from pilot_summaries where statement_id = ${ids.met}::uuid`.execute(trx);
        await refreshPilotSummary(trx, ids.met);
        afresh = await findPilotSummary(trx, ids.met);
        throw new Error('roll back');
      })
      .catch((error: unknown) => {
        if ((error as Error).message !== 'roll back') throw error;
      });
    expect(kept).toMatchObject({ supplier_org_ids: [answering.org.id, asking.org.id].sort() });
    expect(afresh).toEqual(kept);
  });

  it('shows a pilot published through approval, and exports it in an OCDS release package that validates', async () => {
    const validate = ocdsValidators();
    ok(await helsinki.api.post(`/api/statements/${ids.met}/close-stage`));
    await waitForStage(helsinki, ids.met, 'approval');
    const text = await until(
      () => helsinki.api.get(`/api/statements/${ids.met}/text`),
      (r) => r.status === 200,
      60_000,
      'statement text',
    );
    for (const a of [helsinki, oslo, copenhagen])
      ok(await a.api.post(`/api/statements/${ids.met}/approval`, { version: text.body.version, decision: 'approve' }));
    await waitForStage(helsinki, ids.met, 'published');

    const board = ok(await dashboard({ grouping: workingGroup })).body;
    expect(board.pilots.find((p: { id: string }) => p.id === ids.met)).toMatchObject({
      stage: 'published',
      published: true,
      nextDeadline: null,
      overdue: false,
    });
    expect(board.totals.published).toBe(1);
    const detail = ok(await commission.api.get(`/api/dashboard/pilots/${ids.met}`)).body;
    expect(detail.timeline.map((t: { stage: string }) => t.stage)).toEqual([
      'draft',
      'needs_assessment',
      'confirmation',
      'aggregation',
      'market_engagement',
      'approval',
      'published',
    ]);

    const served = ok(await commission.api.get('/api/dashboard/published.ocds.json')).body;
    expect(validate.releasePackage(served)).toEqual([]);
    for (const release of served.releases) expect(validate.release(release)).toEqual([]);
    const release = served.releases.find((r: { ocid: string }) => r.ocid.endsWith(ids.met));
    expect(release.tag).toEqual(['planning']);
    // One signatory per country: the total would let one narrow another's figure, so no amount is stated.
    expect(release.planning.budget.amount).toBeUndefined();
    // Only the lead is named: neither Oslo nor Copenhagen agreed to be.
    expect(release.parties.map((p: { name: string }) => p.name).sort()).toEqual(['Helsinki']);
    expect(release.tender.items.map((i: { classification: { id: string } }) => i.classification.id).sort()).toEqual([
      '34144900-7',
      '43260000-3',
    ]);
    // The same release the statement's public package carries.
    const own = ok(await commission.api.get(`/api/public/statements/${ids.met}/ocds.json`)).body;
    expect(own.releases.at(-1)).toEqual(release);
  });

  it('shows a pilot whose latest snapshot predates the recorded rate table without one, instead of answering 500', async () => {
    // Snapshots are kept as computed: one written before aggregates named their rate table has no
    // `conversion`. The dashboard benchmark's pilots are such snapshots, and every read answered 500.
    const { rows } = await sql<{ id: string }>`
      insert into aggregate_snapshots (id, statement_id, round, computed_at, rate_date, version_ids, aggregate,
        critical_mass, thresholds, cross_border, critical_mass_met, total_value_eur, snapshot_hash, disclosure, disclosure_consents)
      select gen_random_uuid(), statement_id, round, computed_at + interval '1 second', rate_date, version_ids,
        aggregate - 'conversion', critical_mass, thresholds, cross_border, critical_mass_met, total_value_eur,
        snapshot_hash, disclosure, disclosure_consents
      from aggregate_snapshots where statement_id = ${ids.met} order by computed_at desc limit 1
      returning id`.execute(h.db);
    try {
      // Published by the test before this one.
      const page = ok(await dashboard({ stage: 'published' }));
      expect(page.body.pilots.find((p: { id: string }) => p.id === ids.met)).toMatchObject({
        conversion: null,
      });
      expect(ok(await commission.api.get(`/api/dashboard/pilots/${ids.met}`)).body.pilot.conversion).toBeNull();
      expect(ok(await commission.api.get('/api/dashboard/pilots.csv')).status).toBe(200);
    } finally {
      await sql`delete from aggregate_snapshots where id = ${rows[0]!.id}`.execute(h.db);
    }
  });
});
