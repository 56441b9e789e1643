import { randomUUID } from 'node:crypto';
import { readFile } from 'node:fs/promises';

import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { launchBrowser, signInWithMail } from './support/browser.js';
import { validateAgainstPinXsd, xmlLeaves } from './support/eforms-validator.js';
import { type Harness, makeActor, makeUser, needLine, startHarness } from './support/harness.js';
import { Person, requireWebBuild } from './support/journey.js';
import { statementInMarketEngagement } from './support/published-statement.js';
import type { WebLocale } from './support/web-i18n.js';

type Actor = Awaited<ReturnType<typeof makeActor>>;

/**
 * Issue 19, "eForms", in Chromium: on its market consultation page the lead reads what the eForms
 * E1 notice is for and downloads it for TED, in English and in German (the notice in the page's
 * language, valid against the SDK's XSD); axe-clean and translated. A participating buyer's page
 * has no such link.
 */
describe('the eForms E1 notice on the lead’s market consultation page, in a browser', () => {
  let h: Harness;
  let browser: Browser;
  let lead: Actor;
  let oslo: Actor;
  let id = '';
  const tag = randomUUID().slice(0, 6);
  const shots = { prefix: 'eforms-e1', n: 0 };

  beforeAll(async () => {
    requireWebBuild();
    h = await startHarness();
    browser = await launchBrowser();
    lead = await makeActor(
      h,
      { kind: 'buyer', name: `Helsingin kaupunki ${tag}`, country: 'FI' },
      { roles: ['signatory'] },
    );
    oslo = await makeActor(h, { kind: 'buyer', name: `Oslo kommune ${tag}`, country: 'NO' }, { roles: ['signatory'] });
    id = await statementInMarketEngagement(h, lead, [
      [lead, [needLine({ quantity: '3' })]],
      [oslo, [needLine({ quantity: '5' })]],
    ]);
    // Oslo agrees to be named: the notice lists two buyers, the lead marked as the group's lead.
    const named = await oslo.api.put(`/api/statements/${id}/consultation/name-consent`, { agree: true });
    expect(named.status, JSON.stringify(named.body)).toBe(200);
  }, 180_000);

  afterAll(async () => {
    await browser?.close();
    await h?.close();
  });

  async function personOf(org: Actor, who: string, locale: WebLocale) {
    const email = `${who.replace(/\W+/g, '-')}-${locale}-${tag}@eforms.test`;
    await makeUser(h, org.org.id, { email, locale, label: `${who} ${locale} ${tag}`, roles: ['signatory'] });
    const person = await Person.open(browser, h, { name: `${who} (${locale})`, email, locale, shots });
    await signInWithMail(person.page, h, email, { locale });
    return person;
  }

  for (const [locale, code] of [
    ['en', 'ENG'],
    ['de', 'DEU'],
  ] as const) {
    it(`lets the lead download the notice for TED (${locale})`, async () => {
      const person = await personOf(lead, 'Lead buyer', locale);
      const { page, t } = person;
      try {
        await page.goto(`/statements/${id}/market`);
        await person.heading(t('market.title')).waitFor();
        await page.getByRole('heading', { level: 2, name: t('market.eforms.title') }).waitFor();
        await page.getByText(t('market.eforms.intro')).waitFor();
        await person.visit('market consultation with the eForms notice', `${locale}-market`);

        const link = page.getByRole('link', { name: t('market.eforms.download') });
        expect(await link.getAttribute('href')).toBe(`/api/statements/${id}/consultation/eforms-e1.xml?lang=${locale}`);
        const [download] = await Promise.all([page.waitForEvent('download'), link.click()]);
        expect(download.suggestedFilename()).toBe(`eforms-e1-${id}.xml`);
        const xml = await readFile((await download.path())!, 'utf8');
        const leaves = xmlLeaves(xml);
        expect(leaves.find((l) => l.path === 'cbc:NoticeLanguageCode')?.text).toBe(code);
        expect(leaves.find((l) => l.path.endsWith('efac:NoticeSubType/cbc:SubTypeCode'))?.text).toBe('E1');
        // The lead is the buyers' group lead (OPP-050).
        expect(leaves.filter((l) => l.path.endsWith('efbc:GroupLeadIndicator')).map((l) => l.text)).toEqual(['true']);
        expect(leaves.filter((l) => l.path.endsWith('efac:Company/cac:PartyName/cbc:Name')).map((l) => l.text)).toEqual(
          [lead.org.name, oslo.org.name],
        );
        const result = await validateAgainstPinXsd(xml);
        expect(result.errors.map((e) => e.rawMessage)).toEqual([]);
      } finally {
        await person.close();
      }
    });
  }

  it('gives a participating buyer no link, and the file refuses it', async () => {
    const person = await personOf(oslo, 'Participant', 'de');
    const { page, t } = person;
    try {
      await page.goto(`/statements/${id}/market`);
      await person.heading(t('market.title')).waitFor();
      await page.getByRole('heading', { level: 2, name: t('market.rfi.title') }).waitFor();
      expect(await page.getByRole('link', { name: t('market.eforms.download') }).count()).toBe(0);
      await person.visit('market consultation as a participant');
      const refused = await page.request.get(`/api/statements/${id}/consultation/eforms-e1.xml?lang=de`);
      expect(refused.status()).toBe(403);
    } finally {
      await person.close();
    }
  });
});
