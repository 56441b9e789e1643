import { randomUUID } from 'node:crypto';

import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { launchBrowser, signInWithMail } from './support/browser.js';
import { type Harness, makeActor, startHarness, statementDetails } from './support/harness.js';
import { Person, plain, plainText, requireWebBuild } from './support/journey.js';

/**
 * The lead's needs overview in a real browser when the statement has more participants than one
 * page (100): the counts cover all of them, the table grows a page at a time on asking, and the
 * confirmation of an early close counts everyone who would drop out, naming the first 20.
 */
describe('the needs overview of a crowded statement, in a browser', () => {
  let h: Harness;
  let browser: Browser;
  let lead: Person;
  let id = '';
  const tag = randomUUID().slice(0, 6);
  /** One buyer more than five pages of 20, and more than a page of 100 with the lead. */
  const crowd = 101;

  beforeAll(async () => {
    requireWebBuild();
    h = await startHarness();
    browser = await launchBrowser();
    const leadActor = await makeActor(h, { kind: 'buyer', name: `Lead Lisbon ${tag}`, country: 'PT' });
    id = (await leadActor.api.post('/api/statements', statementDetails())).body.id;
    const buyers = [];
    for (let i = 0; i < crowd; i++)
      buyers.push(
        await makeActor(h, { kind: 'buyer', name: `Crowd buyer ${String(i).padStart(3, '0')} ${tag}`, country: 'FI' }),
      );
    expect(
      (await leadActor.api.post(`/api/statements/${id}/invitations`, { organisationIds: buyers.map((b) => b.org.id) }))
        .status,
    ).toBe(200);
    for (const b of buyers) expect((await b.api.post(`/api/statements/${id}/invitation/accept`)).status).toBe(200);
    const opened = await leadActor.api.post(`/api/statements/${id}/needs-assessment/open`, {
      deadline: new Date(Date.now() + 3_600_000).toISOString(),
    });
    expect(opened.body.stage).toBe('needs_assessment');
    lead = await Person.open(browser, h, {
      name: 'Lead buyer',
      email: leadActor.user.email,
      locale: 'en',
      shots: { prefix: 'needs-overview-crowd', n: 0 },
    });
    await signInWithMail(lead.page, h, leadActor.user.email);
  }, 180_000);

  afterAll(async () => {
    await lead?.close();
    await browser?.close();
    await h?.close();
  });

  it('counts everyone, shows the first 100, then the rest on asking for more', async () => {
    const t = lead.t;
    await lead.page.goto(`/statements/${id}/needs-overview`);
    await lead.heading(t('overview.title')).waitFor();
    const rows = lead.page.getByRole('region', { name: t('overview.whoTitle') }).locator('tbody tr');
    await expect.poll(() => rows.count()).toBe(100);
    // The lead and the crowd, all still to submit.
    expect(await plainText(lead.page.locator('.key-facts'))).toContain(
      plain(t('overview.countsText', { count: crowd + 1, submitted: 0, confirmed: 0, waiting: crowd + 1 })),
    );
    expect(await plainText(lead.page.getByText(plain(t('overview.shown', { shown: 100, count: crowd + 1 }))))).not.toBe(
      '',
    );
    await lead.visit('first page of a crowded overview', 'first-page');
    const more = lead.page.getByRole('button', { name: t('overview.showMore') });
    await more.click();
    await expect.poll(() => rows.count()).toBe(crowd + 1);
    expect(await more.count()).toBe(0);
    // In the order of names: the crowd first, then the lead ("Lead Lisbon").
    expect(await plainText(rows.nth(crowd - 1))).toContain(`Crowd buyer ${String(crowd - 1).padStart(3, '0')} ${tag}`);
    expect(await plainText(rows.last())).toContain(`Lead Lisbon ${tag}`);
  });

  it('names the first 20 who would drop out on an early close, and counts the others', async () => {
    const t = lead.t;
    await lead.page.getByRole('button', { name: t('overview.close.open.needs_assessment') }).click();
    const others = t('overview.andOthers', { count: crowd + 1 - 20 });
    const consequence = lead.page.getByText(plain(others), { exact: false });
    await consequence.waitFor();
    const text = await plainText(consequence);
    expect(text).toContain(`Crowd buyer 000 ${tag}`);
    expect(text).toContain(`Crowd buyer 019 ${tag}`);
    expect(text).not.toContain(`Crowd buyer 020 ${tag}`);
    expect(text).toContain(String(crowd + 1));
    await lead.visit('early close of a crowded needs assessment', 'close');
  });
});
