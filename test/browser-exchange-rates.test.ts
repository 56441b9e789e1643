import { randomUUID } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { importEcbRates } from '../services/exchange-rates/import-ecb-rates.js';
import { launchBrowser, signInWithMail } from './support/browser.js';
import { type Harness, makeActor, makeUser, needLine, startHarness, until } from './support/harness.js';
import { Person, plain, plainText, requireWebBuild } from './support/journey.js';
import { statementWithSurveyOpen } from './support/needs-survey.js';
import type { WebLocale } from './support/web-i18n.js';

type Actor = Awaited<ReturnType<typeof makeActor>>;

const daysAgo = (n: number) => new Date(Date.now() - n * 86_400_000).toISOString().slice(0, 10);
/** A date as the web shows it to a person of `locale` (whose browser is en-GB, fr-FR or de-DE). */
const longDate = (locale: WebLocale, day: string) =>
  new Intl.DateTimeFormat({ en: 'en-GB', fr: 'fr-FR', de: 'de-DE' }[locale], {
    dateStyle: 'long',
    timeZone: 'UTC',
  }).format(new Date(`${day}T00:00:00Z`));
const answers = { drive: 'electric', charging: true, fleet: '12' };

/**
 * Issue 18, "Exchange rates that never block". Oslo chose NOK and there was no NOK rate: the
 * statement sat in aggregation with `rates.NOK: no conversion rate…` in English, and "Aggregate
 * again" did nothing visible. In Chromium, in English, French (on a phone) and German: a buyer
 * picking a currency without a rate is told at once beside the field; the lead, a buyer and
 * Commission staff read which currency blocks the aggregation and why, in their language; after
 * an administrator imports the ECB file, "Aggregate again" shows it works and the demand is
 * added up. Every page axe-clean and translated. A database of its own: rate tables are global.
 */
describe('exchange rates that never block, in a browser', () => {
  let h: Harness;
  let browser: Browser;
  let admin: Actor;
  let lead: Actor;
  let oslo: Actor;
  let copenhagen: Actor;
  let commission: Actor;
  /** In aggregation, blocked: the latest rate table has no NOK. */
  let blockedId = '';
  /** In the needs assessment: where a buyer picks currencies. */
  let openId = '';
  const tag = randomUUID().slice(0, 6);
  const shots = { prefix: 'exchange-rates', n: 0 };
  const withoutNok = daysAgo(2);

  beforeAll(async () => {
    requireWebBuild();
    h = await startHarness({ freshDatabase: true });
    browser = await launchBrowser();
    admin = await makeActor(h, { kind: 'operator', country: 'BE' }, { isAdmin: true, label: `rates admin ${tag}` });
    lead = await makeActor(h, { kind: 'buyer', name: `Helsinki ${tag}`, country: 'FI' });
    oslo = await makeActor(h, { kind: 'buyer', name: `Oslo kommune ${tag}`, country: 'NO' });
    copenhagen = await makeActor(h, { kind: 'buyer', name: `København ${tag}`, country: 'DK' });
    commission = await makeActor(h, { kind: 'commission', name: `DG GROW ${tag}`, country: 'BE' });

    // Rates when the buyers estimated: everything but ISK.
    const rates = { NOK: '11.80', SEK: '10.96', DKK: '7.4691', CZK: '24.21', HUF: '382.4', PLN: '4.23', RON: '5.09' };
    const recorded = await admin.api.put(`/api/exchange-rates/${daysAgo(3)}`, { source: 'ECB reference rates', rates });
    expect(recorded.status).toBe(201);

    blockedId = await statementWithSurveyOpen(lead, [oslo, copenhagen]);
    const submit = async (a: Actor, line: Record<string, unknown>) => {
      const saved = await a.api.put(`/api/statements/${blockedId}/needs/draft`, { lines: [line], answers });
      expect(saved.body.problems).toEqual([]);
      const submitted = await a.api.post(`/api/statements/${blockedId}/needs/submit`);
      expect(submitted.status).toBe(200);
      return submitted.body.versionId as string;
    };
    const versions = [
      await submit(lead, needLine({ quantity: '2', unitPrice: '450000' })),
      await submit(oslo, needLine({ quantity: '5', unitPrice: '5000000', currency: 'NOK' })),
      await submit(copenhagen, needLine({ quantity: '1', unitPrice: '300000' })),
    ];
    // The next day's table has no NOK (the ECB stopped publishing it, say): NOK cannot be converted.
    const { NOK: _dropped, ...others } = rates;
    expect((await admin.api.put(`/api/exchange-rates/${withoutNok}`, { source: 'ECB', rates: others })).status).toBe(
      201,
    );
    expect((await lead.api.post(`/api/statements/${blockedId}/close-stage`)).status).toBe(200);
    for (const [i, a] of [lead, oslo, copenhagen].entries()) {
      const confirmed = await a.api.post(`/api/statements/${blockedId}/needs/confirm`, { versionId: versions[i] });
      expect(confirmed.status).toBe(200);
    }
    await until(
      () => lead.api.get(`/api/statements/${blockedId}/live`),
      (r) => r.body.aggregationBlocked !== null,
      60_000,
      'the aggregation to block on NOK',
    );

    openId = await statementWithSurveyOpen(lead, [oslo]);
  }, 240_000);

  afterAll(async () => {
    await browser?.close();
    await h?.close();
  });

  async function personOf(org: Actor, who: string, locale: WebLocale, viewport: 'desktop' | 'phone' = 'desktop') {
    const email = `${who.replace(/\W+/g, '-')}-${locale}-${tag}@rates.test`;
    await makeUser(h, org.org.id, { email, locale, label: `${who} ${locale} ${tag}`, isAdmin: org === admin });
    const person = await Person.open(browser, h, { name: `${who} (${locale})`, email, locale, viewport, shots });
    await signInWithMail(person.page, h, email, { locale });
    return person;
  }

  for (const [locale, viewport] of [
    ['en', 'desktop'],
    ['fr', 'phone'],
    ['de', 'desktop'],
  ] as const) {
    it(`tells a buyer at once that a currency cannot be converted (${locale}, ${viewport})`, async () => {
      const person = await personOf(oslo, 'Oslo buyer', locale, viewport);
      const { page, t } = person;
      try {
        await page.goto(`/statements/${openId}/needs`);
        const currency = page.getByLabel(t('needs.line.currency')).first();
        await currency.waitFor();
        const hint = page.getByTestId('currency-rate-hint').first();
        // Marked in the list before it is picked …
        const option = async (code: string) =>
          plain((await currency.locator(`option[value="${code}"]`).textContent()) ?? '');
        await until(
          () => option('ISK'),
          (text) => text.includes(plain(t('exchangeRates.picker.optionMissing'))),
          10_000,
          'ISK marked as without a rate',
        );
        // NOK too: the latest table has none. SEK converts.
        expect(await option('NOK')).toContain(plain(t('exchangeRates.picker.optionMissing')));
        expect(await option('SEK')).not.toContain('(');
        // … and said beside the field the moment it is picked.
        await currency.selectOption('ISK');
        await until(
          () => plainText(hint),
          (text) => text === plain(t('exchangeRates.picker.missing', { currency: 'ISK' })),
          5_000,
          'the warning beside the currency',
        );
        expect(await hint.getAttribute('role')).toBe('status');
        await person.visit('a currency without a rate picked', `${locale}-${viewport}-picker`);
        await currency.selectOption('SEK');
        await until(
          () => plainText(hint),
          (text) => text === plain(t('exchangeRates.picker.ok', { date: longDate(locale, withoutNok) })),
          5_000,
          'the rates named instead of the warning',
        );
      } finally {
        await person.close();
      }
    });

    it(`names the blocking currency and why to the lead, a buyer and Commission staff (${locale}, ${viewport})`, async () => {
      const reason = (t: Person['t']) =>
        plain(t('exchangeRates.missing', { currency: 'NOK', date: longDate(locale, withoutNok) }));
      for (const [org, who, path] of [
        [lead, 'Lead buyer', `/statements/${blockedId}`],
        [copenhagen, 'Copenhagen buyer', `/statements/${blockedId}`],
        [commission, 'Commission staff', `/dashboard/pilots/${blockedId}`],
      ] as const) {
        const person = await personOf(org, who, locale, viewport);
        const { page, t } = person;
        try {
          await page.goto(path);
          const notice = page.getByTestId('rate-block');
          await notice.getByRole('heading', { name: t('exchangeRates.blocked.title') }).waitFor();
          const text = await plainText(notice);
          expect(text, text).toContain(reason(t));
          expect(text).toContain(plain(t('exchangeRates.blocked.askAdmin')));
          expect(text).not.toContain('rates.NOK');
          expect(text).not.toContain('no conversion rate');
          const retry = notice.getByRole('button', { name: t('exchangeRates.blocked.retry') });
          expect(await retry.count()).toBe(org === lead ? 1 : 0);
          await person.visit(
            `blocked aggregation (${who})`,
            `${locale}-${viewport}-${who.split(' ')[0]!.toLowerCase()}`,
          );
        } finally {
          await person.close();
        }
      }
    });
  }

  it('tells the administrator what to do, and aggregates again once the ECB file is imported (en)', async () => {
    const adminPerson = await personOf(admin, 'Administrator', 'en');
    try {
      // An administrator follows the pilots (the statement itself is the buyers'): the pilot page says what to do.
      await adminPerson.page.goto(`/dashboard/pilots/${blockedId}`);
      const notice = adminPerson.page.getByTestId('rate-block');
      await notice
        .getByRole('heading', { name: adminPerson.t('exchangeRates.blocked.title') })
        .waitFor({ timeout: 20_000 })
        .catch(async (error: unknown) => {
          throw new Error(`${String(error)}\n${await plainText(adminPerson.page.locator('body'))}`);
        });
      expect(await plainText(notice)).toContain(plain(adminPerson.t('exchangeRates.blocked.forAdmin')));
      expect(await plainText(notice)).toContain('npm run import-rates');
      await adminPerson.visit('blocked aggregation (administrator)');
    } finally {
      await adminPerson.close();
    }

    const person = await personOf(lead, 'Lead buyer again', 'en');
    const { page, t } = person;
    try {
      await page.goto(`/statements/${blockedId}`);
      const notice = page.getByTestId('rate-block');
      const retry = notice.getByRole('button', { name: t('exchangeRates.blocked.retry') });
      await retry.waitFor();
      // Before the rates are there: busy, then the same named problem again.
      await retry.click();
      await notice.getByRole('button', { name: t('exchangeRates.blocked.retrying') }).waitFor();
      await page.getByTestId('rate-block-outcome').getByText(t('exchangeRates.blocked.stillBlocked')).waitFor();
      expect(await plainText(notice)).toContain(
        plain(t('exchangeRates.missing', { currency: 'NOK', date: longDate('en', withoutNok) })),
      );
      await person.visit('aggregated again, still blocked');

      // The administrator imports the ECB daily file (here the fixture, dated today).
      const dir = await mkdtemp(join(tmpdir(), 'ecb-'));
      const file = join(dir, 'eurofxref-daily.xml');
      const today = daysAgo(0);
      const fixture = readFileSync(new URL('./fixtures/ecb/eurofxref-daily.xml', import.meta.url), 'utf8');
      await writeFile(file, fixture.replace(/time='\d{4}-\d{2}-\d{2}'/, `time='${today}'`));
      const imported = await importEcbRates(h.ctx, null, { file });
      expect(imported.recorded).toEqual([today]);

      await retry.click();
      await page.getByText(t('exchangeRates.blocked.done')).waitFor({ timeout: 60_000 });
      await page.getByTestId('rate-block').waitFor({ state: 'detached' });
      const live = (await lead.api.get(`/api/statements/${blockedId}/live`)).body;
      expect(live.stage).not.toBe('aggregation');
      expect(live.aggregationBlocked).toBeNull();
      expect(await page.getByTestId('rate-block').count()).toBe(0);
      await person.visit('aggregated again, added up');
    } finally {
      await person.close();
    }
  });
});
