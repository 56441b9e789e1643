import { randomUUID } from 'node:crypto';

import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { translatorFor } from '../i18n/index.js';
import { launchBrowser, signInWithMail } from './support/browser.js';
import { type Harness, makeActor, makeUser, needLine, startHarness } from './support/harness.js';
import { Person, plain, plainText, requireWebBuild } from './support/journey.js';
import { statementWithSurveyOpen, submitNeeds } from './support/needs-survey.js';
import type { WebLocale } from './support/web-i18n.js';

type Actor = Awaited<ReturnType<typeof makeActor>>;

/**
 * Issue 18, point 3: "the lead never sees the answers to its own survey". In Chromium, in English,
 * French (on a phone) and German: the lead opens the results from its statement page, reads the
 * counts per option as bars (meters), the numeric summary and the respondents, opens one
 * participant's lines and answers, and downloads the XLSX and CSV exports in its language; axe-clean.
 * A participant, Commission staff, a supplier and nobody get neither the page nor the exports.
 */
describe('survey results for the lead, in a browser', () => {
  let h: Harness;
  let browser: Browser;
  let lead: Actor;
  let oslo: Actor;
  let id = '';
  const tag = randomUUID().slice(0, 6);
  const shots = { prefix: 'survey-results', n: 0 };

  beforeAll(async () => {
    requireWebBuild();
    h = await startHarness();
    browser = await launchBrowser();
    lead = await makeActor(h, { kind: 'buyer', name: `Helsinki ${tag}`, country: 'FI' }, { roles: ['signatory'] });
    oslo = await makeActor(h, { kind: 'buyer', name: `Oslo kommune ${tag}`, country: 'NO' }, { roles: ['signatory'] });
    const copenhagen = await makeActor(h, { kind: 'buyer', name: `København ${tag}`, country: 'DK' });
    id = await statementWithSurveyOpen(lead, [oslo, copenhagen]);
    await submitNeeds(lead, id, [needLine({ quantity: '2' })], { drive: 'electric', charging: true, fleet: '12' });
    await submitNeeds(oslo, id, [needLine({ quantity: '5', description: `Wheel loader for Oslo ${tag}` })], {
      drive: 'electric',
      charging: false,
      fleet: '40.5',
      notes: 'Depots near the harbour',
    });
  }, 180_000);

  afterAll(async () => {
    await browser?.close();
    await h?.close();
  });

  /** A new person of `org`, signed in through the mail link, in `locale`. */
  async function personOf(org: Actor, who: string, locale: WebLocale, viewport: 'desktop' | 'phone' = 'desktop') {
    const email = `${who.replace(/\W+/g, '-')}-${locale}-${tag}@survey.test`;
    await makeUser(h, org.org.id, { email, locale, label: `${who} ${locale} ${tag}`, roles: ['signatory'] });
    const person = await Person.open(browser, h, { name: `${who} (${locale})`, email, locale, viewport, shots });
    await signInWithMail(person.page, h, email, { locale });
    return person;
  }

  const exportHref = async (page: Page, label: string) =>
    (await page.getByRole('link', { name: label }).getAttribute('href')) ?? '';

  for (const [locale, viewport] of [
    ['en', 'desktop'],
    ['fr', 'phone'],
    ['de', 'desktop'],
  ] as const) {
    it(`shows the lead its results per question and per participant, and exports them (${locale}, ${viewport})`, async () => {
      const person = await personOf(lead, 'Lead buyer', locale, viewport);
      const { page, t } = person;
      try {
        await page.goto(`/statements/${id}`);
        await page.getByRole('link', { name: t('surveyResults.panel.link') }).click();
        await person.heading(t('surveyResults.title')).waitFor();
        expect(await plainText(page.getByTestId('survey-respondents'))).toBe(
          plain(t('surveyResults.respondentsText', { count: 2, total: 3 })),
        );
        // Counts per option as bars a screen reader reads: each a meter named by its option.
        const drive = page.getByRole('article', { name: 'Which drive do you need?' });
        const battery = drive.getByRole('meter', { name: 'Battery electric' });
        expect(await battery.getAttribute('value')).toBe('2');
        expect(await drive.getByRole('meter', { name: 'Hydrogen' }).getAttribute('value')).toBe('0');
        expect(await plainText(drive)).toContain(
          plain(
            `${t('surveyResults.count', { count: 2 })} (${new Intl.NumberFormat(locale, { style: 'percent' }).format(1)})`,
          ),
        );
        const charging = page.getByRole('article', { name: 'Do you need charging infrastructure?' });
        expect(await charging.getByRole('meter', { name: t('answers.yes') }).getAttribute('value')).toBe('1');
        expect(await charging.getByRole('meter', { name: t('answers.no') }).getAttribute('value')).toBe('1');
        const fleet = await plainText(page.getByRole('article', { name: 'How many machines do you run today?' }));
        for (const [k, v] of [
          ['min', 12],
          ['max', 40.5],
          ['mean', 26.25],
          ['sum', 52.5],
        ] as const)
          expect(fleet).toContain(plain(`${t(`surveyResults.stat.${k}`)}${new Intl.NumberFormat(locale).format(v)}`));
        await person.visit('survey results per question', `${locale}-${viewport}-questions`);

        // Per participant: Oslo's submitted lines and answers, opened on request.
        await page.getByRole('button', { name: t('surveyResults.open', { name: `Oslo kommune ${tag}` }) }).click();
        await page.getByText(`Wheel loader for Oslo ${tag}`).waitFor();
        await page.getByText('Depots near the harbour').waitFor();
        await person.visit('one participant’s lines and answers', `${locale}-${viewport}-participant`);

        // The exports, in the page's language.
        const server = translatorFor(locale);
        const xlsx = await exportHref(page, t('surveyResults.downloadXlsx'));
        expect(xlsx).toBe(`/api/statements/${id}/survey-results.xlsx?lang=${locale}`);
        const workbook = await page.request.get(xlsx);
        expect(workbook.status()).toBe(200);
        expect(workbook.headers()['content-type']).toContain('spreadsheetml.sheet');
        expect((await workbook.body()).subarray(0, 2).toString('latin1')).toBe('PK');
        const csv = await page.request.get(await exportHref(page, t('surveyResults.downloadCsv')));
        expect(csv.status()).toBe(200);
        const text = (await csv.body()).toString('utf8');
        expect(text.startsWith('\uFEFF')).toBe(true);
        expect(text.split('\n')[0]).toContain(server('surveyResults.columns.country'));
        expect(text).toContain(`Oslo kommune ${tag}`);
      } finally {
        await person.close();
      }
    });
  }

  it('gives a participant, Commission staff, a supplier and nobody neither the page nor the exports', async () => {
    const commission = await makeActor(h, { kind: 'commission', country: 'BE' });
    const supplier = await makeActor(h, { kind: 'supplier', country: 'SE' });
    const paths = ['survey-results', 'survey-results/respondents', 'survey-results.xlsx', 'survey-results.csv'];
    for (const [org, who, problem, status] of [
      [oslo, 'Participant', 'forbidden', 403],
      [commission, 'Commission staff', 'forbidden', 403],
      [supplier, 'Supplier', 'not_found', 404],
    ] as const) {
      const person = await personOf(org, who, 'en');
      try {
        await person.page.goto(`/statements/${id}/survey-results`);
        await person.page.getByRole('heading', { name: person.t(`problem.${problem}.title`) }).waitFor();
        expect(await person.page.getByText('Battery electric').count()).toBe(0);
        expect(await person.page.getByRole('button', { name: /Oslo kommune/ }).count()).toBe(0);
        await person.visit(`survey results refused (${who})`);
        for (const path of paths) {
          const res = await person.page.request.get(`/api/statements/${id}/${path}`);
          expect(res.status(), `${who} ${path}`).toBe(status);
          expect((await res.body()).toString('utf8')).not.toContain('Battery electric');
        }
        if (org === oslo) {
          await person.page.goto(`/statements/${id}`);
          await person.page.getByRole('heading', { level: 1 }).waitFor();
          expect(await person.page.getByRole('link', { name: person.t('surveyResults.panel.link') }).count()).toBe(0);
        }
      } finally {
        await person.close();
      }
    }
    // Nobody signed in: the page asks to sign in, the API answers 401.
    const anonymous = await Person.open(browser, h, { name: 'Anonymous', email: '', locale: 'en', shots });
    try {
      await anonymous.page.goto(`/statements/${id}/survey-results`);
      await anonymous.page.waitForURL(/\/sign-in/);
      for (const path of paths)
        expect((await anonymous.page.request.get(`/api/statements/${id}/${path}`)).status(), path).toBe(401);
    } finally {
      await anonymous.close();
    }
  });
});
