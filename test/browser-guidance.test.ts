import { randomUUID } from 'node:crypto';

import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { translatorFor } from '../i18n/index.js';
import { launchBrowser, signInWithMail } from './support/browser.js';
import { type Harness, makeActor, makeUser, needLine, startHarness, statementDetails } from './support/harness.js';
import { Person, plain, plainText, requireWebBuild } from './support/journey.js';
import { surveyOfEveryType } from './support/sample-input.js';

type Actor = Awaited<ReturnType<typeof makeActor>>;

/**
 * Issue 18, "Guidance", in Chromium (English on a desktop, French on a phone, German on a
 * desktop): the lead's one primary action per stage with the others grouped after it (and the
 * market consultation "prepared", not "opened"); its readiness checklist against the critical
 * mass; opening the needs assessment confirmed in a dialog that names the consequences (Escape
 * cancels, nothing changes); a pending invitation in the invitee's list shown as an invitation,
 * not as the statement's "Draft", with the survey previewed before accepting; and, after the
 * lead closes the needs assessment early, the buyer that had not submitted told so on its page,
 * in its list and by e-mail, not that it "did not submit before the deadline". Axe-clean.
 */
describe('guidance for the lead and the participants, in a browser', () => {
  let h: Harness;
  let browser: Browser;
  const shots = { prefix: 'guidance', n: 0 };

  beforeAll(async () => {
    requireWebBuild();
    h = await startHarness();
    browser = await launchBrowser();
  }, 180_000);

  afterAll(async () => {
    await browser?.close();
    await h?.close();
  });

  for (const [locale, viewport] of [
    ['en', 'desktop'],
    ['fr', 'phone'],
    ['de', 'desktop'],
  ] as const) {
    it(`guides the lead and an invited buyer from the draft to an early close (${locale}, ${viewport})`, async () => {
      const tag = `${locale}-${randomUUID().slice(0, 6)}`;
      const lead = await makeActor(h, { kind: 'buyer', name: `Helsinki ${tag}`, country: 'FI' });
      const oslo = await makeActor(h, { kind: 'buyer', name: `Oslo kommune ${tag}`, country: 'NO' });
      const bodo = await makeActor(h, { kind: 'buyer', name: `Bodø kommune ${tag}`, country: 'NO' });
      const title = `Zero-emission machinery ${tag}`;
      const id = (await lead.api.post('/api/statements', statementDetails({ title }))).body.id as string;
      expect((await lead.api.put(`/api/statements/${id}/survey`, { questions: surveyOfEveryType })).status).toBe(200);
      await lead.api.post(`/api/statements/${id}/invitations`, { organisationIds: [oslo.org.id, bodo.org.id] });
      expect((await bodo.api.post(`/api/statements/${id}/invitation/accept`)).status).toBe(200);

      const personOf = async (org: Actor, who: string) => {
        const email = `${who.replace(/\W+/g, '-')}-${tag}@guidance.test`.toLowerCase();
        await makeUser(h, org.org.id, { email, locale, label: `${who} ${tag}`, roles: ['signatory'] });
        const person = await Person.open(browser, h, { name: `${who} (${locale})`, email, locale, viewport, shots });
        await signInWithMail(person.page, h, email, { locale });
        return person;
      };

      // Oslo: its list shows an invitation, not the statement's stage; it previews the survey and accepts.
      const buyer = await personOf(oslo, 'Oslo buyer');
      try {
        const { page, t } = buyer;
        await page.goto('/statements');
        await buyer.heading(t('statements.title')).waitFor();
        const card = page.getByRole('listitem').filter({ has: page.getByRole('link', { name: title, exact: true }) });
        expect(await plainText(card.getByTestId('invitation-tag'))).toBe(plain(t('guidance.invitation.tag')));
        expect(await card.getByText(t('stage.draft'), { exact: true }).count()).toBe(0);
        await buyer.visit('statements list with an invitation', `${locale}-invitation-list`);
        // In the card whose title names the statement (a link named by the title alone stays unique).
        await card.getByRole('link', { name: t('guidance.invitation.answerLink') }).click();
        await buyer.heading(title).waitFor();
        const next = page.getByTestId('next-step');
        await next.getByRole('heading', { name: t('actions.answer.title') }).waitFor();
        await next.getByRole('button', { name: t('guidance.preview.open') }).click();
        const preview = page.getByTestId('survey-preview');
        await preview.getByText('Which drive do you need?').waitFor();
        await preview.getByText('Battery electric').waitFor();
        await preview.getByText(t('survey.needLinesIntro')).waitFor();
        await buyer.visit('invitation with the survey preview', `${locale}-invitation-preview`);
        await next.getByRole('button', { name: t('actions.answer.accept') }).click();
        await buyer.status(t('actions.answer.accepted')).waitFor();
      } finally {
        await buyer.close();
      }

      // The lead: one primary action (open the needs assessment), the rest under "Other actions".
      const leadPerson = await personOf(lead, 'Lead buyer');
      try {
        const { page, t } = leadPerson;
        await page.goto(`/statements/${id}`);
        await leadPerson.heading(title).waitFor();
        const next = page.getByTestId('next-step');
        const open = next.getByRole('button', { name: t('actions.openNeeds.submit') });
        await open.waitFor();
        expect(await open.getAttribute('class')).toContain('button--primary');
        expect(await page.locator('section.actions .button--primary:visible').count()).toBe(1);
        const others = page.getByTestId('other-actions');
        await others.getByRole('heading', { name: t('guidance.otherActions') }).waitFor();
        await others.getByRole('link', { name: t('actions.market.prepareLink') }).waitFor();
        await others.getByRole('link', { name: t('actions.survey.linkDraft') }).waitFor();

        // The checklist against the critical mass (3 buyers from 2 countries; the lead and 2 accepted, FI and NO).
        const checklist = page.getByTestId('readiness');
        await checklist.getByRole('heading', { name: t('readiness.title.openNeedsAssessment') }).waitFor();
        const items = await plainText(checklist);
        expect(items).toContain(plain(t('readiness.buyers.openNeedsAssessment', { count: 3, have: '3' })));
        expect(items).toContain(plain(t('readiness.countries.openNeedsAssessment', { count: 2, have: '2' })));
        expect(items).toContain(plain(t('readiness.survey.done', { count: surveyOfEveryType.length })));
        await leadPerson.visit('draft with its next step and checklist', `${locale}-lead-draft`);

        // Opening asks first, naming the consequences; Escape cancels and nothing changes.
        await open.click();
        const dialog = page.getByRole('dialog', { name: t('actions.openNeeds.confirmTitle') });
        await dialog.waitFor();
        await dialog.getByText(t('actions.openNeeds.consequenceLocked')).waitFor();
        await leadPerson.visit('confirmation before opening', `${locale}-lead-confirm`);
        await page.keyboard.press('Escape');
        await dialog.waitFor({ state: 'hidden' });
        // The focus is back on the button that opened the dialog.
        expect(await open.evaluate((button) => button.ownerDocument.activeElement === button)).toBe(true);
        expect((await lead.api.get(`/api/statements/${id}`)).body.stage).toBe('draft');
        await open.click();
        await dialog.getByRole('button', { name: t('actions.openNeeds.keepDraft') }).click();
        await dialog.waitFor({ state: 'hidden' });
        expect((await lead.api.get(`/api/statements/${id}`)).body.stage).toBe('draft');
        await open.click();
        await dialog.getByRole('button', { name: t('actions.openNeeds.confirm') }).click();
        await leadPerson.status(t('actions.openNeeds.done')).waitFor();
        // Now the next step is following the needs assessment; the checklist is the one before closing it.
        await next.getByRole('link', { name: t('actions.overview.link') }).waitFor();
        await checklist.getByRole('heading', { name: t('readiness.title.closeNeedsAssessment') }).waitFor();
        await leadPerson.visit('needs assessment open, its next step', `${locale}-lead-needs`);
      } finally {
        await leadPerson.close();
      }

      // Bodø submits; the lead closes the needs assessment early; Oslo had not submitted.
      await bodo.api.put(`/api/statements/${id}/needs/draft`, {
        lines: [needLine()],
        answers: { drive: 'electric', charging: true, fleet: '12' },
      });
      const versionId = (await bodo.api.post(`/api/statements/${id}/needs/submit`)).body.versionId as string;
      const mailsBefore = h.mail.messages.length;
      expect((await lead.api.post(`/api/statements/${id}/close-stage`)).status).toBe(200);

      const dropped = await personOf(oslo, 'Oslo after the close');
      try {
        const { page, t } = dropped;
        await page.goto(`/statements/${id}`);
        await dropped.reloadUntil(page.getByTestId('my-leaving'));
        expect(await plainText(page.getByTestId('my-leaving'))).toBe(plain(t('leaving.long.notSubmittedClosedEarly')));
        expect(await page.getByText(t('leaving.long.notSubmittedAtDeadline')).count()).toBe(0);
        expect(await page.getByText('did not submit before the deadline').count()).toBe(0);
        await dropped.visit('dropped at an early close', `${locale}-dropped-page`);
        await page.goto('/statements');
        const card = page.getByRole('listitem').filter({ has: page.getByRole('link', { name: title, exact: true }) });
        await card.getByText(t('leaving.short.notSubmittedClosedEarly')).waitFor();
        await dropped.visit('list after an early close', `${locale}-dropped-list`);
      } finally {
        await dropped.close();
      }
      // The e-mail, in Oslo's language, says the lead closed the stage early.
      const server = translatorFor(locale);
      const subject = server('mail.dropped.subject', { title });
      const toOslo = (x: { to: string[]; subject: string }) =>
        x.to.some((to) => to.startsWith('oslo-buyer-')) && x.subject === subject;
      const mail = (await h.mail.waitFor((m) => m.slice(mailsBefore).some(toOslo))).slice(mailsBefore).find(toOslo)!;
      expect(mail.text).toContain(server('mail.dropped.notSubmittedClosedEarly'));
      expect(mail.text).not.toContain(server('mail.dropped.notSubmittedAtDeadline'));

      // Bodø confirms; one buyer is short of the critical mass: proceeding anyway is confirmed first.
      expect((await bodo.api.post(`/api/statements/${id}/needs/confirm`, { versionId })).status).toBe(200);
      const deciding = await personOf(lead, 'Lead deciding');
      try {
        const { page, t } = deciding;
        await page.goto(`/statements/${id}`);
        const shortfall = page.getByTestId('next-step').getByRole('link', { name: t('actions.demand.shortfallLink') });
        await deciding.reloadUntil(shortfall);
        await shortfall.click();
        await deciding.heading(t('aggregate.title')).waitFor();
        await page.getByLabel(t('aggregate.shortfall.option.proceed')).check();
        await page.getByLabel(t('aggregate.shortfall.justification')).fill('The market dialogue needs the demand now.');
        const decide = page.getByRole('button', { name: t('aggregate.shortfall.submit') });
        await decide.click();
        const dialog = page.getByRole('dialog', { name: t('guidance.confirm.proceedTitle') });
        await dialog.getByText(t('guidance.confirm.proceedConsequence')).waitFor();
        await deciding.visit('confirmation before proceeding without the critical mass', `${locale}-lead-proceed`);
        await page.keyboard.press('Escape');
        await dialog.waitFor({ state: 'hidden' });
        expect((await lead.api.get(`/api/statements/${id}`)).body.stage).toBe('shortfall');
        await decide.click();
        await dialog.getByRole('button', { name: t('guidance.confirm.proceed') }).click();
        await deciding.status(t('aggregate.shortfall.done.proceed')).waitFor();
      } finally {
        await deciding.close();
      }
    });
  }
});
