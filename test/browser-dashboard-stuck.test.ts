import { randomUUID } from 'node:crypto';

import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { launchBrowser, signInWithMail } from './support/browser.js';
import {
  type Harness,
  makeActor,
  makeUser,
  needLine,
  startHarness,
  statementDetails,
  until,
} from './support/harness.js';
import { Person, plain, plainText, requireWebBuild } from './support/journey.js';
import { statementWithSurveyOpen } from './support/needs-survey.js';
import type { WebLocale } from './support/web-i18n.js';

type Actor = Awaited<ReturnType<typeof makeActor>>;

const daysAgo = (n: number) => new Date(Date.now() - n * 86_400_000).toISOString().slice(0, 10);
const answers = { drive: 'electric', charging: true, fleet: '12' };

/**
 * Issue 19 in Chromium: a pilot made stuck for real (the exchange rate Oslo's needs use is gone
 * from the latest table, and the aggregation blocks on it). Commission staff, in English, French
 * (on a phone) and German, see "Stuck: exchange rate missing" beside it in the table, find it
 * with the "stuck pilots only" filter kept in the address and counted in the totals, and on the
 * pilot's page read the reason, since when and who is expected to act, above a visual timeline
 * of its stages (done, current, to come). On a narrow desktop window the wide pilot table says
 * it scrolls sideways. Every page axe-clean and translated. A database of its own: rate tables
 * are global and the totals are this file's.
 */
describe('stuck pilots on the dashboard, in a browser', () => {
  let h: Harness;
  let browser: Browser;
  let commission: Actor;
  let stuckId = '';
  const tag = randomUUID().slice(0, 6);
  let title = '';
  const calm = `School meals ${tag}`;

  beforeAll(async () => {
    requireWebBuild();
    h = await startHarness({ freshDatabase: true });
    browser = await launchBrowser();
    const admin = await makeActor(h, { kind: 'operator', country: 'BE' }, { isAdmin: true, label: `admin ${tag}` });
    commission = await makeActor(h, { kind: 'commission', name: `DG GROW ${tag}`, country: 'BE' });
    const lead = await makeActor(h, { kind: 'buyer', name: `Helsinki ${tag}`, country: 'FI' });
    const oslo = await makeActor(h, { kind: 'buyer', name: `Oslo kommune ${tag}`, country: 'NO' });

    const rates = { NOK: '11.80', SEK: '10.96', DKK: '7.4691' };
    expect(
      (await admin.api.put(`/api/exchange-rates/${daysAgo(3)}`, { source: 'ECB reference rates', rates })).status,
    ).toBe(201);
    stuckId = await statementWithSurveyOpen(lead, [oslo]);
    title = (await lead.api.get(`/api/statements/${stuckId}`)).body.title as string;
    const versions: string[] = [];
    for (const [a, line] of [
      [lead, needLine({ quantity: '2', unitPrice: '450000' })],
      [oslo, needLine({ quantity: '5', unitPrice: '5000000', currency: 'NOK' })],
    ] as const) {
      const saved = await a.api.put(`/api/statements/${stuckId}/needs/draft`, { lines: [line], answers });
      expect(saved.body.problems).toEqual([]);
      const submitted = await a.api.post(`/api/statements/${stuckId}/needs/submit`);
      expect(submitted.status).toBe(200);
      versions.push(submitted.body.versionId as string);
    }
    // The next day's table has no NOK: Oslo's needs cannot be converted.
    const { NOK: _dropped, ...others } = rates;
    expect((await admin.api.put(`/api/exchange-rates/${daysAgo(2)}`, { source: 'ECB', rates: others })).status).toBe(
      201,
    );
    expect((await lead.api.post(`/api/statements/${stuckId}/close-stage`)).status).toBe(200);
    for (const [i, a] of [lead, oslo].entries())
      expect((await a.api.post(`/api/statements/${stuckId}/needs/confirm`, { versionId: versions[i] })).status).toBe(
        200,
      );
    await until(
      () => lead.api.get(`/api/statements/${stuckId}/live`),
      (r) => r.body.aggregationBlocked !== null,
      60_000,
      'the aggregation to block on NOK',
    );
    // A pilot that goes on by itself, with a long title, beside it.
    await lead.api.post(
      '/api/statements',
      statementDetails({ title: `${calm}: Gemeinschaftsverpflegungsdienstleistungsrahmenvereinbarung` }),
    );
  }, 240_000);

  afterAll(async () => {
    await browser?.close();
    await h?.close();
  });

  async function staffOf(locale: WebLocale, viewport: 'desktop' | 'phone', who = 'staff') {
    const email = `${who}-${locale}-${tag}@commission.test`;
    await makeUser(h, commission.org.id, { email, locale, label: `Claire Staff ${locale} ${tag}` });
    const person = await Person.open(browser, h, {
      name: `Commission staff (${locale})`,
      email,
      locale,
      viewport,
      shots: { prefix: `dashboard-stuck-${locale}`, n: 0 },
    });
    await signInWithMail(person.page, h, email, { locale });
    return person;
  }

  for (const [locale, viewport] of [
    ['en', 'desktop'],
    ['fr', 'phone'],
    ['de', 'desktop'],
  ] as const) {
    it(`flags the stuck pilot with its reason on the dashboard and its page, with a visual timeline (${locale}, ${viewport})`, async () => {
      const staff = await staffOf(locale, viewport);
      const { page, t } = staff;
      try {
        const flag = plain(t('dashboard.stuck.flag', { reasons: t('dashboard.stuck.reason.rate_missing') }));
        await page.goto('/dashboard');
        const table = page.getByTestId('pilot-table');
        await expect.poll(() => plainText(table)).toContain(title);
        expect(await plainText(table)).toContain(flag);
        expect(await plainText(page.getByTestId('dashboard-total-stuck'))).toBe('1');

        // The filter, kept in the address: a reload shows the same.
        const only = page.getByRole('checkbox', { name: t('dashboard.stuck.filter'), exact: true });
        // A controlled checkbox follows the address, which the router updates a moment after the click.
        await only.click();
        await expect.poll(() => new URL(page.url()).searchParams.get('stuck')).toBe('true');
        await staff.status(t('dashboard.count', { count: 1 })).waitFor();
        await page.reload();
        await staff.status(t('dashboard.count', { count: 1 })).waitFor();
        expect(await only.isChecked()).toBe(true);
        expect(await plainText(table)).toContain(flag);
        expect(await plainText(table)).not.toContain(calm);
        for (const name of [t('dashboard.csv'), t('dashboard.xlsx')]) {
          const href = (await page.getByRole('link', { name }).getAttribute('href')) ?? '';
          expect(new URLSearchParams(href.split('?')[1]).get('stuck'), name).toBe('true');
        }
        await staff.visit('dashboard, stuck pilots', 'dashboard');

        // The pilot's page: the reason, since when, who is expected to act, and the timeline.
        await page.getByRole('link', { name: title }).click();
        await staff.heading(title).waitFor();
        const notice = page.getByTestId('stuck-notice');
        await notice.waitFor();
        const said = await plainText(notice);
        expect(said).toContain(flag);
        expect(said).toContain(plain(t('dashboard.stuck.actor.administrator')));
        expect(said).toContain(plain(t('dashboard.stuck.actor.lead')));
        expect(said).toContain(
          plain(t('dashboard.stuck.since', { date: '' }))
            .replace(/[.\s]+$/, '')
            .trim(),
        );

        const timeline = page.getByTestId('pilot-timeline');
        const steps = timeline.getByRole('listitem');
        // Draft, needs assessment, confirmation done; aggregation current; market engagement, approval, publication to come.
        await expect.poll(() => steps.count()).toBe(7);
        const current = timeline.locator('li[aria-current="step"]');
        expect(await plainText(current)).toContain(plain(t('stage.aggregation')));
        expect(await plainText(current)).toContain(plain(t('dashboard.timeline.current')));
        expect(await plainText(current)).toContain(flag);
        expect(await plainText(steps.nth(1))).toContain(plain(t('dashboard.timeline.done')));
        expect(await plainText(steps.nth(1))).toContain(plain(t('dashboard.timeline.planned', { date: '' })).trim());
        expect(await plainText(steps.last())).toContain(plain(t('dashboard.timeline.upcoming')));
        if (viewport === 'phone') {
          // Stacked on a phone: each stage below the one before.
          const first = await steps.nth(0).boundingBox();
          const second = await steps.nth(1).boundingBox();
          expect(second!.y).toBeGreaterThan(first!.y + first!.height - 1);
        } else {
          // Left to right on a wide screen.
          const first = await steps.nth(0).boundingBox();
          const second = await steps.nth(1).boundingBox();
          expect(second!.x).toBeGreaterThan(first!.x);
        }
        await staff.visit('stuck pilot', 'pilot');
      } finally {
        await staff.close();
      }
    });
  }

  for (const locale of ['en', 'fr', 'de'] as const)
    it(`says the wide pilot table scrolls sideways on a narrow desktop window, only while it does (${locale})`, async () => {
      const staff = await staffOf(locale, 'desktop', 'narrow');
      const { page, t } = staff;
      try {
        await page.setViewportSize({ width: 1024, height: 768 });
        await page.goto('/dashboard');
        const table = page.getByTestId('pilot-table');
        await expect.poll(() => plainText(table)).toContain(title);
        // The scrollable region around the pilot table (named by the table's heading).
        const region = table.locator('xpath=..');
        expect(await region.getAttribute('role')).toBe('region');
        expect(await region.getAttribute('aria-labelledby')).toBe('pilots-heading');
        const overflows = () => region.evaluate((el) => el.scrollWidth > el.clientWidth + 1);
        // Narrow it until the table overflows (at 1024 px it may fit), staying above the phone layout.
        for (const width of [1024, 900, 800, 720]) {
          await page.setViewportSize({ width, height: 768 });
          if (await overflows()) break;
        }
        expect(await overflows()).toBe(true);
        const cue = page.getByTestId('scroll-cue');
        await cue.waitFor();
        expect(await plainText(cue)).toContain(plain(t('table.scroll.cue')));
        expect(await region.getAttribute('tabindex')).toBe('0');
        // The shade on the side with more to see, none on the side without.
        const shades = () =>
          // The callback runs in the page; the test code is compiled without the DOM library.
          region.evaluate((el: any) => {
            const frame = el.parentElement;
            const style = (globalThis as any).getComputedStyle;
            return {
              left: style(frame, '::before').opacity as string,
              right: style(frame, '::after').opacity as string,
            };
          });
        await expect.poll(shades).toEqual({ left: '0', right: '1' });
        await staff.visit('dashboard on a narrow window', 'narrow');
        // Scrolled to the end: the shade moves to the left.
        await region.evaluate((el) => el.scrollTo({ left: el.scrollWidth }));
        await expect.poll(shades).toEqual({ left: '1', right: '0' });
        // Wide again.
        await page.setViewportSize({ width: 1600, height: 900 });
        await region.evaluate((el) => el.scrollTo({ left: 0 }));
        // The cue is there exactly while the table overflows …
        await expect.poll(async () => (await cue.count()) > 0 === (await overflows())).toBe(true);
        // … and in English the table fits a wide window: no cue, no shade.
        if (locale === 'en') {
          expect(await overflows()).toBe(false);
          expect(await cue.count()).toBe(0);
          // Polled: the shade fades out (a CSS transition), so a single read can catch it half-way.
          await expect.poll(shades).toEqual({ left: '0', right: '0' });
        }
      } finally {
        await staff.close();
      }
    });
});
