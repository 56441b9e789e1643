import { randomUUID } from 'node:crypto';

import { parse } from 'csv-parse/sync';
import ExcelJS from 'exceljs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { type Harness, makeActor, needLine, startHarness, statementDetails, until } from './support/harness.js';
import { statementWithSurveyOpen } from './support/needs-survey.js';

type Actor = Awaited<ReturnType<typeof makeActor>>;

const daysAgo = (n: number) => new Date(Date.now() - n * 86_400_000).toISOString().slice(0, 10);
const answers = { drive: 'electric', charging: true, fleet: '12' };

/**
 * Issue 19, stuck pilots: a pilot whose aggregation waits for an exchange rate nobody recorded
 * is flagged on the dashboard with the reason, since when and who can act; `stuck=true` finds
 * it, the totals count it, and the CSV and Excel exports say it in words, with the stage and
 * the procurement route in words too (en, fr, de). Buyers and suppliers get 403. A database of
 * its own: rate tables are global, and the totals are this file's.
 */
describe('stuck pilots on the dashboard', () => {
  let h: Harness;
  let commission: Actor;
  let admin: Actor;
  let lead: Actor;
  let oslo: Actor;
  let supplier: Actor;
  let stuckId = '';
  let calmId = '';
  let blockedAt = '';
  const tag = randomUUID().slice(0, 6);

  const ok = <T extends { status: number; body: unknown }>(res: T): T => {
    expect(res.status, JSON.stringify(res.body)).toBeLessThan(300);
    return res;
  };

  beforeAll(async () => {
    h = await startHarness({ freshDatabase: true });
    admin = await makeActor(h, { kind: 'operator', country: 'BE' }, { isAdmin: true, label: `admin ${tag}` });
    commission = await makeActor(h, { kind: 'commission', country: 'BE' }, { label: `commission ${tag}` });
    lead = await makeActor(h, { kind: 'buyer', name: `Helsinki ${tag}`, country: 'FI' });
    oslo = await makeActor(h, { kind: 'buyer', name: `Oslo ${tag}`, country: 'NO' });
    supplier = await makeActor(h, { kind: 'supplier', country: 'DE' }, { label: `supplier ${tag}` });

    const rates = { NOK: '11.80', SEK: '10.96', DKK: '7.4691' };
    ok(await admin.api.put(`/api/exchange-rates/${daysAgo(3)}`, { source: 'ECB reference rates', rates }));
    stuckId = await statementWithSurveyOpen(lead, [oslo]);
    const versions: string[] = [];
    for (const [a, line] of [
      [lead, needLine({ quantity: '2', unitPrice: '450000' })],
      [oslo, needLine({ quantity: '5', unitPrice: '5000000', currency: 'NOK' })],
    ] as const) {
      const saved = await a.api.put(`/api/statements/${stuckId}/needs/draft`, { lines: [line], answers });
      expect(saved.body.problems).toEqual([]);
      versions.push(ok(await a.api.post(`/api/statements/${stuckId}/needs/submit`)).body.versionId);
    }
    // The next table has no NOK: Oslo's needs cannot be converted, and the aggregation waits.
    const { NOK: _dropped, ...others } = rates;
    ok(await admin.api.put(`/api/exchange-rates/${daysAgo(2)}`, { source: 'ECB', rates: others }));
    ok(await lead.api.post(`/api/statements/${stuckId}/close-stage`));
    for (const [i, a] of [lead, oslo].entries())
      ok(await a.api.post(`/api/statements/${stuckId}/needs/confirm`, { versionId: versions[i] }));
    const blocked = await until(
      () => lead.api.get(`/api/statements/${stuckId}/live`),
      (r) => r.body.aggregationBlocked !== null,
      60_000,
      'the aggregation to block on NOK',
    );
    blockedAt = blocked.body.aggregationBlocked.at;
    // A pilot that goes on by itself.
    calmId = ok(await lead.api.post('/api/statements', statementDetails({ title: `Calm pilot ${tag}` }))).body.id;
  }, 240_000);

  afterAll(async () => h?.close());

  it('flags the blocked pilot as stuck with its reason, since when and who can act; the filter and the total find it', async () => {
    const all = ok(await commission.api.get('/api/dashboard')).body;
    const stuck = all.pilots.find((p: { id: string }) => p.id === stuckId);
    expect(stuck.stuck).toMatchObject({ reasons: ['rate_missing'], actors: ['administrator', 'lead'] });
    // Since the audit log recorded the block (the live state notes it a moment later).
    expect(Date.parse(stuck.stuck.since)).toBeLessThanOrEqual(Date.parse(blockedAt));
    expect(Date.parse(stuck.stuck.since)).toBeGreaterThanOrEqual(Date.parse(stuck.stageEnteredAt));
    expect(all.pilots.find((p: { id: string }) => p.id === calmId).stuck).toBeNull();
    expect(all.totals.stuck).toBe(1);

    const only = ok(await commission.api.get('/api/dashboard?stuck=true')).body;
    expect(only.pilots.map((p: { id: string }) => p.id)).toEqual([stuckId]);
    expect(only.matching).toBe(1);
    const others = ok(await commission.api.get('/api/dashboard?stuck=false')).body;
    expect(others.pilots.map((p: { id: string }) => p.id)).toEqual([calmId]);
    expect((await commission.api.get('/api/dashboard?stuck=maybe')).status).toBe(400);

    const detail = ok(await commission.api.get(`/api/dashboard/pilots/${stuckId}`)).body;
    expect(detail.pilot.stuck).toEqual(stuck.stuck);
    // The timeline: each stage with its planned end beside its real one.
    const assessment = detail.timeline.find((e: { stage: string }) => e.stage === 'needs_assessment');
    expect(assessment.deadline).not.toBeNull();
    expect(assessment.late).toBe(false);
    expect(detail.timeline.at(-1)).toMatchObject({ stage: 'aggregation', exitedAt: null });
  });

  it('refuses the stuck filter and the exports to buyers (the lead included) and suppliers with 403', async () => {
    for (const a of [lead, oslo, supplier])
      for (const path of [
        '/api/dashboard?stuck=true',
        '/api/dashboard/pilots.csv?stuck=true',
        '/api/dashboard/pilots.xlsx?stuck=true',
        `/api/dashboard/pilots/${stuckId}`,
      ]) {
        const res = await a.api.get(path);
        expect(res.status, `${a.user.name} ${path}`).toBe(403);
      }
  });

  const cases = [
    {
      lang: 'en',
      delimiter: ',',
      stuck: 'Stuck',
      stage: 'Stage',
      route: 'Procurement route',
      reason: 'exchange rate missing',
      aggregation: 'Aggregation',
      draft: 'Draft',
      joint: 'The buyers jointly',
      no: 'no',
      buyers: 'Buyers',
    },
    {
      lang: 'fr',
      delimiter: ';',
      stuck: 'Bloqué',
      stage: 'Étape',
      route: 'Voie de passation',
      reason: 'taux de change manquant',
      aggregation: 'Agrégation',
      draft: 'Brouillon',
      joint: 'Les acheteurs conjointement',
      no: 'non',
      buyers: 'Acheteurs',
    },
    {
      lang: 'de',
      delimiter: ';',
      stuck: 'Blockiert',
      stage: 'Phase',
      route: 'Vergabeweg',
      reason: 'Wechselkurs fehlt',
      aggregation: 'Bündelung',
      draft: 'Entwurf',
      joint: 'Die Auftraggeber gemeinsam',
      no: 'nein',
      buyers: 'Auftraggeber',
    },
  ] as const;

  for (const w of cases) {
    it(`writes the stuck reason, the stage and the route in words in the CSV and the workbook (${w.lang})`, async () => {
      const csv = ok(await commission.api.get(`/api/dashboard/pilots.csv?lang=${w.lang}`)).body as string;
      const rows = parse(csv, { columns: true, bom: true, delimiter: w.delimiter }) as Record<string, string>[];
      const stuck = rows.find((r) => r.ID === stuckId)!;
      const calm = rows.find((r) => r.ID === calmId)!;
      expect(stuck).toMatchObject({ [w.stuck]: w.reason, [w.stage]: w.aggregation, [w.route]: w.joint });
      expect(calm).toMatchObject({ [w.stuck]: w.no, [w.stage]: w.draft });
      // Only the stuck one with the filter.
      const filtered = parse(
        ok(await commission.api.get(`/api/dashboard/pilots.csv?lang=${w.lang}&stuck=true`)).body as string,
        { columns: true, bom: true, delimiter: w.delimiter },
      ) as Record<string, string>[];
      expect(filtered.map((r) => r.ID)).toEqual([stuckId]);

      const a = commission.api;
      const res = await fetch(new URL(`/api/dashboard/pilots.xlsx?lang=${w.lang}`, a.baseUrl), {
        headers: {
          ...(a.cookie ? { cookie: a.cookie } : {}),
          ...(a.auth.bearer ? { authorization: `Bearer ${a.auth.bearer}` } : {}),
        },
      });
      expect(res.status).toBe(200);
      const workbook = new ExcelJS.Workbook();
      await workbook.xlsx.load(await res.arrayBuffer());
      const sheet = workbook.worksheets[0]!;
      const headers = (sheet.getRow(1).values as unknown[]).slice(1);
      const col = (name: string) => headers.indexOf(name) + 1;
      const rowOf = (id: string) => {
        for (let i = 2; i <= sheet.rowCount; i++) if (sheet.getRow(i).getCell(1).value === id) return sheet.getRow(i);
        throw new Error(`no row for ${id}`);
      };
      expect(rowOf(stuckId).getCell(col(w.stuck)).value).toBe(w.reason);
      expect(rowOf(stuckId).getCell(col(w.stage)).value).toBe(w.aggregation);
      expect(rowOf(stuckId).getCell(col(w.route)).value).toBe(w.joint);
      expect(rowOf(calmId).getCell(col(w.stuck)).value).toBe(w.no);
      // Counts stay numbers.
      expect(rowOf(stuckId).getCell(col(w.buyers)).value).toBe(2);
    });
  }
});
