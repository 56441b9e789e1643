import { randomUUID } from 'node:crypto';

import ExcelJS from 'exceljs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { type Harness, makeActor, needLine, startHarness } from './support/harness.js';
import { statementWithSurveyOpen } from './support/needs-survey.js';
import { deliveryYear } from './support/sample-input.js';

type Actor = Awaited<ReturnType<typeof makeActor>>;

const xlsx = 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet';
const answers = { drive: 'electric', charging: true, fleet: '12' };

/**
 * Issue 18, "Need lines from and to spreadsheets", through the API: the template in the viewer's
 * language; an upload checked row by row by the rules of a submission (nothing saved while any
 * row is wrong, each problem named by row and column), filling the draft when all are right,
 * once per Idempotency-Key; a buyer's own lines as a workbook; wrong files and wrong viewers.
 */
describe('need lines from and to spreadsheets', () => {
  let h: Harness;
  let lead: Actor;
  let oslo: Actor;
  let bergen: Actor;
  let id = '';
  const tag = randomUUID().slice(0, 6);

  beforeAll(async () => {
    h = await startHarness();
    lead = await makeActor(h, { kind: 'buyer', name: `Helsinki ${tag}`, country: 'FI' });
    oslo = await makeActor(h, { kind: 'buyer', name: `Oslo ${tag}`, country: 'NO' });
    bergen = await makeActor(h, { kind: 'buyer', name: `Bergen ${tag}`, country: 'NO' });
    id = await statementWithSurveyOpen(lead, [oslo, bergen]);
  }, 180_000);

  afterAll(async () => h?.close());

  const request = (a: Actor | undefined, method: string, path: string, body?: Buffer | string, headers = {}) =>
    fetch(new URL(path, h.baseUrl), {
      method,
      headers: { ...(a ? { authorization: `Bearer ${(a.api.auth as { bearer: string }).bearer}` } : {}), ...headers },
      body,
    });

  async function workbookOf(res: Response) {
    expect(res.status, await res.clone().text()).toBe(200);
    expect(res.headers.get('content-type')).toContain('spreadsheetml.sheet');
    expect(res.headers.get('cache-control')).toBe('private, no-store');
    const workbook = new ExcelJS.Workbook();
    await workbook.xlsx.load(await res.arrayBuffer());
    return workbook;
  }

  /** The template in `lang`, filled with `rows` (cells in the template's column order) from row 2. */
  async function filled(a: Actor, lang: string, rows: unknown[][]): Promise<Buffer> {
    const workbook = await workbookOf(
      await request(a, 'GET', `/api/statements/${id}/needs-template.xlsx?lang=${lang}`),
    );
    const sheet = workbook.worksheets[0]!;
    rows.forEach((cells, i) => (sheet.getRow(i + 2).values = cells as ExcelJS.CellValue[]));
    return Buffer.from(await workbook.xlsx.writeBuffer());
  }

  const upload = (a: Actor | undefined, file: Buffer | string, lang = 'en', headers: Record<string, string> = {}) =>
    request(a, 'POST', `/api/statements/${id}/needs/draft/sheet?lang=${lang}`, file, {
      'content-type': xlsx,
      'idempotency-key': randomUUID(),
      ...headers,
    });

  it('gives the template in the viewer’s language, with a notes sheet', async () => {
    const workbook = await workbookOf(await request(oslo, 'GET', `/api/statements/${id}/needs-template.xlsx?lang=de`));
    expect(workbook.worksheets.map((w) => w.name)).toEqual(['Bedarfszeilen', 'Ausfüllhilfe']);
    expect(workbook.worksheets[0]!.getRow(1).getCell(5).value).toBe('Geschätzter Stückpreis');
    expect(workbook.worksheets[0]!.getCell('G2').dataValidation).toMatchObject({
      type: 'whole',
      formulae: [deliveryYear, deliveryYear + 2],
    });
  });

  it('refuses a sheet with a wrong row, naming each problem by row and column, and saves nothing', async () => {
    await oslo.api.put(`/api/statements/${id}/needs/draft`, { lines: [needLine({ quantity: '9' })], answers });
    const before = (await oslo.api.get(`/api/statements/${id}/needs/${oslo.org.id}`)).body.draft;
    const file = await filled(oslo, 'en', [
      ['43260000-3', 'Electric excavator', 4, 'H87', '390,000.00', 'EUR', deliveryYear],
      ['43260000-3', 'Wheel loader', '2', 'H87', '390.000', 'EUR', deliveryYear + 9],
      [],
      ['43260000-1', 'Dumper', 0, 'H87', 1000, 'EUR', deliveryYear],
    ]);
    const res = await upload(oslo, file);
    expect(res.status).toBe(422);
    const problem = (await res.json()) as { code: string; errors: { row: number; column: string; rule: string }[] };
    expect(problem.code).toBe('unprocessable');
    expect(problem.errors.map((e) => `${e.row} ${e.column}`)).toEqual([
      '3 Estimated unit price',
      '3 Delivery year (from)',
      '5 CPV code',
      '5 Quantity',
    ]);
    expect(problem.errors[0]!.rule).toMatch(/^is ambiguous: "390.000" could be 390 or 390000/);
    expect(problem.errors[1]!.rule).toMatch(/delivery horizon/);
    expect((await oslo.api.get(`/api/statements/${id}/needs/${oslo.org.id}`)).body.draft).toEqual(before);
  });

  it('fills the draft from a sheet whose rows are all right, keeping the answers, once per Idempotency-Key', async () => {
    // French: "390 000" is 390000, a number cell is the number it holds.
    const file = await filled(oslo, 'fr', [
      ['43260000-3', 'Pelle électrique', '4', 'H87', '390 000', 'EUR', deliveryYear, deliveryYear + 1],
      ['43260000', 'Chargeuse', 2, 'h87', 1250.5, 'EUR', deliveryYear, null, 60, 'Dépôts', '1', 2, '0,5'],
    ]);
    const key = randomUUID();
    const res = await upload(oslo, file, 'fr', { 'idempotency-key': key });
    const body = (await res.json()) as { filled: number; lines: unknown[]; readyToSubmit: boolean };
    expect(res.status, JSON.stringify(body)).toBe(200);
    expect(body).toMatchObject({ filled: 2, readyToSubmit: true });
    const draft = (await oslo.api.get(`/api/statements/${id}/needs/${oslo.org.id}`)).body.draft;
    expect(draft.answers).toEqual(answers);
    expect(draft.lines).toEqual([
      expect.objectContaining({
        cpvCode: '43260000',
        cpvCheckDigit: '3',
        quantity: '4',
        unitPrice: '390000',
        delivery: { fromYear: deliveryYear, toYear: deliveryYear + 1 },
      }),
      expect.objectContaining({
        unit: 'H87',
        unitPrice: '1250.5',
        frameworkMonths: 60,
        frameworkJustification: 'Dépôts',
        optionalQuantity: '1',
        renewals: { count: 2, quantityEach: '0.5' },
      }),
    ]);
    // Repeated with its key: the same answer, one audit entry; the key with another sheet: 422.
    expect((await upload(oslo, file, 'fr', { 'idempotency-key': key })).status).toBe(200);
    const saves = await h.db
      .selectFrom('audit_events')
      .select('seq')
      .where('chain', '=', id)
      .where('action', '=', 'needs_draft_saved')
      .where('actor_org_id', '=', oslo.org.id)
      .execute();
    expect(saves).toHaveLength(2); // the draft saved before, and this upload once
    const other = await filled(oslo, 'fr', [['43260000-3', 'Autre', '1', 'H87', '1', 'EUR', deliveryYear]]);
    expect((await upload(oslo, other, 'fr', { 'idempotency-key': key })).status).toBe(422);
    expect((await oslo.api.post(`/api/statements/${id}/needs/submit`)).status).toBe(200);
  });

  it('exports a buyer’s own lines in the template’s columns: its draft to itself, its submitted version to the lead', async () => {
    const draft = await filled(oslo, 'en', [['43260000-3', 'Draft only', '1', 'H87', '5', 'EUR', deliveryYear]]);
    expect((await upload(oslo, draft)).status).toBe(200);
    const own = await workbookOf(await request(oslo, 'GET', `/api/statements/${id}/needs/${oslo.org.id}/lines.xlsx`));
    expect(own.worksheets[0]!.getRow(2).values).toEqual([
      undefined,
      '43260000-3',
      'Draft only',
      1,
      'H87',
      5,
      'EUR',
      deliveryYear,
    ]);
    const led = await workbookOf(
      await request(lead, 'GET', `/api/statements/${id}/needs/${oslo.org.id}/lines.xlsx?lang=de`),
    );
    const sheet = led.worksheets[0]!;
    expect(sheet.getRow(1).getCell(1).value).toBe('CPV-Code');
    expect([sheet.getCell('B2').value, sheet.getCell('E2').value, sheet.getCell('B3').value]).toEqual([
      'Pelle électrique',
      390000,
      'Chargeuse',
    ]);
    // What the buyer exports it can upload again as it is.
    const again = Buffer.from(await own.xlsx.writeBuffer());
    expect((await upload(oslo, again)).status).toBe(200);
  });

  it('refuses the wrong viewers: another buyer, a supplier, Commission staff, nobody', async () => {
    const commission = await makeActor(h, { kind: 'commission', country: 'BE' });
    const supplier = await makeActor(h, { kind: 'supplier', country: 'SE' });
    const file = await filled(oslo, 'en', [['43260000-3', 'x', '1', 'H87', '5', 'EUR', deliveryYear]]);
    const lines = `/api/statements/${id}/needs/${oslo.org.id}/lines.xlsx`;
    for (const [who, a, read, template, sent] of [
      ['another buyer', bergen, 403, 200, 200],
      ['a supplier', supplier, 404, 404, 404],
      ['Commission staff', commission, 403, 403, 403],
      ['nobody', undefined, 401, 401, 401],
    ] as const) {
      const res = await request(a, 'GET', lines);
      expect(res.status, `${who} reads Oslo's lines`).toBe(read);
      expect(await res.text()).not.toContain('Pelle');
      expect((await request(a, 'GET', `/api/statements/${id}/needs-template.xlsx`)).status, who).toBe(template);
      expect((await upload(a, file)).status, `${who} uploads`).toBe(sent);
    }
    // Bergen's upload filled Bergen's draft, not Oslo's.
    expect((await bergen.api.get(`/api/statements/${id}/needs/${bergen.org.id}`)).body.draft.lines).toHaveLength(1);
    expect((await oslo.api.get(`/api/statements/${id}/needs/${oslo.org.id}`)).body.draft.lines[0].description).toBe(
      'Draft only',
    );
  });

  it('answers a wrong file: another media type 415, no file or not a workbook 400, too large 413', async () => {
    expect((await upload(oslo, 'a,b,c', 'en', { 'content-type': 'text/csv' })).status).toBe(415);
    expect((await upload(oslo, '--x', 'en', { 'content-type': 'multipart/form-data; boundary=x' })).status).toBe(415);
    const json = await upload(oslo, '{}', 'en', { 'content-type': 'application/json' });
    expect(json.status).toBe(400);
    expect(((await json.json()) as { errors: { field: string }[] }).errors[0]!.field).toBe('(body)');
    expect((await request(oslo, 'POST', `/api/statements/${id}/needs/draft/sheet`)).status).toBe(400);
    const garbage = await upload(oslo, Buffer.from('PK\u0003\u0004 not really a zip'));
    expect(garbage.status).toBe(400);
    expect(await garbage.json()).toMatchObject({ code: 'invalid_input' });
    const huge = await upload(oslo, Buffer.alloc(5 * 1024 * 1024 + 1, 1));
    expect(huge.status).toBe(413);
    expect(await huge.json()).toMatchObject({ errors: [{ field: '(body)', rule: 'must be at most 5 MB' }] });
    const bad = await upload(oslo, Buffer.from('x'), 'xx');
    expect(bad.status).toBe(400);
  });
});
