import { parse } from 'csv-parse/sync';
import ExcelJS from 'exceljs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { ApiClient, type Harness, makeActor, needLine, startHarness } from './support/harness.js';
import { statementWithSurveyOpen, submitNeeds } from './support/needs-survey.js';

type Actor = Awaited<ReturnType<typeof makeActor>>;

/**
 * The lead's results of its own needs survey (issue 18, point 3): per question, per participant,
 * and as XLSX and CSV exports; every other viewer is refused (design: only the lead reads every
 * participant's answers and lines). The survey is `surveyOfEveryType`, answered by the lead and
 * Oslo; Copenhagen has not submitted.
 */
describe('survey results for the lead', () => {
  let h: Harness;
  let lead: Actor;
  let oslo: Actor;
  let copenhagen: Actor;
  let supplier: Actor;
  let commission: Actor;
  let admin: Actor;
  let id: string;

  const download = async (a: ApiClient, path: string) => {
    const res = await fetch(new URL(path, h.baseUrl), {
      headers: a.auth.bearer ? { authorization: `Bearer ${a.auth.bearer}` } : {},
    });
    return { status: res.status, headers: res.headers, bytes: Buffer.from(await res.arrayBuffer()) };
  };

  beforeAll(async () => {
    h = await startHarness();
    lead = await makeActor(h, { kind: 'buyer', name: 'Helsinki', country: 'FI' }, { label: 'lead' });
    oslo = await makeActor(h, { kind: 'buyer', name: 'Oslo kommune', country: 'NO' }, { label: 'oslo' });
    copenhagen = await makeActor(h, { kind: 'buyer', name: 'København', country: 'DK' }, { label: 'cph' });
    supplier = await makeActor(h, { kind: 'supplier', country: 'SE' }, { label: 'supplier' });
    commission = await makeActor(h, { kind: 'commission', country: 'BE' }, { label: 'commission' });
    admin = await makeActor(h, { kind: 'commission', country: 'BE' }, { label: 'admin', isAdmin: true });
    id = await statementWithSurveyOpen(lead, [oslo, copenhagen]);
    await submitNeeds(lead, id, [needLine({ quantity: '2' })], {
      drive: 'electric',
      sites: ['city', 'port'],
      charging: true,
      fleet: '12',
      start: '2027-03-01',
    });
    await submitNeeds(
      oslo,
      id,
      [needLine({ quantity: '5', description: 'Wheel loader, électrique' }), needLine({ cpvCode: '34144900' })],
      {
        drive: 'electric',
        sites: ['city'],
        charging: false,
        fleet: '40.5',
        start: '2026-11-15',
        notes: '=HYPERLINK("http://evil.example","Depots for ø and ß")',
      },
    );
    // Copenhagen saves a draft but never submits: a draft is not an answer.
    await copenhagen.api.put(`/api/statements/${id}/needs/draft`, {
      lines: [needLine()],
      answers: { drive: 'hydrogen' },
    });
  });
  afterAll(async () => h?.close());

  it('gives the lead the answers per question: counts per option, yes/no, numbers, dates', async () => {
    const res = await lead.api.get(`/api/statements/${id}/survey-results`);
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ stage: 'needs_assessment', survey: { version: 1 } });
    expect(res.body.participants).toEqual({ total: 3, respondents: 2 });
    const q = Object.fromEntries(res.body.questions.map((r: { id: string }) => [r.id, r]));
    expect(q.drive).toMatchObject({
      type: 'single_choice',
      answered: 2,
      options: [
        { id: 'electric', label: 'Battery electric', count: 2 },
        { id: 'hydrogen', label: 'Hydrogen', count: 0 },
      ],
    });
    expect(q.sites.options.map((o: { count: number }) => o.count)).toEqual([2, 1, 0]);
    expect(q.charging).toMatchObject({ type: 'yes_no', answered: 2, yes: 1, no: 1 });
    expect(q.fleet).toMatchObject({
      type: 'number',
      unit: 'H87',
      summary: { min: '12', max: '40.5', sum: '52.5', mean: '26.25', median: '26.25' },
    });
    expect(q.start).toMatchObject({ earliest: '2026-11-15', latest: '2027-03-01' });
    expect(q.notes).toMatchObject({ type: 'text', answered: 1 });
  });

  it('lists the respondents a page at a time, each with its answers and number of lines', async () => {
    const first = await lead.api.get(`/api/statements/${id}/survey-results/respondents?limit=1`);
    expect(first.status).toBe(200);
    expect(first.body.respondents).toHaveLength(1);
    expect(first.body.respondents[0]).toMatchObject({ name: 'Helsinki', lines: 1, version: 1, status: 'submitted' });
    expect(first.body.nextCursor).toEqual(expect.any(String));
    const second = await lead.api.get(
      `/api/statements/${id}/survey-results/respondents?limit=1&cursor=${first.body.nextCursor}`,
    );
    expect(second.body.respondents[0]).toMatchObject({
      organisationId: oslo.org.id,
      name: 'Oslo kommune',
      country: 'NO',
      lines: 2,
      answers: { drive: 'electric', sites: ['city'], charging: false, fleet: '40.5' },
    });
    expect(second.body.nextCursor).toBeNull();
    expect((await lead.api.get(`/api/statements/${id}/survey-results/respondents?cursor=nonsense`)).status).toBe(400);
  });

  it('exports a workbook: summary, answers and need lines, headers in the language asked for', async () => {
    const res = await download(lead.api, `/api/statements/${id}/survey-results.xlsx?lang=fr`);
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toMatch(
      /^application\/vnd\.openxmlformats-officedocument\.spreadsheetml\.sheet/,
    );
    expect(res.headers.get('content-disposition')).toMatch(/attachment; filename="survey-results-.*\.xlsx"/);
    const book = new ExcelJS.Workbook();
    await book.xlsx.load(res.bytes as unknown as ArrayBuffer);
    expect(book.worksheets.map((s) => s.name)).toEqual(['Synthèse', 'Réponses', 'Lignes de besoin']);
    const rows = (name: string) =>
      book
        .getWorksheet(name)!
        .getSheetValues()
        .filter(Boolean)
        .map((r) => (r as unknown[]).slice(1));
    const answers = rows('Réponses');
    expect(answers[0]!.slice(0, 3)).toEqual(['Organisation', 'Pays', 'Statut']);
    expect(answers[0]).toContain('How many machines do you run today? (H87)');
    const osloRow = answers.find((r) => r[0] === 'Oslo kommune')!;
    expect(osloRow).toContain('Non');
    expect(osloRow).toContain(40.5);
    expect(osloRow).toContain('City centre');
    // Text stays text: the buyer's formula is a string cell, never a formula.
    expect(osloRow).toContain('=HYPERLINK("http://evil.example","Depots for ø and ß")');
    const lines = rows('Lignes de besoin');
    expect(lines[0]!.slice(0, 4)).toEqual(['Organisation', 'Pays', 'Ligne', 'Code CPV']);
    expect(lines.slice(1).map((r) => r[0])).toEqual(['Helsinki', 'Oslo kommune', 'Oslo kommune']);
    expect(lines.find((r) => r[4] === 'Wheel loader, électrique')).toBeDefined();
    const summary = rows('Synthèse');
    expect(summary.find((r) => r[0] === 'Which drive do you need?' && r[2] === 'Battery electric')).toEqual([
      'Which drive do you need?',
      'Choix unique',
      'Battery electric',
      2,
      1,
    ]);
  });

  it('exports CSV in UTF-8 with a byte order mark, localised headers and neutralised cells', async () => {
    const res = await download(lead.api, `/api/statements/${id}/survey-results.csv?lang=de`);
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toMatch(/^text\/csv; charset=utf-8/);
    expect([...res.bytes.subarray(0, 3)]).toEqual([0xef, 0xbb, 0xbf]);
    const rows = parse(res.bytes.subarray(3).toString('utf8')) as string[][];
    expect(rows[0]!.slice(0, 8)).toEqual([
      'Organisation',
      'Land',
      'Status',
      'Version',
      'Fragebogenversion',
      'Eingereicht am',
      'Bestätigt am',
      'Bedarfspositionen',
    ]);
    expect(rows).toHaveLength(3);
    const osloRow = rows.find((r) => r[0] === 'Oslo kommune')!;
    expect(osloRow).toContain('Nein');
    expect(osloRow).toContain('Eingereicht');
    expect(osloRow).toContain(`'=HYPERLINK("http://evil.example","Depots for ø and ß")`);
    expect((await download(lead.api, `/api/statements/${id}/survey-results.csv?lang=xx`)).status).toBe(400);
  });

  it('counts a buyer once, with its newest answers, when a confirmed version is followed by a new submission', async () => {
    // As after a reopened needs assessment: Oslo's version 1 confirmed, then a version 2 submitted.
    await h.db
      .updateTable('need_versions')
      .set({ status: 'confirmed', confirmed_at: new Date() })
      .where('statement_id', '=', id)
      .where('organisation_id', '=', oslo.org.id)
      .execute();
    const saved = await oslo.api.put(`/api/statements/${id}/needs/draft`, {
      lines: [needLine()],
      answers: { drive: 'hydrogen', charging: true },
    });
    expect(saved.body.problems).toEqual([]);
    expect((await oslo.api.post(`/api/statements/${id}/needs/submit`)).body.version).toBe(2);
    const res = await lead.api.get(`/api/statements/${id}/survey-results`);
    expect(res.body.participants.respondents).toBe(2);
    const q = Object.fromEntries(res.body.questions.map((r: { id: string }) => [r.id, r]));
    expect(q.drive.options.map((o: { count: number }) => o.count)).toEqual([1, 1]);
    expect(q.charging).toMatchObject({ yes: 2, no: 0 });
    const page = await lead.api.get(`/api/statements/${id}/survey-results/respondents`);
    expect(page.body.respondents.map((r: { name: string; version: number }) => [r.name, r.version])).toEqual([
      ['Helsinki', 1],
      ['Oslo kommune', 2],
    ]);
  });

  it('refuses every other viewer: participant, Commission staff, administrator, supplier, nobody', async () => {
    const paths = ['survey-results', 'survey-results/respondents', 'survey-results.xlsx', 'survey-results.csv'];
    const viewers: [string, ApiClient, number][] = [
      ['participant', oslo.api, 403],
      ['participant without a submission', copenhagen.api, 403],
      ['Commission staff', commission.api, 403],
      ['administrator', admin.api, 403],
      ['supplier', supplier.api, 404],
      ['anonymous', new ApiClient(h.baseUrl), 401],
    ];
    for (const path of paths)
      for (const [who, api, status] of viewers) {
        const res = await download(api, `/api/statements/${id}/${path}`);
        expect(res.status, `${who} GET ${path}`).toBe(status);
        const text = res.bytes.toString('utf8');
        for (const secret of ['Battery electric', 'Oslo kommune', '40.5']) expect(text).not.toContain(secret);
      }
  });
});
