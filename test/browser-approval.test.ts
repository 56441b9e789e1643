import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { launchBrowser, signInWithMail } from './support/browser.js';
import { type Harness, makeActor, needLine, startHarness, until } from './support/harness.js';
import { Person, plainText, requireWebBuild } from './support/journey.js';
import { statementInMarketEngagement } from './support/published-statement.js';
import type { WebLocale } from './support/web-i18n.js';

type Actor = Awaited<ReturnType<typeof makeActor>>;

/**
 * The end of an approval that not everyone answers, in a real browser: the approval deadline
 * passes with one buyer silent; the lead's page then offers to publish without it, names who is
 * missing and asks for confirmation; the statement is published with the others as signatories.
 * The statement gets to approval by API (test/browser-journey.test.ts walks those steps).
 */
describe.each<WebLocale>(['en', 'de'])(
  'publishing without a buyer that did not approve, in a browser (%s)',
  (locale) => {
    let h: Harness;
    let browser: Browser;
    let lead: Actor, oslo: Actor, silent: Actor;
    let person: Person;
    let id: string;
    const shots = { prefix: `approval-${locale}`, n: 0 };
    const ok = <T extends { status: number; body: unknown }>(res: T): T => {
      expect(res.status, JSON.stringify(res.body)).toBeLessThan(300);
      return res;
    };
    const stage = async () => ok(await lead.api.get(`/api/statements/${id}/live`)).body.stage as string;

    beforeAll(async () => {
      requireWebBuild();
      h = await startHarness();
      browser = await launchBrowser();
      lead = await makeActor(
        h,
        { kind: 'buyer', name: `City of Tampere ${locale}`, country: 'FI' },
        { label: `tampere-${locale}`, locale, roles: ['signatory'] },
      );
      oslo = await makeActor(
        h,
        { kind: 'buyer', name: `City of Oslo ${locale}`, country: 'NO' },
        { label: `oslo-${locale}`, roles: ['signatory'] },
      );
      silent = await makeActor(
        h,
        { kind: 'buyer', name: `City of Riga ${locale}`, country: 'LV' },
        { label: `riga-${locale}`, roles: ['signatory'] },
      );
      id = await statementInMarketEngagement(
        h,
        lead,
        [
          [lead, [needLine()]],
          [oslo, [needLine()]],
          [silent, [needLine()]],
        ],
        { approval: 'PT25S' },
      );
      ok(await lead.api.post(`/api/statements/${id}/close-stage`));
      await until(stage, (s) => s === 'approval', 60_000, 'approval');
      for (const a of [lead, oslo])
        ok(await a.api.post(`/api/statements/${id}/approval`, { version: 1, decision: 'approve' }));
      person = await Person.open(browser, h, { name: lead.org.name, email: lead.user.email, locale, shots });
    });

    afterAll(async () => {
      await browser?.close();
      await h?.close();
    });

    it('offers the lead, once the deadline has passed, to publish without the buyer that did not approve, naming it', async () => {
      const { page, t } = person;
      await signInWithMail(page, h, person.email, { locale });
      await page.goto(`/statements/${id}/approval`);
      await person.heading(t('approval.title')).waitFor();
      // Before the deadline: only extending it is offered.
      if (Date.now() < Date.parse(ok(await lead.api.get(`/api/statements/${id}`)).body.stageDeadline)) {
        expect(await page.getByRole('heading', { name: t('approval.proceed.title') }).count()).toBe(0);
      }
      await person.reloadUntil(page.getByRole('heading', { name: t('approval.proceed.title') }), 90_000);
      const panel = page.getByRole('region', { name: t('approval.proceed.title') });
      expect(await plainText(panel)).toContain(silent.org.name);
      expect(await plainText(panel)).not.toContain(oslo.org.name);
      // The lead's own decision is shown, and it can still be changed.
      await page.getByText(t('approval.decide.currentApproved', { version: '1' })).waitFor();
      await person.visit('approval after the deadline', 'approval-deadline-passed');

      await panel.getByRole('button', { name: t('approval.proceed.open') }).click();
      await panel.getByRole('button', { name: t('approval.proceed.confirm'), exact: true }).click();
      await person.status(t('approval.proceed.done')).waitFor();
      await person.reloadUntil(page.getByText(t('approval.published')));
      const signatories = page.getByRole('region', { name: t('approval.signatories.title') });
      await signatories.getByText(oslo.org.name).waitFor();
      expect(await plainText(signatories)).not.toContain(silent.org.name);
      await person.visit('published without the silent buyer', 'approval-published-without');
      expect(await stage()).toBe('published');
    });
  },
);
