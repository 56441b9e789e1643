import { randomUUID } from 'node:crypto';

import ExcelJS from 'exceljs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { ApiClient, type Harness, makeActor, needLine, startHarness } from './support/harness.js';
import { statementInMarketEngagement } from './support/published-statement.js';

type Actor = Awaited<ReturnType<typeof makeActor>>;

/**
 * Issue 19, point 3: "the lead sees answers out of question order, with no comparison or export".
 * GET /api/statements/{id}/market/responses.xlsx gives the lead one row per request-for-information
 * question in the request's order and one column per responding supplier, headers in its language;
 * a participant and Commission staff get 403, a supplier 404, nobody 401.
 */
describe('the lead’s export of supplier responses', () => {
  let h: Harness;
  let lead: Actor;
  let participant: Actor;
  let alpha: Actor;
  let beta: Actor;
  let id = '';
  const tag = randomUUID().slice(0, 6);
  const questions = [
    { id: 'lead-time', text: `What lead time do you need (${tag})?` },
    { id: 'warranty', text: `Which warranty do you offer (${tag})?` },
  ];
  const path = (lang = 'en') => `/api/statements/${id}/market/responses.xlsx?lang=${lang}`;

  beforeAll(async () => {
    h = await startHarness();
    lead = await makeActor(h, { kind: 'buyer', name: `Tampere ${tag}`, country: 'FI' }, { roles: ['signatory'] });
    participant = await makeActor(h, { kind: 'buyer', name: `Bergen ${tag}`, country: 'NO' }, { roles: ['signatory'] });
    alpha = await makeActor(h, { kind: 'supplier', name: `Alpha Loaders ${tag}`, country: 'SE' });
    beta = await makeActor(h, { kind: 'supplier', name: `Beta Machines ${tag}`, country: 'DK' });
    id = await statementInMarketEngagement(h, lead, [
      [lead, [needLine({ quantity: '2' })]],
      [participant, [needLine({ quantity: '3' })]],
    ]);
    expect((await lead.api.put(`/api/statements/${id}/consultation/rfi`, { questions })).status).toBe(200);
    // Beta answers the second question first in its object: the export still follows the request's order.
    for (const [who, answers] of [
      [beta, { warranty: 'Five years', 'lead-time': 'Six months' }],
      [alpha, { 'lead-time': '=1+1', warranty: 'Three years' }],
    ] as const) {
      const res = await who.api.put(`/api/consultations/${id}/response`, { answers });
      expect(res.status, JSON.stringify(res.body)).toBe(200);
    }
  }, 180_000);

  afterAll(async () => {
    await h?.close();
  });

  async function sheetOf(lang: string) {
    const res = await fetch(new URL(path(lang), h.baseUrl), {
      headers: lead.api.auth.bearer ? { authorization: `Bearer ${lead.api.auth.bearer}` } : {},
    });
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toContain('spreadsheetml.sheet');
    expect(res.headers.get('cache-control')).toBe('private, no-store');
    const workbook = new ExcelJS.Workbook();
    await workbook.xlsx.load(await res.arrayBuffer());
    const sheet = workbook.worksheets[0]!;
    const rows: unknown[][] = [];
    sheet.eachRow((row) => rows.push((row.values as unknown[]).slice(1)));
    return { name: sheet.name, rows };
  }

  it('gives the lead one row per question in order and one column per supplier, in its language', async () => {
    const en = await sheetOf('en');
    expect(en.name).toBe('Supplier responses');
    const [header, ...body] = en.rows;
    expect(header![0]).toBe('Question');
    const alphaAt = header!.indexOf(`Alpha Loaders ${tag}`);
    const betaAt = header!.indexOf(`Beta Machines ${tag}`);
    expect(alphaAt).toBeGreaterThan(0);
    expect(betaAt).toBeGreaterThan(0);
    expect(body.map((r) => r[0])).toEqual(questions.map((q) => q.text));
    expect([body[0]![alphaAt], body[0]![betaAt]]).toEqual(['=1+1', 'Six months']);
    expect([body[1]![alphaAt], body[1]![betaAt]]).toEqual(['Three years', 'Five years']);
    const de = await sheetOf('de');
    expect(de.name).toBe('Antworten der Lieferanten');
    expect(de.rows[0]![0]).toBe('Frage');
    expect((await sheetOf('fr')).name).toBe('Réponses des fournisseurs');
  });

  it('refuses a participant (403), a supplier (404) and nobody (401)', async () => {
    for (const [who, status] of [
      [participant, 403],
      [alpha, 404],
    ] as const) {
      const res = await who.api.get(path());
      expect(res.status).toBe(status);
      expect(JSON.stringify(res.body)).not.toContain('Five years');
    }
    expect((await new ApiClient(h.baseUrl).get(path())).status).toBe(401);
  });
});
