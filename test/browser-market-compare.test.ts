import { randomUUID } from 'node:crypto';

import ExcelJS from 'exceljs';
import type { Browser, Locator } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { insertApiToken, newSecret } from '../db/credentials.js';
import { translatorFor } from '../i18n/index.js';
import { launchBrowser, signInWithMail } from './support/browser.js';
import { ApiClient, type Harness, makeActor, makeUser, needLine, startHarness } from './support/harness.js';
import { Person, plainText, requireWebBuild } from './support/journey.js';
import { statementInMarketEngagement } from './support/published-statement.js';
import type { WebLocale } from './support/web-i18n.js';

type Actor = Awaited<ReturnType<typeof makeActor>>;

/**
 * Issue 19 (suppliers): "the lead compares supplier answers". In Chromium, in English, French (on
 * a phone) and German, the lead's market page shows a comparison table: one row per supplier, one
 * column per request-for-information question in the request's order (whatever order each
 * supplier answered in), long answers shortened with a button that shows them whole, filters and
 * sorting, and a link that downloads the workbook in the page's language. The table scrolls
 * sideways in a focusable region with a visible cue while there is more to the right. Axe-clean
 * and translated. A participating buyer (not the lead), Commission staff and a supplier do not
 * see it, and the API refuses them.
 *
 * It also keeps the screenshot of a supplier's start page for the README (docs/screenshots):
 * signed in, with a subscription that matches the open consultation, which it answered and
 * asked about.
 */
describe('the lead compares supplier responses, in a browser', () => {
  let h: Harness;
  let browser: Browser;
  let lead: Actor;
  let participant: Actor;
  let alpha: Actor;
  let id = '';
  const tag = randomUUID().slice(0, 6);
  const shots = { prefix: 'market-compare', n: 0 };
  // Six questions: wider than a desktop screen, so the table scrolls sideways.
  const questions = [
    { id: 'lead-time', text: 'What lead time do you need for the first deliveries?' },
    { id: 'warranty', text: 'Which warranty do you offer on the drive train?' },
    { id: 'service', text: 'Where is your nearest service point?' },
    { id: 'charging', text: 'Which charging standard do your machines use?' },
    { id: 'leasing', text: 'Do you offer leasing over the whole term?' },
    { id: 'training', text: 'How do you train the operators?' },
  ];
  const longAnswer =
    'We train every operator on site during the first week of delivery, then follow up with two refresher days in the first year, ' +
    'an online course in the operator’s language and a telephone line staffed on working days from seven to seven.';
  const suppliers = {
    alpha: { name: 'Alpha Loaders AB', country: 'SE', sme: true },
    beta: { name: 'Beta Maschinen GmbH', country: 'DE', sme: false },
    gamma: { name: 'Gamma Electric Oy', country: 'FI', sme: true },
  };
  // Each answers in its own order; Gamma leaves most questions out.
  const answers: Record<keyof typeof suppliers, Record<string, string>> = {
    alpha: {
      training: longAnswer,
      'lead-time': 'Eight months from the order.',
      warranty: 'Five years.',
      service: 'Malmö and Oslo.',
      charging: 'CCS2.',
      leasing: 'Yes.',
    },
    beta: { leasing: 'Purchase only.', warranty: 'Three years.', 'lead-time': 'Six months.', service: 'Hamburg.' },
    gamma: { charging: 'CCS2 and battery swap.' },
  };
  const ok = <T extends { status: number; body: unknown }>(res: T): T => {
    expect(res.status, JSON.stringify(res.body)).toBeLessThan(300);
    return res;
  };

  beforeAll(async () => {
    requireWebBuild();
    // A database of its own: the supplier's start page lists this consultation alone, whatever other files left open.
    h = await startHarness({ freshDatabase: true });
    browser = await launchBrowser();
    lead = await makeActor(h, { kind: 'buyer', name: 'City of Tampere', country: 'FI' }, { roles: ['signatory'] });
    participant = await makeActor(
      h,
      { kind: 'buyer', name: 'City of Bergen', country: 'NO' },
      { roles: ['signatory'] },
    );
    id = await statementInMarketEngagement(h, lead, [
      [lead, [needLine({ quantity: '2' })]],
      [participant, [needLine({ quantity: '3' })]],
    ]);
    ok(await lead.api.put(`/api/statements/${id}/consultation/rfi`, { questions }));
    const actors = {} as Record<keyof typeof suppliers, Actor>;
    for (const key of ['alpha', 'beta', 'gamma'] as const) {
      actors[key] = await makeActor(h, { kind: 'supplier', ...suppliers[key] });
      ok(await actors[key].api.put(`/api/consultations/${id}/response`, { answers: answers[key] }));
    }
    alpha = actors.alpha;
    // Alpha also asked a question, which the lead answered: its start page shows both.
    ok(await alpha.api.post(`/api/consultations/${id}/questions`, { question: 'May the machines be leased?' }));
    ok(
      await lead.api.post(`/api/statements/${id}/consultation/questions/1/answer`, {
        answer: 'Yes: leasing for the whole term is acceptable.',
      }),
    );
  }, 240_000);

  afterAll(async () => {
    await browser?.close();
    await h?.close();
  });

  /** A new person of `org`, signed in through the mail link, in `locale`. */
  async function personOf(
    org: Actor,
    who: string,
    locale: WebLocale,
    viewport: 'desktop' | 'phone' = 'desktop',
    shotPrefix = shots,
    /** Runs with the new user's API client before the person signs in (to set up what the page shows). */
    before?: (api: ApiClient) => Promise<void>,
  ) {
    const email = `${who.replace(/\W+/g, '-').toLowerCase()}-${locale}-${tag}@compare.test`;
    const user = await makeUser(h, org.org.id, { email, locale, label: who, roles: ['signatory'] });
    if (before) {
      const secret = newSecret('jd_');
      await insertApiToken(h.db, { userId: user.id, name: 'test', secret, expiresAt: null });
      await before(new ApiClient(h.baseUrl, { bearer: secret }));
    }
    const person = await Person.open(browser, h, {
      name: `${who} (${locale})`,
      email,
      locale,
      viewport,
      shots: shotPrefix,
    });
    await signInWithMail(person.page, h, email, { locale });
    return person;
  }

  const cellTexts = async (row: Locator) => (await row.locator('td').allTextContents()).map((s) => s.trim());

  for (const [locale, viewport] of [
    ['en', 'desktop'],
    ['fr', 'phone'],
    ['de', 'desktop'],
  ] as const) {
    it(`shows the lead one row per supplier and one column per question in order, and downloads the workbook (${locale}, ${viewport})`, async () => {
      const person = await personOf(lead, 'Kaisa Virtanen', locale, viewport);
      const { page, t } = person;
      try {
        await page.goto(`/statements/${id}/market`);
        await person.heading(t('market.title')).waitFor();
        const section = page.getByRole('region', { name: t('market.compare.title') });
        await section.waitFor();
        const table = page.getByRole('region', { name: t('market.compare.region') });
        expect(await table.getAttribute('tabindex')).toBe('0');

        // The columns: the supplier, then the questions in the request's order.
        const headers = (await table.locator('thead th').allTextContents()).map((s) => s.trim());
        expect(headers[0]).toBe(t('market.compare.supplier'));
        expect(headers.slice(1)).toEqual(
          questions.map((q, i) => `${t('market.compare.question', { n: i + 1 })} ${q.text}`),
        );
        // One row per supplier, first to respond first; each answer under its question.
        const rows = table.locator('tbody tr');
        expect(await rows.count()).toBe(3);
        const rowOf = (key: keyof typeof suppliers) =>
          rows.filter({ has: page.getByRole('rowheader', { name: new RegExp(suppliers[key].name) }) });
        expect((await cellTexts(rowOf('beta'))).slice(0, 5)).toEqual([
          'Six months.',
          'Three years.',
          'Hamburg.',
          t('market.compare.noAnswer'),
          'Purchase only.',
        ]);
        expect(await cellTexts(rowOf('gamma'))).toEqual([
          ...Array(3).fill(t('market.compare.noAnswer')),
          'CCS2 and battery swap.',
          ...Array(2).fill(t('market.compare.noAnswer')),
        ]);
        expect(await plainText(rowOf('beta').getByRole('rowheader'))).toContain(
          new Intl.DisplayNames([locale], { type: 'region' }).of('DE')!,
        );

        // Wider than the screen: the cue shows, tied to the region, and the right edge is shaded while
        // there is more to the right (components/ScrollableTable).
        const cue = page.getByTestId('scroll-cue');
        await cue.waitFor();
        expect(await cue.textContent()).toContain(t('table.scroll.cue'));
        expect(await table.getAttribute('aria-describedby')).toBe(await cue.getAttribute('id'));
        const frame = page.locator('.scrollable-table').filter({ has: table });
        expect(await frame.getAttribute('class')).toContain('scrollable-table--more-right');
        // The table scrolls in its region, never the page (journey.ts checks this on a phone; here on a desktop too).
        expect(await page.evaluate('document.documentElement.scrollWidth')).toBeLessThanOrEqual(
          await page.evaluate('document.documentElement.clientWidth'),
        );
        await person.visit('supplier responses compared', `${locale}-${viewport}`);
        await table.evaluate((el: any) => {
          el.scrollLeft = el.scrollWidth;
        });
        await expect.poll(() => frame.getAttribute('class')).not.toContain('scrollable-table--more-right');
        expect(await frame.getAttribute('class')).toContain('scrollable-table--more-left');
        await table.evaluate((el: any) => {
          el.scrollLeft = 0;
        });
        await expect.poll(() => frame.getAttribute('class')).toContain('scrollable-table--more-right');

        // The long answer (in the last column): its beginning, and a button that shows it whole and back.
        const training = rowOf('alpha').locator('td').nth(5);
        expect(await training.textContent()).not.toContain('seven to seven');
        const more = training.getByRole('button');
        expect(await plainText(more)).toBe(
          `${t('market.compare.readAll')} (${t('market.compare.answerOf', { supplier: suppliers.alpha.name, n: 6 })})`,
        );
        expect(await more.getAttribute('aria-expanded')).toBe('false');
        await more.click();
        await training.getByText(longAnswer).waitFor();
        expect(await more.getAttribute('aria-expanded')).toBe('true');
        expect(await plainText(more)).toContain(t('market.compare.showLess'));

        // Filters (country, SMEs, words) and sorting act on whole rows.
        const count = page.getByTestId('compare-count');
        await page.getByLabel(t('market.compare.country')).selectOption('DE');
        await expect.poll(() => rows.count()).toBe(1);
        expect(await plainText(count)).toBe(t('market.compare.shown', { count: 3, shown: '1' }));
        await page.getByLabel(t('market.compare.country')).selectOption('');
        await page.getByLabel(t('market.compare.smeOnly')).check();
        await expect.poll(() => rows.count()).toBe(2);
        await page.getByLabel(t('market.compare.smeOnly')).uncheck();
        await page.getByLabel(t('market.compare.search')).fill('battery swap');
        await expect.poll(() => rows.count()).toBe(1);
        await page.getByLabel(t('market.compare.search')).fill('');
        await page.getByLabel(t('market.compare.sort')).selectOption('updated');
        await expect.poll(async () => plainText(rows.first().getByRole('rowheader'))).toContain(suppliers.gamma.name);
        await person.visit('supplier responses filtered and sorted');

        // The workbook, downloaded from the link, in the page's language.
        const link = page.getByRole('link', { name: t('market.compare.download') });
        expect(await link.getAttribute('href')).toBe(`/api/statements/${id}/market/responses.xlsx?lang=${locale}`);
        const [download] = await Promise.all([page.waitForEvent('download'), link.click()]);
        expect(download.suggestedFilename()).toBe(`market-responses-${id}.xlsx`);
        const workbook = new ExcelJS.Workbook();
        await workbook.xlsx.readFile(await download.path());
        const sheet = workbook.worksheets[0]!;
        expect(sheet.name).toBe(translatorFor(locale)('marketResponses.sheet'));
        expect(sheet.getCell('A2').value).toBe(questions[0]!.text);
      } finally {
        await person.close();
      }
    });
  }

  it('shows neither the table nor the download to a participating buyer, Commission staff or a supplier, and the API refuses them', async () => {
    const commission = await makeActor(h, { kind: 'commission', country: 'BE' });
    for (const [org, who, status] of [
      [participant, 'Participant', 403],
      [commission, 'Commission staff', 403],
      [alpha, 'Supplier', 404],
    ] as const) {
      const person = await personOf(org, who, 'en');
      const { page, t } = person;
      try {
        await page.goto(`/statements/${id}/market`);
        await page.getByRole('heading', { level: 1 }).waitFor();
        if (org === alpha) await page.getByRole('heading', { name: t('problem.not_found.title') }).waitFor();
        else await person.heading(t('market.title')).waitFor();
        // The page has settled (the heading is there): the comparison is not on it.
        expect(await page.getByRole('heading', { name: t('market.compare.title') }).count()).toBe(0);
        expect(await page.getByRole('region', { name: t('market.compare.region') }).count()).toBe(0);
        expect(await page.getByRole('link', { name: t('market.compare.download') }).count()).toBe(0);
        await person.visit(`market page (${who})`);
        for (const path of ['market/responses', 'market/responses.xlsx']) {
          const res = await page.request.get(`/api/statements/${id}/${path}`);
          expect(res.status(), `${who} ${path}`).toBe(status);
          expect((await res.body()).toString('utf8')).not.toContain('Hamburg');
        }
      } finally {
        await person.close();
      }
    }
  });

  it('keeps a screenshot of a supplier’s start page with a subscription and an open consultation (en, desktop)', async () => {
    // A subscription is the user's own: the person signing in subscribes first.
    const person = await personOf(
      alpha,
      'Sara Lindqvist',
      'en',
      'desktop',
      { prefix: 'supplier-home', n: 0 },
      async (api) => {
        ok(await api.put('/api/me/subscription', { cpvPrefixes: ['4326'], countries: ['FI', 'NO'] }));
      },
    );
    const { page, t } = person;
    try {
      await page.goto('/supplier');
      await person.heading(t('supplier.home.title')).waitFor();
      await page.getByTestId('home-matching').locator(`a[href="/consultations/${id}"]`).waitFor();
      expect(await page.getByTestId('home-subscription').textContent()).toContain('4326');
      const engagements = page.getByTestId('home-engagements');
      await engagements.locator(`a[href="/consultations/${id}"]`).waitFor();
      await engagements.getByText(t('supplier.home.questionsAsked', { count: 1, answered: '1' })).waitFor();
      await person.visit('supplier start page', 'en-desktop');
    } finally {
      await person.close();
    }
  });
});
