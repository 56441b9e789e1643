import { randomUUID } from 'node:crypto';

import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { launchBrowser, signInWithMail, viewports } from './support/browser.js';
import { type Harness, makeActor, makeUser, startHarness, statementDetails } from './support/harness.js';
import { Person, requireWebBuild } from './support/journey.js';
import type { WebLocale } from './support/web-i18n.js';

type Actor = Awaited<ReturnType<typeof makeActor>>;

/**
 * Issue 19, "formats, speed, phone": on a phone the header took 37 % of the first screen, tables hid
 * columns behind an unmarked scroll and one long title widened the whole list. In Chromium at the
 * phone viewport (375 × 812), in French and German: the header takes at most a fifth of the first
 * screen; the statements list, the participants table and the needs overview never scroll the page
 * sideways, even with a 200-character German compound as the statement's title; the participants
 * and the needs overview tables reflow into one card per row, each cell labelled with its column.
 */
describe('the phone layout', () => {
  let h: Harness;
  let browser: Browser;
  let lead: Actor;
  let id = '';
  const tag = randomUUID().slice(0, 6);
  const shots = { prefix: 'phone-layout', n: 0 };
  // A long German compound: no space or hyphen where a line could break.
  const compound = 'Donaudampfschifffahrtselektrizitätenhauptbetriebswerkbauunterbeamtengesellschaft';
  const title = `${(compound + compound + compound).slice(0, 192)}${tag}XY`;

  beforeAll(async () => {
    requireWebBuild();
    h = await startHarness();
    browser = await launchBrowser();
    lead = await makeActor(h, { kind: 'buyer', name: `Berlin ${tag}`, country: 'DE' }, { roles: ['signatory'] });
    const oslo = await makeActor(h, { kind: 'buyer', name: `Oslo kommune ${tag}`, country: 'NO' });
    const created = await lead.api.post('/api/statements', statementDetails({ title }));
    expect(created.status).toBe(201);
    id = created.body.id as string;
    await lead.api.post(`/api/statements/${id}/invitations`, { organisationIds: [oslo.org.id] });
    expect((await oslo.api.post(`/api/statements/${id}/invitation/accept`)).status).toBe(200);
    const opened = await lead.api.post(`/api/statements/${id}/needs-assessment/open`, {
      deadline: new Date(Date.now() + 3_600_000).toISOString(),
    });
    expect(opened.body.stage).toBe('needs_assessment');
  }, 180_000);

  afterAll(async () => {
    await browser?.close();
    await h?.close();
  });

  /** The share of the first screen the site header takes. */
  const headerShare = async (page: Page) =>
    (await page.evaluate(
      'document.querySelector(".site-header").getBoundingClientRect().height / window.innerHeight',
    )) as number;

  /** The widest element inside `selector`, against the viewport: nothing may stick out. */
  const widest = async (page: Page, selector: string) =>
    (await page.evaluate(
      `Math.max(0, ...[...document.querySelectorAll(${JSON.stringify(selector)})].map((el) => el.getBoundingClientRect().right))`,
    )) as number;

  /** Every data cell of the table in `region` has a label, and shows it: the row reads as a card. */
  const reflows = async (page: Page, region: string) => {
    const cells = (await page.evaluate(
      `[...document.querySelectorAll(${JSON.stringify(`${region} tbody td`)})].map((td) => ({
        label: td.getAttribute('data-label') ?? '',
        display: getComputedStyle(td).display,
        before: getComputedStyle(td, '::before').content,
      }))`,
    )) as { label: string; display: string; before: string }[];
    expect(cells.length).toBeGreaterThan(0);
    for (const cell of cells) {
      expect(cell.label).not.toBe('');
      expect(cell.display).not.toBe('table-cell');
      expect(cell.before).toContain(cell.label);
    }
  };

  for (const locale of ['fr', 'de'] as const satisfies readonly WebLocale[]) {
    it(`fits a phone: a compact header, tables that reflow, long titles that wrap (${locale})`, async () => {
      const email = `lead-${locale}-${tag}@phone.test`;
      await makeUser(h, lead.org.id, { email, locale, label: `Lead ${locale} ${tag}`, roles: ['signatory'] });
      const person = await Person.open(browser, h, {
        name: `Lead (${locale})`,
        email,
        locale,
        viewport: 'phone',
        shots,
      });
      await signInWithMail(person.page, h, email, { locale });
      const { page, t } = person;
      const width = viewports.phone.width;
      try {
        await page.goto('/statements');
        await person.heading(t('statements.title')).waitFor();
        await page.getByRole('link', { name: title }).first().waitFor();
        await person.visit('statements on a phone', `${locale}-statements`);
        const share = await headerShare(page);
        expect(share, `the header takes ${Math.round(share * 100)} % of the first screen`).toBeLessThanOrEqual(0.2);
        // The navigation is still there, every link of it reachable.
        const nav = page.getByRole('navigation', { name: t('header.navigation') });
        expect(await nav.getByRole('link').count()).toBeGreaterThan(1);
        expect(await widest(page, 'main *')).toBeLessThanOrEqual(width);

        await page.goto(`/statements/${id}`);
        await person.heading(title).waitFor();
        await page.getByText(`Oslo kommune ${tag}`).first().waitFor();
        await person.visit('statement page on a phone', `${locale}-statement`);
        expect(await headerShare(page)).toBeLessThanOrEqual(0.2);
        expect(await widest(page, 'main *')).toBeLessThanOrEqual(width);
        await reflows(page, '[aria-labelledby="participants-heading"]');

        await page.goto(`/statements/${id}/needs-overview`);
        await person.heading(t('overview.title')).waitFor();
        await page.getByText(`Oslo kommune ${tag}`).first().waitFor();
        await person.visit('needs overview on a phone', `${locale}-overview`);
        expect(await widest(page, 'main *')).toBeLessThanOrEqual(width);
        await reflows(page, '[aria-labelledby="who-heading"]');
      } finally {
        await person.close();
      }
    }, 120_000);
  }
});
