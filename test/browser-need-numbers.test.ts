import { randomUUID } from 'node:crypto';

import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { describedBy, launchBrowser, signInWithMail } from './support/browser.js';
import { type Harness, makeActor, makeUser, startHarness } from './support/harness.js';
import { chooseSuggestion, Person, plain, plainText, requireWebBuild } from './support/journey.js';
import { statementWithSurveyOpen } from './support/needs-survey.js';
import type { WebLocale } from './support/web-i18n.js';

type Actor = Awaited<ReturnType<typeof makeActor>>;

/**
 * Issue 18, "Numbers read as typed": "In the English interface '390.000' becomes 390.00; the only
 * hint is the line estimate at the bottom of the form." In Chromium, in English (desktop), German
 * (desktop) and French (on a phone): a buyer types a unit price; what could be read two ways is
 * refused with both readings and not saved; what reads one way is shown beside the field as read
 * and saved as that number; axe-clean, nothing untranslated.
 */
describe('numbers read as typed in the needs form, in a browser', () => {
  let h: Harness;
  let browser: Browser;
  let lead: Actor;
  const buyers: Partial<Record<WebLocale, Actor>> = {};
  let id = '';
  const tag = randomUUID().slice(0, 6);
  const shots = { prefix: 'need-numbers', n: 0 };

  beforeAll(async () => {
    requireWebBuild();
    h = await startHarness();
    browser = await launchBrowser();
    lead = await makeActor(h, { kind: 'buyer', name: `Helsinki ${tag}`, country: 'FI' });
    buyers.en = await makeActor(h, { kind: 'buyer', name: `Dublin ${tag}`, country: 'IE' });
    buyers.de = await makeActor(h, { kind: 'buyer', name: `Wien ${tag}`, country: 'AT' });
    buyers.fr = await makeActor(h, { kind: 'buyer', name: `Lyon ${tag}`, country: 'FR' });
    id = await statementWithSurveyOpen(lead, [buyers.en, buyers.de, buyers.fr]);
  }, 180_000);

  afterAll(async () => {
    await browser?.close();
    await h?.close();
  });

  async function personOf(org: Actor, locale: WebLocale, viewport: 'desktop' | 'phone') {
    const email = `buyer-${locale}-${tag}@numbers.test`;
    await makeUser(h, org.org.id, { email, locale, label: `Buyer ${locale} ${tag}`, roles: ['signatory'] });
    const person = await Person.open(browser, h, { name: `Buyer (${locale})`, email, locale, viewport, shots });
    await signInWithMail(person.page, h, email, { locale });
    return person;
  }

  const draftOf = async (org: Actor) =>
    (await org.api.get(`/api/statements/${id}/needs/${org.org.id}`)).body.draft as {
      lines: { unitPrice?: unknown }[];
    } | null;

  for (const { locale, viewport, ambiguous, clear, reads, readings } of [
    {
      locale: 'en',
      viewport: 'desktop',
      ambiguous: '390.000',
      clear: '390,000',
      reads: '= €390,000.00',
      readings: { asDecimal: '390', asThousands: '390,000', typeDecimal: '390', typeThousands: '390000' },
    },
    { locale: 'de', viewport: 'desktop', ambiguous: undefined, clear: '390.000', reads: '= 390.000,00 €' },
    {
      locale: 'fr',
      viewport: 'phone',
      ambiguous: '390.000',
      clear: '390 000',
      reads: '= 390 000,00 €',
      readings: { asDecimal: '390', asThousands: '390 000', typeDecimal: '390', typeThousands: '390000' },
    },
  ] as const) {
    it(`refuses what reads two ways and shows what it read (${locale}, ${viewport})`, async () => {
      const org = buyers[locale]!;
      const person = await personOf(org, locale, viewport);
      const { page, t } = person;
      try {
        await page.goto(`/statements/${id}/needs`);
        await person.heading(t('needs.title')).waitFor();
        const line = page.getByRole('group', { name: t('needs.line.title', { n: 1 }) });
        await chooseSuggestion(line.getByLabel(t('needs.line.cpvCode'), { exact: true }), '4326', /43260000-3/);
        await line.getByLabel(t('needs.line.description'), { exact: true }).fill('Electric excavator');
        await chooseSuggestion(line.getByLabel(t('needs.line.unit'), { exact: true }), 'H87', /H87/);
        await line.getByLabel(t('needs.line.quantity'), { exact: true }).fill('2');
        const price = line.getByLabel(t('needs.line.unitPrice'), { exact: true });
        const readsPrice = page.getByTestId('reads-lines[0].unitPrice');

        if (ambiguous) {
          // "390.000": 390 or 390,000? Said beside the field as it is typed, and the draft is not saved.
          await price.fill(ambiguous);
          const message = plain(t('needs.errors.ambiguousNumber', { typed: ambiguous, ...readings }));
          await expect.poll(() => plainText(readsPrice)).toBe(message);
          expect(await plainText(line)).toContain(plain(t('needs.line.valueMissing')));
          await page.getByRole('button', { name: t('needs.saveDraft') }).click();
          await page
            .getByRole('alert')
            .filter({ hasText: t('needs.summary.notSavedTitle') })
            .waitFor();
          const described = await describedBy(price);
          expect(plain(described)).toContain(message);
          expect(await price.getAttribute('aria-invalid')).toBe('true');
          expect(await draftOf(org)).toBeNull();
          await person.visit('an amount that reads two ways', `${locale}-${viewport}-ambiguous`);
        }

        await price.fill(clear);
        await expect.poll(() => plainText(readsPrice)).toBe(plain(`${t('needs.line.readsAs')} ${reads}`));
        await expect
          .poll(() => plainText(page.getByTestId('line-value-1')))
          .toBe(plain(new Intl.NumberFormat(locale, { style: 'currency', currency: 'EUR' }).format(780_000)));
        await page.getByRole('button', { name: t('needs.saveDraft') }).click();
        await expect.poll(async () => (await draftOf(org))?.lines[0]?.unitPrice).toBe('390000');
        await person.visit('an amount read as typed', `${locale}-${viewport}-read`);
      } finally {
        await person.close();
      }
    });
  }
});
