import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { launchBrowser, signInWithMail } from './support/browser.js';
import {
  ApiClient,
  type Harness,
  makeOrganisation,
  makeUser,
  signIn,
  startHarness,
  uniqueEmail,
} from './support/harness.js';
import { Person, requireWebBuild } from './support/journey.js';

/** The web pages of issue 13, point 7: a user's sessions and tokens, an administrator's users and access. */
describe('web: account security, users and access', () => {
  let h: Harness;
  let browser: Browser;
  let buyer: Person;
  let admin: Person;
  let buyerEmail: string;
  let buyerOrgName: string;

  beforeAll(async () => {
    requireWebBuild();
    h = await startHarness();
    browser = await launchBrowser();
    const org = await makeOrganisation(h, { kind: 'buyer', country: 'CY', name: `Nicosia ${Date.now()}` });
    buyerOrgName = org.name;
    buyerEmail = (await makeUser(h, org.id, { label: 'Eleni Buyer', email: uniqueEmail('eleni') })).email;
    buyer = await Person.open(browser, h, {
      name: 'buyer',
      email: buyerEmail,
      locale: 'en',
      shots: { prefix: 'account', n: 0 },
    });
    await signInWithMail(buyer.page, h, buyerEmail);
    const commission = await makeOrganisation(h, { kind: 'commission', country: 'BE' });
    const adminEmail = (
      await makeUser(h, commission.id, { label: 'Ada Admin', email: uniqueEmail('ada'), isAdmin: true })
    ).email;
    admin = await Person.open(browser, h, {
      name: 'admin',
      email: adminEmail,
      locale: 'en',
      shots: { prefix: 'admin-users', n: 0 },
    });
    await signInWithMail(admin.page, h, adminEmail);
  }, 180_000);

  afterAll(async () => {
    await buyer?.close();
    await admin?.close();
    await browser?.close();
    await h?.close();
  });

  it('lists the user’s sessions, ends another one, and creates a read-only token shown once', async () => {
    const t = buyer.t;
    const elsewhere = await signIn(h, buyerEmail);
    await buyer.page
      .getByRole('navigation', { name: t('header.navigation') })
      .getByRole('link', { name: t('nav.account') })
      .click();
    await buyer.heading(t('account.title')).waitFor();
    await buyer.page.getByRole('button', { name: t('account.sessions.end') }).waitFor();
    await buyer.visit('account security', 'sessions');
    expect(await buyer.page.getByRole('row').count()).toBe(3); // header, this browser, the other one
    await buyer.page.getByRole('button', { name: t('account.sessions.end') }).click();
    await buyer.status(t('account.sessions.ended')).waitFor();
    expect((await elsewhere.get('/api/me')).status).toBe(401);

    await buyer.page.getByLabel(t('account.tokens.name')).fill('reporting');
    await buyer.page.getByLabel(t('account.tokens.scope.write')).uncheck();
    await buyer.page.getByRole('button', { name: t('account.tokens.submit') }).click();
    const token = (await buyer.page.getByTestId('new-token').textContent())!;
    await buyer.visit('token created', 'token');
    const bearer = new ApiClient(h.baseUrl, { bearer: token });
    expect((await bearer.get('/api/me')).status).toBe(200);
    expect((await bearer.put('/api/me/locale', { locale: 'fr' })).status).toBe(403);
    await buyer.page.reload();
    await buyer.heading(t('account.title')).waitFor();
    expect(await buyer.page.getByTestId('new-token').count()).toBe(0);
  });

  it('lets an administrator disable a user, whose browser is then signed out', async () => {
    const t = admin.t;
    await admin.page
      .getByRole('navigation', { name: t('header.navigation') })
      .getByRole('link', { name: t('nav.adminUsers') })
      .click();
    await admin.heading(t('adminUsers.title')).waitFor();
    await admin.page.getByLabel(t('adminUsers.search')).fill(buyerOrgName);
    await admin.page.getByRole('button', { name: buyerOrgName }).click();
    await admin.page.getByRole('button', { name: t('adminUsers.disable', { name: 'Eleni Buyer' }) }).click();
    await admin.status(t('adminUsers.disabledDone')).waitFor();
    await admin.visit('users and access', 'disabled');
    await buyer.page.reload();
    await buyer.page.waitForURL(/\/sign-in$/);
  });
});
