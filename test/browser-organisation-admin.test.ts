import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { launchBrowser, signInWithMail } from './support/browser.js';
import { type Harness, makeActor, makeUser, startHarness } from './support/harness.js';
import { Person, requireWebBuild } from './support/journey.js';

type Actor = Awaited<ReturnType<typeof makeActor>>;

/**
 * Issue 17 point 10 in a browser: an administrator opens an organisation from the users page,
 * reads it, is told a reason is needed, and corrects its legal type. Every page is axe-checked and
 * read for untranslated text in English, French and German.
 */
describe('the administrators’ organisation page', () => {
  let h: Harness;
  let browser: Browser;
  let admin: Actor;
  let oslo: Actor;
  const shots = { prefix: 'organisation-admin', n: 0 };
  // Its own name: other test files in the same database register an "Oslo kommune" too, and the
  // search would list them all.
  const osloName = `Oslo kommune ${Date.now().toString(36)}`;

  beforeAll(async () => {
    requireWebBuild();
    h = await startHarness();
    browser = await launchBrowser();
    admin = await makeActor(
      h,
      { kind: 'operator', name: 'Jointdemand Ops', country: 'BE' },
      { label: 'oa-admin', isAdmin: true },
    );
    oslo = await makeActor(
      h,
      { kind: 'buyer', name: osloName, country: 'NO', buyerLegalType: 'cga' },
      { label: 'oa-oslo' },
    );
  }, 120_000);

  afterAll(async () => {
    await browser?.close();
    await h?.close();
  });

  it('shows an organisation and corrects its legal type with a reason', { timeout: 120_000 }, async () => {
    const person = await Person.open(browser, h, { name: 'Operator', email: admin.user.email, locale: 'en', shots });
    try {
      const { page, t } = person;
      await signInWithMail(page, h, person.email);
      await page.goto('/admin/users');
      await page.getByRole('searchbox', { name: t('adminUsers.search') }).fill(osloName);
      await page.getByRole('button', { name: osloName }).click();
      await page.getByRole('link', { name: t('adminUsers.readAndCorrect', { name: osloName }) }).click();
      await person.heading(t('adminOrganisation.title', { name: osloName })).waitFor();
      await page.getByText(oslo.user.email).waitFor();
      await person.visit('organisation page', 'read');

      const legalType = page.getByLabel(t('adminOrganisation.form.buyerLegalType'));
      expect(await legalType.inputValue()).toBe('cga');
      await legalType.selectOption('la');
      await page.getByRole('button', { name: t('adminOrganisation.form.submit') }).click();
      await page.getByText(t('adminOrganisation.errors.reason')).first().waitFor();
      await person.visit('organisation page, reason missing', 'no-reason');

      await page.getByLabel(t('adminOrganisation.form.reason')).fill('Oslo kommune is a municipality');
      await page.getByRole('button', { name: t('adminOrganisation.form.submit') }).click();
      await person.status(t('adminOrganisation.doneNone')).waitFor();
      await page.getByTestId('corrections').getByText('Oslo kommune is a municipality').waitFor();
      await person.visit('organisation page after the correction', 'corrected');
      const read = await admin.api.get(`/api/admin/organisations/${oslo.org.id}`);
      expect(read.body.organisation.buyerLegalType).toBe('la');

      // A user of it may now sign for it.
      await page.getByRole('button', { name: t('adminOrganisation.user.correct', { name: oslo.user.name }) }).click();
      await person.visit('user correction form', 'user-form');
      await page.getByLabel(t('adminOrganisation.user.signatoryHint')).check();
      await page.getByRole('button', { name: t('adminOrganisation.user.submit', { name: oslo.user.name }) }).click();
      await page.getByText(t('adminOrganisation.errors.reason')).first().waitFor();
      await page.locator(`#f-user-${oslo.user.id}-reason`).fill('Signs for Oslo kommune');
      await page.getByRole('button', { name: t('adminOrganisation.user.submit', { name: oslo.user.name }) }).click();
      await person.status(t('adminOrganisation.user.done', { name: oslo.user.name })).waitFor();
      await person.visit('organisation page after the user correction', 'user-corrected');
      const users = await admin.api.get(`/api/admin/organisations/${oslo.org.id}/users`);
      expect(users.body[0].roles).toEqual(['signatory']);
    } finally {
      await person.close();
    }
  });

  it('reads in French and German', { timeout: 120_000 }, async () => {
    for (const locale of ['fr', 'de'] as const) {
      const user = await makeUser(h, admin.org.id, { label: `oa-admin-${locale}`, locale, isAdmin: true });
      const person = await Person.open(browser, h, {
        name: `Operator (${locale})`,
        email: user.email,
        locale,
        shots,
      });
      try {
        const { page, t } = person;
        await signInWithMail(page, h, person.email, { locale });
        await page.goto(`/admin/organisations/${oslo.org.id}`);
        await person.heading(t('adminOrganisation.title', { name: osloName })).waitFor();
        await page.getByTestId('corrections').waitFor();
        await person.visit(`organisation page (${locale})`, locale);
      } finally {
        await person.close();
      }
    }
  });
});
