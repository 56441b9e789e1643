import { execFile } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { mkdtemp, writeFile } from 'node:fs/promises';
import { createServer, type Server } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { PLATFORM_CHAIN } from '../db/audit.js';
import { importEcbRates } from '../services/exchange-rates/import-ecb-rates.js';
import { ensureRatesSchedule } from '../services/exchange-rates/rates-schedule.js';
import { ecbRatesImportWorkflowType } from '../workflows/exchange-rates/messages.js';
import { type Harness, makeActor, startHarness, until } from './support/harness.js';

const fixtures = new URL('./fixtures/ecb/', import.meta.url);
const fixture = (name: string) => join(fixtures.pathname, name);
const root = new URL('..', import.meta.url).pathname;

/** `npm run import-rates -- …`, as an operator runs it, against this file's database. */
function importRates(h: Harness, args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    execFile(
      process.execPath,
      ['--import', 'tsx', 'bin/import-rates.ts', ...args],
      {
        cwd: root,
        env: { ...process.env, DATABASE_URL: h.config.DATABASE_URL, LOG_LEVEL: 'silent', NODE_ENV: 'test' },
        timeout: 60_000,
      },
      (error, stdout, stderr) => resolve({ code: error ? Number(error.code ?? 1) : 0, stdout, stderr }),
    );
  });
}

/**
 * ECB reference rates by command and by the daily schedule (issue 18): the real file formats, the
 * one audited save path, and an import that changes nothing the second time. A database of its
 * own: rate tables are for every statement, and other files count on theirs.
 */
describe('importing the ECB reference rates', () => {
  let h: Harness;
  let server: Server;
  let served = fixture('eurofxref-daily.xml');
  let requests = 0;
  let baseUrl = '';

  const rateEvents = () =>
    h.db
      .selectFrom('audit_events')
      .select(['action', 'data'])
      .where('chain', '=', PLATFORM_CHAIN)
      .where('action', 'in', ['exchange_rates_recorded', 'exchange_rates_replaced'])
      .orderBy('seq')
      .execute();
  const table = (date: string) =>
    h.db.selectFrom('exchange_rate_tables').selectAll().where('rate_date', '=', date).executeTakeFirst();

  beforeAll(async () => {
    h = await startHarness({ freshDatabase: true });
    server = createServer((req, res) => {
      requests += 1;
      if (req.url === '/missing.xml') {
        res.writeHead(404).end('not found');
        return;
      }
      res.writeHead(200, { 'content-type': 'text/xml' }).end(readFileSync(served));
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', () => resolve()));
    baseUrl = `http://127.0.0.1:${(server.address() as { port: number }).port}`;
  });
  afterAll(async () => {
    await new Promise((resolve) => server?.close(resolve));
    await h?.close();
  });

  it('imports the daily XML by command, once: the same file again records nothing and audits nothing', async () => {
    const first = await importRates(h, ['--file', fixture('eurofxref-daily.xml')]);
    expect(first.stderr).toBe('');
    expect(first.code).toBe(0);
    expect(first.stdout).toContain('Read 1 day(s) of ECB reference rates (2026-12-04)');
    expect(first.stdout).toContain('Recorded 1 new day(s), replaced 0, 0 unchanged');
    const row = await table('2026-12-04');
    expect(row!.rates).toMatchObject({ NOK: '11.8025', GBP: '0.87330' });
    expect(row!.source).toBe('European Central Bank euro reference rates, file eurofxref-daily.xml');
    expect(await rateEvents()).toHaveLength(1);

    const again = await importRates(h, ['--file', fixture('eurofxref-daily.xml')]);
    expect(again.code).toBe(0);
    expect(again.stdout).toContain('Recorded 0 new day(s), replaced 0, 1 unchanged');
    // The daily CSV holds the same rates: nothing changes either.
    expect((await importRates(h, ['--file', fixture('eurofxref.csv')])).stdout).toContain('1 unchanged');
    expect(await rateEvents()).toHaveLength(1);
  });

  it('imports the historical files, replacing a changed day with an audited replacement', async () => {
    const hist = await importEcbRates(h.ctx, null, { file: fixture('eurofxref-hist.xml') });
    // 2026-12-04 of the hist file (cut down to 4 currencies) differs from the daily file's 29: replaced.
    expect(hist).toMatchObject({
      days: 4,
      recorded: ['2025-12-31', '2026-12-02', '2026-12-03'],
      replaced: ['2026-12-04'],
      unchanged: 0,
    });
    const events = await rateEvents();
    expect(events.map((e) => e.action)).toEqual([
      'exchange_rates_recorded',
      'exchange_rates_recorded',
      'exchange_rates_recorded',
      'exchange_rates_recorded',
      'exchange_rates_replaced',
    ]);
    const replaced = events.at(-1)!.data as { date: string; previous: { rates: Record<string, string> } };
    expect(replaced.date).toBe('2026-12-04');
    expect(Object.keys(replaced.previous.rates)).toHaveLength(29);

    const csv = await importEcbRates(h.ctx, null, { file: fixture('eurofxref-hist.csv') });
    expect(csv.recorded).toEqual(['2007-12-31']);
    expect((await table('2007-12-31'))!.rates).toMatchObject({ CYP: '0.585274' });
    expect((await table('2026-12-03'))!.rates).toMatchObject({ JPY: '180.31', NOK: '11.7890' });
  });

  it('exits non-zero naming the problem: a file that is not ECB rates, a missing file, a URL that fails', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'ecb-'));
    const broken = join(dir, 'eurofxref-hist.csv');
    await writeFile(broken, readFileSync(fixture('eurofxref-hist.csv'), 'utf8').replace('11.7890', 'n.a.'));
    const bad = await importRates(h, ['--file', broken]);
    expect(bad.code).toBe(1);
    expect(bad.stderr).toContain('Import failed: The rate of NOK on line 3 is not a number');
    expect(bad.stderr).toContain('line 3, NOK');

    const missing = await importRates(h, ['--file', join(dir, 'nothing.xml')]);
    expect(missing.code).toBe(1);
    expect(missing.stderr).toContain('ENOENT');

    const gone = await importRates(h, ['--url', `${baseUrl}/missing.xml`]);
    expect(gone.code).toBe(1);
    expect(gone.stderr).toContain('answered 404');

    expect((await importRates(h, ['--file', broken, '--url', baseUrl])).code).toBe(2);
    expect((await importRates(h, ['--day', '1'])).code).toBe(2);
  });

  it('imports by the daily schedule from ECB_RATES_URL (a local server here), once however often it runs', async () => {
    const day = '2026-12-07';
    const dir = await mkdtemp(join(tmpdir(), 'ecb-'));
    served = join(dir, 'eurofxref-daily.xml');
    await writeFile(served, readFileSync(fixture('eurofxref-daily.xml'), 'utf8').replace('2026-12-04', day));
    const before = (await rateEvents()).length;
    const scheduleId = `ecb-rates-${Date.now()}`;
    const id = await ensureRatesSchedule(h.temporal, {
      taskQueue: h.taskQueue,
      url: `${baseUrl}/eurofxref-daily.xml`,
      scheduleId,
    });
    const handle = h.temporal.schedule.getHandle(id);
    try {
      const described = await handle.describe();
      expect(described.action).toMatchObject({ type: 'startWorkflow', workflowType: ecbRatesImportWorkflowType });
      const seen = requests;
      await handle.trigger();
      await until(
        () => table(day),
        (row) => row !== undefined,
        60_000,
        'the scheduled import to record the day',
      );
      expect((await table(day))!.rates).toMatchObject({ NOK: '11.8025' });
      expect((await table(day))!.source).toBe(
        `European Central Bank euro reference rates, ${baseUrl}/eurofxref-daily.xml`,
      );
      // Run again (the next day's run with the same file): fetched again, nothing recorded again.
      await until(
        async () => (await handle.describe()).info.recentActions.length,
        (n) => n >= 1,
        30_000,
        'the first run to be listed',
      );
      const firstRun = (await handle.describe()).info.recentActions[0]!.action.workflow.workflowId;
      await h.temporal.workflow.getHandle(firstRun).result();
      await handle.trigger();
      await until(
        async () => (await handle.describe()).info.recentActions.length,
        (n) => n >= 2,
        30_000,
        'the second run',
      );
      const second = (await handle.describe()).info.recentActions[1]!.action.workflow.workflowId;
      expect(await h.temporal.workflow.getHandle(second).result()).toMatchObject({
        days: 1,
        recorded: 0,
        unchanged: 1,
      });
      expect(requests - seen).toBe(2);
      expect((await rateEvents()).length).toBe(before + 1);
    } finally {
      await handle.delete();
    }
  });

  it('tells every signed-in user what converts today: the latest table on or before today and its currencies', async () => {
    const buyer = await makeActor(h, { kind: 'buyer', country: 'NO' }, { label: 'coverage' });
    const today = new Date().toISOString().slice(0, 10);
    const latest = await h.db
      .selectFrom('exchange_rate_tables')
      .select(['rate_date', 'rates'])
      .where('rate_date', '<=', today)
      .orderBy('rate_date', 'desc')
      .executeTakeFirstOrThrow();
    const coverage = await buyer.api.get('/api/exchange-rates/coverage');
    expect(coverage.status).toBe(200);
    expect(coverage.body).toEqual({
      day: today,
      maxAgeDays: 7,
      table: { date: latest.rate_date, currencies: Object.keys(latest.rates).sort() },
    });
    expect(coverage.body.table.currencies).toContain('NOK');
  });
});
