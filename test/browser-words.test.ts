import { randomUUID } from 'node:crypto';

import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { launchBrowser, signInWithMail } from './support/browser.js';
import { type Harness, makeActor, makeUser, needLine, startHarness } from './support/harness.js';
import { Person, plain, plainText, requireWebBuild } from './support/journey.js';
import { statementWithSurveyOpen, submitNeeds } from './support/needs-survey.js';
import { publish, statementInMarketEngagement } from './support/published-statement.js';
import type { WebLocale } from './support/web-i18n.js';

type Actor = Awaited<ReturnType<typeof makeActor>>;

/**
 * Issue 18, "Words everywhere", in Chromium in English, French (on a phone) and German: CPV codes
 * carry their label in the viewer's language (statement page, needs form, version table,
 * published page), quantities their unit's name ("9 pieces", "9 pièces", "9 Stück"); the CPV
 * picker finds codes by words of another EU language ("camion", "Bagger") and says when nothing
 * matches; the published statement text reads as a person writes it, in the lead's language.
 * Every page axe-clean and without untranslated text.
 */
const excavators = {
  en: 'Mechanical shovels, excavators and shovel loaders, and mining machinery',
  fr: 'Pelles mécaniques, excavateurs, chouleurs et machines de mines',
  de: 'Löffelbagger, Bagger und Schaufellader sowie Bergbaumaschinen',
};
const trucks = { en: 'Articulated trucks', fr: 'Camions articulés', de: 'Gelenklastwagen' };
const electric = { en: 'Electric vehicles', fr: 'Véhicules électriques', de: 'Elektrofahrzeuge' };
const ninePieces = { en: '9 pieces', fr: '9 pièces', de: '9 Stück' };
/** What the published text says, in the lead's language, where the old text said "3 organisation(s) from 3 country(ies): DK, FI, NO". */
const buyersSentence = {
  en: 'The 3 undersigned public buyers, from 3 countries (Denmark, Finland and Norway), state their joint demand',
  fr: 'Les 3 acheteurs publics soussignés (3 pays : Danemark, Finlande et Norvège) déclarent leur demande conjointe',
  de: 'Die 3 unterzeichnenden öffentlichen Auftraggeber (3 Länder: Dänemark, Finnland und Norwegen) erklären ihren gemeinsamen Bedarf',
};
const fourPieces = { en: '12 pieces', fr: '12 pièces', de: '12 Stück' };
const division43 = {
  en: 'Machinery for mining, quarrying, construction equipment',
  fr: "Équipement minier, équipement pour l'exploitation de carrières, matériel de construction",
  de: 'Maschinen und Geräte für Bergbau und Steinbrecharbeiten, Baumaschinen',
};

describe('words instead of codes, in a browser', () => {
  let h: Harness;
  let browser: Browser;
  let oslo: Actor;
  let commission: Actor;
  let needsId = '';
  const published = {} as Record<WebLocale, string>;
  const tag = randomUUID().slice(0, 6);
  const shots = { prefix: 'words', n: 0 };

  beforeAll(async () => {
    requireWebBuild();
    h = await startHarness();
    browser = await launchBrowser();
    oslo = await makeActor(h, { kind: 'buyer', name: `Oslo kommune ${tag}`, country: 'NO' }, { roles: ['signatory'] });
    commission = await makeActor(h, { kind: 'commission', name: `DG GROW ${tag}`, country: 'BE' });
    const helsinki = await makeActor(h, { kind: 'buyer', name: `Helsinki ${tag}`, country: 'FI' });
    needsId = await statementWithSurveyOpen(helsinki, [oslo], []);
    await submitNeeds(oslo, needsId, [needLine({ quantity: '9', unit: 'H87' })], {});
    // One published statement per language of its lead: the text is drafted in the lead's language.
    await Promise.all(
      (['en', 'fr', 'de'] as const).map(async (locale) => {
        const lead = await makeActor(
          h,
          { kind: 'buyer', name: `Vantaa ${locale} ${tag}`, country: 'FI' },
          { locale, roles: ['signatory'] },
        );
        const lines = [needLine({ quantity: '4', unit: 'H87' })];
        const signatory = { roles: ['signatory'] };
        const buyers: [Actor, Record<string, unknown>[]][] = [
          [lead, lines],
          [await makeActor(h, { kind: 'buyer', name: `Bodø ${locale} ${tag}`, country: 'NO' }, signatory), lines],
          [await makeActor(h, { kind: 'buyer', name: `Aarhus ${locale} ${tag}`, country: 'DK' }, signatory), lines],
        ];
        const id = await statementInMarketEngagement(h, lead, buyers);
        await publish(
          h,
          id,
          lead,
          buyers.map(([a]) => a),
        );
        published[locale] = id;
      }),
    );
  }, 240_000);

  afterAll(async () => {
    await browser?.close();
    await h?.close();
  });

  async function personOf(org: Actor, who: string, locale: WebLocale, viewport: 'desktop' | 'phone') {
    const email = `${who.replace(/\W+/g, '-')}-${locale}-${tag}@words.test`;
    await makeUser(h, org.org.id, { email, locale, label: `${who} ${locale} ${tag}`, roles: ['signatory'] });
    const person = await Person.open(browser, h, { name: `${who} (${locale})`, email, locale, viewport, shots });
    await signInWithMail(person.page, h, email, { locale });
    return person;
  }

  for (const [locale, viewport] of [
    ['en', 'desktop'],
    ['fr', 'phone'],
    ['de', 'desktop'],
  ] as const) {
    it(`names CPV codes and units in ${locale} and finds codes by words of any EU language (${viewport})`, async () => {
      const person = await personOf(oslo, 'Buyer', locale, viewport);
      const { page, t } = person;
      try {
        // The statement page: each CPV code with its label in the viewer's language.
        await page.goto(`/statements/${needsId}`);
        const subject = page.locator('section[aria-labelledby="subject-heading"]');
        await subject.getByText(excavators[locale]).waitFor();
        await subject.getByText(electric[locale]).waitFor();
        expect(await subject.locator(`[lang="${locale}"]`, { hasText: excavators[locale] }).count()).toBe(1);
        await person.visit('statement page with CPV labels', `${locale}-${viewport}-statement`);

        // The needs form's CPV picker: words of French or German find trucks and excavators in any language.
        await page.goto(`/statements/${needsId}/needs`);
        const field = page.getByLabel(t('needs.line.cpvCode')).first();
        await field.waitFor();
        const listId = await field.getAttribute('aria-controls');
        const options = page.locator(`[id="${listId}"]`).getByRole('option');
        await field.fill('');
        await field.pressSequentially('camion', { delay: 20 });
        await options.filter({ hasText: trucks[locale] }).first().waitFor();
        await person.visit('CPV suggestions for "camion"', `${locale}-${viewport}-camion`);
        await field.fill('');
        await field.pressSequentially('Bagger', { delay: 20 });
        await options.filter({ hasText: excavators[locale] }).first().waitFor();
        // Nothing matches: the field says so, instead of staying silent.
        await field.fill('');
        await field.pressSequentially('xyzzyq', { delay: 20 });
        // Said where it is seen, and to screen readers by the field's status.
        const noMatch = t('cpv.noMatch', { query: 'xyzzyq' });
        await person.status(noMatch).waitFor({ state: 'attached' });
        expect(await page.getByText(noMatch).first().isVisible()).toBe(true);
        expect(await options.count()).toBe(0);
        await person.visit('no CPV code matches', `${locale}-${viewport}-no-match`);

        // The submitted version's table: the code's label and "9 pieces", not "9 H87".
        await page.getByText(t('needs.versions.show', { version: 1 })).click();
        const table = page.getByRole('table', { name: t('needs.versions.linesCaption', { version: 1 }) });
        await table.getByText(excavators[locale]).waitFor();
        const row = plain(await plainText(table));
        expect(row).toContain(ninePieces[locale]);
        expect(row).not.toContain('H87');
        await person.visit('version table with words', `${locale}-${viewport}-version`);
      } finally {
        await person.close();
      }
    });

    it(`publishes a statement text written as a person would, in ${locale} (${viewport})`, async () => {
      const person = await Person.open(browser, h, { name: `Public (${locale})`, email: '', locale, viewport, shots });
      const { page } = person;
      try {
        await page.goto(`/published/${published[locale]}`);
        const text = page.locator('.statement-text');
        await text.waitFor();
        expect(await text.getAttribute('lang')).toBe(locale);
        const words = plain(await plainText(text));
        expect(words).toContain(plain(buyersSentence[locale]));
        expect(words).toContain(`${excavators[locale]} (CPV 43260000-3)`);
        expect(words).toContain(fourPieces[locale]);
        expect(words).not.toMatch(/\(s\)|\(ies\)|\(en\)|Land\/Ländern|H87|\bDK, FI, NO\b/);
        // The published page's CPV codes carry their labels in the viewer's language.
        await page.getByText(excavators[locale], { exact: true }).first().waitFor();
        await person.visit('published statement', `${locale}-${viewport}-published`);
      } finally {
        await person.close();
      }
    });

    it(`labels CPV divisions on the Commission dashboard in ${locale} (${viewport})`, async () => {
      const person = await personOf(commission, 'Commission staff', locale, viewport);
      const { page, t } = person;
      try {
        await page.goto('/dashboard');
        const sector = page.getByLabel(t('dashboard.filter.sector'));
        await sector.locator('option', { hasText: `43 ${division43[locale]}` }).waitFor({ state: 'attached' });
        // Only divisions the list has: there is no division 01.
        expect(await sector.locator('option[value="01"]').count()).toBe(0);
        await person.visit('dashboard with CPV divisions in words', `${locale}-${viewport}-dashboard`);
      } finally {
        await person.close();
      }
    });
  }
});
