import { randomUUID } from 'node:crypto';

import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { launchBrowser, signInWithMail } from './support/browser.js';
import { type Harness, makeActor, makeUser, startHarness } from './support/harness.js';
import { expectSignInOnceSessionEnds, Person, requireWebBuild } from './support/journey.js';
import type { WebLocale } from './support/web-i18n.js';

type Actor = Awaited<ReturnType<typeof makeActor>>;

/**
 * Issue 19, saved searches: in Chromium, in English, French (on a phone) and German, a supplier
 * user saves a search (its feed address shown once), copies the feed address and reads the
 * feed at it, turns the e-mail off, edits the search, makes a new feed address (the old one
 * stops working) and deletes the search, each change confirmed where it cannot be undone;
 * axe-clean and translated throughout. A buyer is refused the page.
 */
describe('the supplier’s saved searches page, in a browser', () => {
  let h: Harness;
  let browser: Browser;
  const tag = randomUUID().slice(0, 6);
  const shots = { prefix: 'saved-searches', n: 0 };

  beforeAll(async () => {
    requireWebBuild();
    h = await startHarness();
    browser = await launchBrowser();
  }, 120_000);

  afterAll(async () => {
    await browser?.close();
    await h?.close();
  });

  async function personOf(org: Actor, who: string, locale: WebLocale, viewport: 'desktop' | 'phone' = 'desktop') {
    const email = `${who.replace(/\W+/g, '-')}-${locale}-${tag}@saved-searches.test`;
    await makeUser(h, org.org.id, { email, locale, label: `${who} ${locale} ${tag}` });
    const person = await Person.open(browser, h, { name: `${who} (${locale})`, email, locale, viewport, shots });
    await signInWithMail(person.page, h, email, { locale });
    return person;
  }

  for (const [locale, viewport] of [
    ['en', 'desktop'],
    ['fr', 'phone'],
    ['de', 'desktop'],
  ] as const) {
    it(`saves a search, copies its feed address, edits, rotates and deletes it (${locale}, ${viewport})`, async () => {
      const supplier = await makeActor(h, { kind: 'supplier', name: `Search Works ${locale} ${tag}`, country: 'SE' });
      const person = await personOf(supplier, 'Supplier', locale, viewport);
      const { page, t } = person;
      const name = `Bagger ${locale} ${tag}`;
      try {
        await page.context().grantPermissions(['clipboard-read', 'clipboard-write'], { origin: h.baseUrl });
        await page.goto('/supplier');
        // The supplier's home links here, as does the navigation.
        await page.getByRole('link', { name: t('savedSearch.homeLink') }).waitFor();
        await page
          .getByRole('link', { name: t('savedSearch.nav') })
          .first()
          .click();
        await person.heading(t('savedSearch.title')).waitFor();
        await page.getByText(t('savedSearch.none')).waitFor();
        await person.visit('no saved search yet', `${locale}-${viewport}-empty`);

        // Nothing typed: the form says what is missing, in the page's language.
        await page.getByRole('button', { name: t('savedSearch.form.submit') }).click();
        await page.getByText(t('savedSearch.form.nameRequired')).first().waitFor();
        await person.visit('the form’s error');

        await page.getByLabel(t('savedSearch.form.name'), { exact: true }).fill(name);
        await page.getByRole('textbox', { name: t('savedSearch.form.words') }).fill('bagger');
        await page.getByRole('combobox', { name: t('savedSearch.form.cpv') }).fill('43');
        await page.getByRole('button', { name: t('savedSearch.form.submit') }).click();
        await person.status(t('savedSearch.created', { name })).waitFor();

        // The feed address, shown once: copied with the button, and a feed reader can read it.
        const box = page.getByLabel(t('savedSearch.feed.label'));
        const feedUrl = await box.inputValue();
        expect(feedUrl).toMatch(/\/api\/saved-search-feeds\/ssf_[A-Za-z0-9_-]+\.atom$/);
        await page.getByRole('button', { name: t('savedSearch.feed.copy') }).click();
        await page
          .getByRole('status')
          .filter({ hasText: t('savedSearch.feed.copied') })
          .waitFor();
        expect(await page.evaluate('navigator.clipboard.readText()')).toBe(feedUrl);
        const feed = await fetch(feedUrl);
        expect(feed.status).toBe(200);
        expect(await feed.text()).toContain('<feed xmlns="http://www.w3.org/2005/Atom"');
        const card = page.getByRole('article', { name });
        await card.getByText('43', { exact: true }).waitFor();
        await person.visit('the feed address shown once', `${locale}-${viewport}-feed`);
        await page.getByRole('button', { name: t('savedSearch.feed.done') }).click();
        expect(await page.getByLabel(t('savedSearch.feed.label')).count()).toBe(0);

        // E-mail off, from the list.
        await card.getByRole('button', { name: t('savedSearch.actions.emailOff') }).click();
        await person.status(t('savedSearch.emailOffStatus', { name })).waitFor();
        await card.getByText(t('savedSearch.emailOff'), { exact: true }).waitFor();

        // Edited: the form is filled with the search, and saved.
        const renamed = `${name} 2`;
        await card.getByRole('button', { name: t('savedSearch.actions.edit') }).click();
        await page.getByRole('heading', { name: t('savedSearch.form.editHeading', { name }) }).waitFor();
        await page.getByLabel(t('savedSearch.form.name'), { exact: true }).fill(renamed);
        await person.visit('editing a search', `${locale}-${viewport}-edit`);
        await page.getByRole('button', { name: t('savedSearch.form.save') }).click();
        await person.status(t('savedSearch.saved', { name: renamed })).waitFor();
        const renamedCard = page.getByRole('article', { name: renamed });

        // A new feed address, confirmed first: the old one stops working.
        await renamedCard.getByRole('button', { name: t('savedSearch.actions.rotate') }).click();
        const rotate = page.getByRole('dialog', { name: t('savedSearch.confirm.rotate.title') });
        await rotate.waitFor();
        await person.visit('confirm a new feed address');
        await rotate.getByRole('button', { name: t('savedSearch.confirm.rotate.confirm') }).click();
        await person.status(t('savedSearch.rotated', { name: renamed })).waitFor();
        const rotated = await page.getByLabel(t('savedSearch.feed.label')).inputValue();
        expect(rotated).not.toBe(feedUrl);
        expect((await fetch(feedUrl)).status).toBe(404);
        expect((await fetch(rotated)).status).toBe(200);
        await page.getByRole('button', { name: t('savedSearch.feed.done') }).click();

        // Deleted, confirmed first: its feed is gone with it.
        await renamedCard.getByRole('button', { name: t('savedSearch.actions.delete') }).click();
        const remove = page.getByRole('dialog', { name: t('savedSearch.confirm.delete.title') });
        await remove.getByRole('button', { name: t('savedSearch.confirm.delete.confirm') }).click();
        await person.status(t('savedSearch.deleted', { name: renamed })).waitFor();
        await page.getByText(t('savedSearch.none')).waitFor();
        await person.visit('the search deleted');
        expect((await fetch(rotated)).status).toBe(404);
      } finally {
        await person.close();
      }
    });
  }

  it('sends a supplier whose session has ended to sign in again, as every other page does', async () => {
    const supplier = await makeActor(h, { kind: 'supplier', name: `Ended Session ${tag}`, country: 'FI' });
    const person = await personOf(supplier, 'Ended', 'en');
    try {
      await person.page.goto('/supplier');
      await expectSignInOnceSessionEnds(h, person, supplier.org.id, person.t('savedSearch.nav'));
    } finally {
      await person.close();
    }
  });

  it('refuses the page to a buyer', async () => {
    const buyer = await makeActor(h, { kind: 'buyer', name: `Search City ${tag}`, country: 'FI' });
    const person = await personOf(buyer, 'Buyer', 'en');
    try {
      expect(await person.page.getByRole('link', { name: person.t('savedSearch.nav') }).count()).toBe(0);
      await person.page.goto('/saved-searches');
      await person.page
        .getByRole('heading', { name: person.t('problem.forbidden.title') })
        .first()
        .waitFor();
      expect((await person.page.request.get('/api/me/saved-searches')).status()).toBe(403);
    } finally {
      await person.close();
    }
  });
});
