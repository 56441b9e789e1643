import { randomUUID } from 'node:crypto';
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { launchBrowser, signInWithMail } from './support/browser.js';
import { makeActor, makeUser, needLine, startHarness, statementDetails, until, type Harness } from './support/harness.js';
import { Person, plainText, requireWebBuild } from './support/journey.js';
import type { WebLocale } from './support/web-i18n.js';

type Actor = Awaited<ReturnType<typeof makeActor>>;

/**
 * The pilot dashboard in a real browser, as Commission staff use it, in English and in French:
 * the navigation leads there, the totals and the table show the pilots, the grouping filter
 * narrows them, and a pilot's page shows its timeline. Every page is checked with axe-core and,
 * in French, for English-only text. A buyer has no way in.
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
  let id = '';

  beforeAll(async () => {
    requireWebBuild();
    h = await startHarness();
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
      await a.api.put(`/api/statements/${id}/needs/draft`, { lines: [needLine({ quantity: '2', unitPrice: '450000' })], answers: {} });
      versions.push([a, (await a.api.post(`/api/statements/${id}/needs/submit`)).body.versionId]);
    }
    await lead.api.post(`/api/statements/${id}/close-stage`);
    for (const [a, versionId] of versions) await a.api.post(`/api/statements/${id}/needs/confirm`, { versionId });
    await until(() => lead.api.get(`/api/statements/${id}/live`), (r) => r.body.stage === 'market_engagement', 60_000, 'market engagement');
    await lead.api.post('/api/statements', statementDetails({ title: other }));

    const commission = await makeActor(h, { kind: 'commission', name: `DG GROW ${tag}`, country: 'BE' }, { label: 'commission' });
    const user = await makeUser(h, commission.org.id, { label: `Claire Staff ${tag}`, email: `staff-${tag}@commission.test`, locale });
    staff = await Person.open(browser, h, { name: 'Commission staff', email: user.email, locale, shots: { prefix: `dashboard-${locale}`, n: 0 } });
    await signInWithMail(staff.page, h, user.email, { locale });
  }, 180_000);

  afterAll(async () => {
    await staff?.close();
    await browser?.close();
    await h?.close();
  });

  it('leads Commission staff to the dashboard, with totals, charts and the table of pilots', async () => {
    const t = staff.t;
    await staff.page.getByRole('navigation', { name: t('header.navigation') }).getByRole('link', { name: t('nav.dashboard') }).click();
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

  it('shows a pilot with its timeline', async () => {
    const t = staff.t;
    await staff.page.getByRole('link', { name: title }).click();
    await staff.heading(title).waitFor();
    const timeline = staff.page.getByTestId('pilot-timeline');
    await timeline.waitFor();
    const stages = await timeline.getByRole('listitem').count();
    expect(stages).toBe(5); // draft, needs assessment, confirmation, aggregation, market engagement
    expect(await plainText(timeline)).toContain(t('stage.market_engagement'));
    await staff.visit('pilot', 'pilot');
  });

  it('gives a buyer no way in: no navigation item, and the page shows the refusal', async () => {
    if (locale !== 'en') return;
    const buyerUser = await makeUser(h, lead.org.id, { label: `Lead colleague ${tag}`, email: `colleague-${tag}@helsinki.test` });
    const buyer = await Person.open(browser, h, { name: 'Buyer', email: buyerUser.email, locale: 'en', shots: { prefix: 'dashboard-buyer', n: 0 } });
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
