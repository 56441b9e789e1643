import { randomUUID } from 'node:crypto';

import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { translatorFor } from '../i18n/index.js';
import { launchBrowser, signInWithMail } from './support/browser.js';
import { type Harness, makeActor, makeUser, needLine, startHarness } from './support/harness.js';
import { Person, requireWebBuild } from './support/journey.js';
import { statementInMarketEngagement } from './support/published-statement.js';
import type { WebLocale } from './support/web-i18n.js';

type Actor = Awaited<ReturnType<typeof makeActor>>;

/**
 * Issue 19, point 1: "no sign-in / register call to action on a consultation". In Chromium: a
 * signed-out visitor (English on a desktop, French on a phone) reads "Sign in to respond" and
 * "Register your company" on an open consultation, linking to /sign-in with a return to the page
 * and to /register; a signed-in buyer sees no supplier call to action (and no response form); a
 * signed-in supplier sees its response form as before, and no call to action. A supplier who
 * signs in from the call to action comes back to the consultation. Point 2: a supplier reads
 * "Your questions" (each question, when asked, the lead's answer or "not answered yet"); another
 * supplier sees none of them. Axe-clean.
 */
describe('the call to action on a consultation, in a browser', () => {
  let h: Harness;
  let browser: Browser;
  let lead: Actor;
  let supplier: Actor;
  let id = '';
  const tag = randomUUID().slice(0, 6);
  const shots = { prefix: 'consultation-cta', n: 0 };
  const rfiQuestion = `What lead time do you need (${tag})?`;

  beforeAll(async () => {
    requireWebBuild();
    h = await startHarness();
    browser = await launchBrowser();
    lead = await makeActor(h, { kind: 'buyer', name: `Tampere ${tag}`, country: 'FI' }, { roles: ['signatory'] });
    const other = await makeActor(h, { kind: 'buyer', name: `Bergen ${tag}`, country: 'NO' }, { roles: ['signatory'] });
    supplier = await makeActor(h, { kind: 'supplier', name: `Loader Works ${tag}`, country: 'SE', sme: true });
    id = await statementInMarketEngagement(h, lead, [
      [lead, [needLine({ quantity: '2' })]],
      [other, [needLine({ quantity: '3' })]],
    ]);
    const rfi = await lead.api.put(`/api/statements/${id}/consultation/rfi`, {
      questions: [{ id: 'lead-time', text: rfiQuestion }],
    });
    expect(rfi.status, JSON.stringify(rfi.body)).toBeLessThan(300);
  }, 180_000);

  afterAll(async () => {
    await browser?.close();
    await h?.close();
  });

  async function personOf(org: Actor, who: string, locale: WebLocale) {
    const email = `${who.replace(/\W+/g, '-')}-${locale}-${tag}@cta.test`;
    await makeUser(h, org.org.id, { email, locale, label: `${who} ${locale} ${tag}`, roles: ['signatory'] });
    const person = await Person.open(browser, h, { name: `${who} (${locale})`, email, locale, shots });
    await signInWithMail(person.page, h, email, { locale });
    return person;
  }

  for (const [locale, viewport] of [
    ['en', 'desktop'],
    ['fr', 'phone'],
  ] as const) {
    it(`invites a signed-out visitor to sign in or register (${locale}, ${viewport})`, async () => {
      const visitor = await Person.open(browser, h, {
        name: `visitor (${locale})`,
        email: `visitor-${locale}-${tag}@cta.test`,
        locale,
        viewport,
        shots,
      });
      const { page, t } = visitor;
      try {
        await page.goto(`/consultations/${id}`);
        await page.getByText(rfiQuestion).waitFor();
        const cta = page.getByRole('region', { name: t('public.consultation.cta.title') });
        await cta.waitFor();
        const signIn = cta.getByRole('link', { name: t('public.consultation.cta.signIn') });
        expect(await signIn.getAttribute('href')).toBe(`/sign-in?return=${encodeURIComponent(`/consultations/${id}`)}`);
        const register = cta.getByRole('link', { name: t('public.consultation.cta.register') });
        expect(await register.getAttribute('href')).toBe('/register');
        expect(await page.getByRole('heading', { name: t('supplier.response.title') }).count()).toBe(0);
        await visitor.visit('consultation, signed out', `${locale}-${viewport}-signed-out`);
        await register.click();
        await page.waitForURL('**/register');
      } finally {
        await visitor.close();
      }
    });
  }

  it('shows a signed-in buyer no supplier call to action, and a supplier its response form', async () => {
    const buyer = await personOf(lead, 'Lead buyer', 'en');
    try {
      await buyer.page.goto(`/consultations/${id}`);
      await buyer.page.getByText(rfiQuestion).waitFor();
      expect(await buyer.page.getByRole('region', { name: buyer.t('public.consultation.cta.title') }).count()).toBe(0);
      expect(await buyer.page.getByRole('link', { name: buyer.t('public.consultation.cta.register') }).count()).toBe(0);
      expect(await buyer.page.getByRole('heading', { name: buyer.t('supplier.response.title') }).count()).toBe(0);
      await buyer.visit('consultation, buyer');
    } finally {
      await buyer.close();
    }
    const seller = await personOf(supplier, 'Supplier', 'en');
    try {
      await seller.page.goto(`/consultations/${id}`);
      await seller.page.getByRole('heading', { level: 2, name: seller.t('supplier.response.title') }).waitFor();
      await seller.page.getByLabel(rfiQuestion).waitFor();
      expect(await seller.page.getByRole('region', { name: seller.t('public.consultation.cta.title') }).count()).toBe(
        0,
      );
      await seller.visit('consultation, supplier');
    } finally {
      await seller.close();
    }
  });

  it('brings a supplier who signs in from the call to action back to the consultation', async () => {
    const email = `returning-${tag}@cta.test`;
    await makeUser(h, supplier.org.id, { email, locale: 'en', label: `Returning ${tag}` });
    const person = await Person.open(browser, h, { name: 'returning supplier', email, locale: 'en', shots });
    const { page, t } = person;
    try {
      await page.goto(`/consultations/${id}`);
      await page.getByRole('link', { name: t('public.consultation.cta.signIn') }).click();
      await person.heading(t('signIn.title')).waitFor();
      const before = h.mail.messages.length;
      await page.getByLabel(t('signIn.email')).fill(email);
      await page.getByRole('button', { name: t('signIn.submit') }).click();
      const isLink = (m: { to: string[]; text: string }) =>
        m.to.includes(email) && /sign-in\/verify\?token=/.test(m.text);
      const messages = await h.mail.waitFor((all) => all.slice(before).some(isLink), 60_000);
      const link = /https?:\/\/\S+\/sign-in\/verify\?token=[^\s>]+/.exec(messages.slice(before).find(isLink)!.text)![0];
      await page.goto(link);
      await page.getByRole('button', { name: translatorFor('en')('page.signIn.button') }).click();
      await page.waitForURL(`**/consultations/${id}`);
      await page.getByRole('heading', { level: 2, name: t('supplier.response.title') }).waitFor();
      // Once: the next visit to "/" goes to the start page.
      await page.goto('/');
      await page.waitForURL('**/supplier');
    } finally {
      await person.close();
    }
  });

  it('shows a supplier its own questions with the answers, and another supplier none of them', async () => {
    const asked = `May the machines be leased (${tag})?`;
    const answer = `Yes, leasing is acceptable (${tag}).`;
    const seller = await personOf(supplier, 'Asking supplier', 'en');
    try {
      const { page, t } = seller;
      await page.goto(`/consultations/${id}`);
      const mine = page.getByRole('region', { name: t('supplier.ownQuestions.title') });
      await mine.getByText(t('supplier.ownQuestions.none')).waitFor();
      await page.getByLabel(t('supplier.question.label'), { exact: true }).fill(asked);
      await page.getByRole('button', { name: t('supplier.question.submit') }).click();
      await mine.getByText(asked).waitFor();
      await mine.getByText(t('supplier.ownQuestions.notAnswered')).waitFor();
      await seller.visit('own question, not answered', 'own-question-open');
      const numbers = (await supplier.api.get(`/api/consultations/${id}/my-questions`)).body as {
        questions: { number: number; question: string }[];
      };
      const number = numbers.questions.find((q) => q.question === asked)!.number;
      const res = await lead.api.post(`/api/statements/${id}/consultation/questions/${number}/answer`, { answer });
      expect(res.status, JSON.stringify(res.body)).toBeLessThan(300);
      await page.reload();
      await mine.getByText(answer).waitFor();
      expect(await mine.getByText(t('supplier.ownQuestions.notAnswered')).count()).toBe(0);
      await seller.visit('own question, answered', 'own-question-answered');
    } finally {
      await seller.close();
    }
    const rivalOrg = await makeActor(h, { kind: 'supplier', name: `Rival ${tag}`, country: 'DK' });
    const email = `rival-fr-${tag}@cta.test`;
    await makeUser(h, rivalOrg.org.id, { email, locale: 'fr', label: `Rival fr ${tag}` });
    const rival = await Person.open(browser, h, { name: 'rival (fr)', email, locale: 'fr', viewport: 'phone', shots });
    try {
      await signInWithMail(rival.page, h, email, { locale: 'fr' });
      await rival.page.goto(`/consultations/${id}`);
      const theirs = rival.page.getByRole('region', { name: rival.t('supplier.ownQuestions.title') });
      await theirs.getByText(rival.t('supplier.ownQuestions.none')).waitFor();
      expect(await theirs.getByText(asked).count()).toBe(0);
      await rival.visit('own questions, another supplier', 'own-questions-rival');
    } finally {
      await rival.close();
    }
  });
});
