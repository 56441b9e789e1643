import { randomUUID } from 'node:crypto';

import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { refreshPilotSummary } from '../db/projections/pilot-summary.js';
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
import type { WebLocale } from './support/web-i18n.js';

type Actor = Awaited<ReturnType<typeof makeActor>>;

/**
 * The pilot dashboard in a real browser, as Commission staff use it, in English and in French:
 * the navigation leads there, the totals and the table show the pilots, the grouping filter
 * narrows them, the table grows a page at a time, and a pilot's page shows its timeline. Every
 * page is checked with axe-core and, in French, for English-only text. A buyer has no way in.
 * On a database of its own, so the pilots on the first page are this file's.
 */
describe.each<WebLocale>(['en', 'fr'])('the pilot dashboard in a browser (%s)', (locale) => {
  let h: Harness;
  let browser: Browser;
  let staff: Person;
  let lead: Actor;
  const tag = randomUUID().slice(0, 6);
  const grouping = `Zero-emission sites ${tag}`;
  const title = `Electric excavators ${tag}`;
  const other = `School meals ${tag}`;
  const crowded = `Crowded grouping ${tag}`;
  /** One more than a page: the table shows 50, then the rest. */
  const crowd = 51;
  let id = '';

  beforeAll(async () => {
    requireWebBuild();
    h = await startHarness({ freshDatabase: true });
    browser = await launchBrowser();
    lead = await makeActor(h, { kind: 'buyer', name: `City of Helsinki ${tag}`, country: 'FI' }, { label: 'lead' });
    const oslo = await makeActor(h, { kind: 'buyer', name: `City of Oslo ${tag}`, country: 'NO' }, { label: 'oslo' });
    // One pilot in the grouping, through confirmation to its aggregate; another outside it.
    id = (await lead.api.post('/api/statements', statementDetails({ title, criticalMass: { minBuyers: 2 } }))).body.id;
    await lead.api.post(`/api/statements/${id}/invitations`, { organisationIds: [oslo.org.id] });
    await oslo.api.post(`/api/statements/${id}/invitation/accept`);
    await lead.api.put(`/api/statements/${id}/grouping`, { kind: 'working_group', name: grouping, sector: '43' });
    await lead.api.post(`/api/statements/${id}/needs-assessment/open`);
    const versions: [Actor, string][] = [];
    for (const a of [lead, oslo]) {
      await a.api.put(`/api/statements/${id}/needs/draft`, {
        lines: [needLine({ quantity: '2', unitPrice: '450000' })],
        answers: {},
      });
      versions.push([a, (await a.api.post(`/api/statements/${id}/needs/submit`)).body.versionId]);
    }
    await lead.api.post(`/api/statements/${id}/close-stage`);
    for (const [a, versionId] of versions) await a.api.post(`/api/statements/${id}/needs/confirm`, { versionId });
    await until(
      () => lead.api.get(`/api/statements/${id}/live`),
      (r) => r.body.stage === 'market_engagement',
      60_000,
      'market engagement',
    );
    await lead.api.post('/api/statements', statementDetails({ title: other }));
    // A crowd of older pilots in a grouping of their own, written as the process would have left
    // them (no workflow runs for them) and each given its row of the dashboard's read model.
    for (let i = 0; i < crowd; i++) {
      const pilotId = randomUUID();
      const at = new Date(Date.UTC(2026, 0, 1) + i * 60_000);
      const details = statementDetails({ title: `Crowd pilot ${i + 1} ${tag}` });
      await h.db
        .insertInto('statements')
        .values({
          id: pilotId,
          lead_org_id: lead.org.id,
          created_by: lead.user.id,
          title: details.title,
          description: details.description,
          cpv_codes: details.cpvCodes,
          schedule: JSON.stringify(details.schedule),
          critical_mass: JSON.stringify(details.criticalMass),
          details_hash: 'seeded',
          stage: 'draft',
          stage_entered_at: at,
          created_at: at,
        })
        .execute();
      await h.db
        .insertInto('pilot_groupings')
        .values({
          statement_id: pilotId,
          kind: 'community_of_practice',
          name: crowded,
          sector: null,
          updated_by: lead.user.id,
        })
        .execute();
      await h.db.transaction().execute((trx) => refreshPilotSummary(trx, pilotId));
    }

    const commission = await makeActor(
      h,
      { kind: 'commission', name: `DG GROW ${tag}`, country: 'BE' },
      { label: 'commission' },
    );
    const user = await makeUser(h, commission.org.id, {
      label: `Claire Staff ${tag}`,
      email: `staff-${tag}@commission.test`,
      locale,
    });
    staff = await Person.open(browser, h, {
      name: 'Commission staff',
      email: user.email,
      locale,
      shots: { prefix: `dashboard-${locale}`, n: 0 },
    });
    await signInWithMail(staff.page, h, user.email, { locale });
  }, 180_000);

  afterAll(async () => {
    await staff?.close();
    await browser?.close();
    await h?.close();
  });

  it('leads Commission staff to the dashboard, with totals, charts and the table of pilots', async () => {
    const t = staff.t;
    await staff.page
      .getByRole('navigation', { name: t('header.navigation') })
      .getByRole('link', { name: t('nav.dashboard') })
      .click();
    await staff.heading(t('dashboard.title')).waitFor();
    await staff.page.getByTestId('pilot-table').waitFor();
    await staff.visit('dashboard', 'dashboard');
    const table = staff.page.getByTestId('pilot-table');
    await expect.poll(() => plainText(table)).toContain(title);
    expect(await plainText(table)).toContain(other);
    for (const heading of ['dashboard.charts.byStage', 'dashboard.charts.byDivision', 'dashboard.charts.byCountry']) {
      await staff.page.getByRole('heading', { level: 2, name: t(heading) }).waitFor();
    }
  });

  it('narrows the pilots to one grouping', async () => {
    const t = staff.t;
    await staff.page.getByLabel(t('dashboard.filter.grouping')).selectOption(grouping);
    await staff.status(t('dashboard.count', { count: 1 })).waitFor();
    const table = staff.page.getByTestId('pilot-table');
    expect(await plainText(table)).toContain(title);
    expect(await plainText(table)).not.toContain(other);
    const totals = await plainText(staff.page.getByTestId('dashboard-totals'));
    expect(totals).toContain(t('dashboard.totals.buyers'));
    await staff.visit('dashboard filtered by grouping');
  });

  it('keeps the filters in the address: a reload shows the same pilots, and the stage chosen is highlighted', async () => {
    const t = staff.t;
    const page = staff.page;
    const stageFilter = page.getByRole('combobox', { name: t('dashboard.filter.stage'), exact: true });
    await stageFilter.selectOption('market_engagement');
    await expect.poll(() => new URL(page.url()).searchParams.get('stage')).toBe('market_engagement');
    expect(new URL(page.url()).searchParams.get('grouping')).toBe(grouping);
    await page.reload();
    await staff.status(t('dashboard.count', { count: 1 })).waitFor();
    expect(await page.getByLabel(t('dashboard.filter.grouping')).inputValue()).toBe(grouping);
    expect(await stageFilter.inputValue()).toBe('market_engagement');
    // Every stage stays in the chart; the chosen one is marked (in the chart's table of figures).
    const current = page.getByTestId('by-stage-figures').locator('tr[aria-current="true"]');
    await expect.poll(() => plainText(current)).toContain(t('stage.market_engagement'));
    // Both downloads carry the filters.
    for (const name of [t('dashboard.csv'), t('dashboard.xlsx')]) {
      const href = (await page.getByRole('link', { name }).getAttribute('href')) ?? '';
      expect(new URLSearchParams(href.split('?')[1]).get('stage'), name).toBe('market_engagement');
      expect(new URLSearchParams(href.split('?')[1]).get('grouping'), name).toBe(grouping);
    }
    await stageFilter.selectOption('');
    await expect.poll(() => new URL(page.url()).searchParams.has('stage')).toBe(false);
  });

  it('shows the pilots a page at a time, then the rest on asking for more', async () => {
    const t = staff.t;
    await staff.page.getByLabel(t('dashboard.filter.grouping')).selectOption(crowded);
    await staff.status(t('dashboard.count', { count: crowd })).waitFor();
    const rows = staff.page.getByTestId('pilot-table').locator('tbody tr');
    await expect.poll(() => rows.count()).toBe(50);
    // Newest first: the last pilot written heads the table.
    expect(await plainText(rows.first())).toContain(`Crowd pilot ${crowd} ${tag}`);
    const more = staff.page.getByRole('button', { name: t('dashboard.table.more') });
    await more.waitFor();
    await staff.visit('dashboard, first page of a crowded grouping');
    await more.click();
    await expect.poll(() => rows.count()).toBe(crowd);
    expect(await plainText(rows.last())).toContain(`Crowd pilot 1 ${tag}`);
    expect(await more.count()).toBe(0);
    expect(await plainText(staff.page.getByTestId('pilot-table-shown'))).toBe(
      plain(t('dashboard.table.shown', { shown: String(crowd), total: String(crowd) })),
    );
    // Back to the pilot this file follows.
    await staff.page.getByLabel(t('dashboard.filter.grouping')).selectOption(grouping);
    await staff.status(t('dashboard.count', { count: 1 })).waitFor();
  });

  it('shows the latest filter’s pilots when an earlier filter’s answer arrives last', async () => {
    const t = staff.t;
    const page = staff.page;
    const select = page.getByLabel(t('dashboard.filter.grouping'));
    await select.selectOption(crowded);
    await staff.status(t('dashboard.count', { count: crowd })).waitFor();
    // The answer for the one-pilot grouping is held back until the crowded grouping's has been shown.
    let release!: () => void;
    const held = new Promise<void>((resolve) => (release = resolve));
    const isHeld = (url: URL) => url.pathname === '/api/dashboard' && url.searchParams.get('grouping') === grouping;
    await page.route(isHeld, async (route) => {
      await held;
      await route.continue();
    });
    try {
      await select.selectOption(grouping);
      // The crowded grouping's own answer first: the count it shows is already on the page from
      // before, and on a loaded machine the page had not yet asked again when the held answer
      // was let go (it then showed the held one until its own arrived).
      const crowdedAnswered = page.waitForResponse((r) => {
        const url = new URL(r.url());
        return url.pathname === '/api/dashboard' && url.searchParams.get('grouping') === crowded;
      });
      await select.selectOption(crowded);
      await crowdedAnswered;
      await staff.status(t('dashboard.count', { count: crowd })).waitFor();
      const landed = page.waitForResponse((r) => isHeld(new URL(r.url())));
      release();
      await landed;
      // Two frames: time for the late answer to be rendered, had it been taken.
      await page.evaluate('new Promise((r) => requestAnimationFrame(() => requestAnimationFrame(r)))');
      const rows = page.getByTestId('pilot-table').locator('tbody tr');
      expect(await rows.count()).toBe(50);
      await staff.status(t('dashboard.count', { count: crowd })).waitFor();
    } finally {
      await page.unroute(isHeld);
    }
    await select.selectOption(grouping);
    await staff.status(t('dashboard.count', { count: 1 })).waitFor();
  });

  it('shows a pilot with its timeline', async () => {
    const t = staff.t;
    await staff.page.getByRole('link', { name: title }).click();
    await staff.heading(title).waitFor();
    const timeline = staff.page.getByTestId('pilot-timeline');
    await timeline.waitFor();
    const stages = await timeline.getByRole('listitem').count();
    // Draft, needs assessment, confirmation, aggregation done; market engagement current; approval, publication to come.
    expect(stages).toBe(7);
    expect(await plainText(timeline.locator('li[aria-current="step"]'))).toContain(t('stage.market_engagement'));
    expect(await plainText(timeline)).toContain(t('stage.market_engagement'));
    await staff.visit('pilot', 'pilot');
  });

  it('gives a buyer no way in: no navigation item, and the page shows the refusal', async () => {
    if (locale !== 'en') return;
    const buyerUser = await makeUser(h, lead.org.id, {
      label: `Lead colleague ${tag}`,
      email: `colleague-${tag}@helsinki.test`,
    });
    const buyer = await Person.open(browser, h, {
      name: 'Buyer',
      email: buyerUser.email,
      locale: 'en',
      shots: { prefix: 'dashboard-buyer', n: 0 },
    });
    try {
      await signInWithMail(buyer.page, h, buyerUser.email);
      expect(await buyer.page.getByRole('link', { name: buyer.t('nav.dashboard') }).count()).toBe(0);
      await buyer.page.goto('/dashboard');
      await buyer.heading(buyer.t('dashboard.title')).waitFor();
      await buyer.page.getByRole('alert').first().waitFor();
      expect(await buyer.page.getByTestId('pilot-table').count()).toBe(0);
      await buyer.visit('dashboard refused');
    } finally {
      await buyer.close();
    }
  });
});
