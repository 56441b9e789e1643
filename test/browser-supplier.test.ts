import { existsSync, readdirSync, rmSync } from 'node:fs';
import path from 'node:path';

import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { translatorFor } from '../i18n/index.js';
import { describedBy, focused, launchBrowser, screenshotDir, signInWithMail } from './support/browser.js';
import {
  ApiClient,
  type Harness,
  makeActor,
  makeOrganisation,
  makeUser,
  needLine,
  startHarness,
} from './support/harness.js';
import { Person, plain, requireWebBuild } from './support/journey.js';
import { publish, statementInMarketEngagement } from './support/published-statement.js';
import type { WebLocale } from './support/web-i18n.js';

type Actor = Awaited<ReturnType<typeof makeActor>>;

/**
 * The supplier's and the public's side of the web application in a real browser. A supplier
 * signs in by e-mailed link, manages its subscription (an error beside the field first), answers
 * an open consultation's request for information, asks the buyers a question and reads the
 * published statement. An anonymous visitor, without signing in, opens the open
 * market consultations (request for information, published answers to suppliers' questions)
 * and the published statements (text, signatories, demand, versions) with the Atom feed link,
 * at the paths the e-mails link to (`/consultations/:id`, `/published/:id`). The statements are
 * driven to market engagement and publication by API, as test/market-publication.test.ts does.
 * The visitor then registers as a supplier and signs in with the e-mailed link. Every page is
 * checked with axe-core and, in French, for untranslated text; the French visitor uses a
 * phone-sized screen.
 */
/** 43260000's and 34144710's labels in the page's language (the CPV 2008 labels of each language, issue 18). */
const excavators = {
  en: 'Mechanical shovels, excavators and shovel loaders, and mining machinery',
  fr: 'Pelles mécaniques, excavateurs, chouleurs et machines de mines',
  de: 'Löffelbagger, Bagger und Schaufellader sowie Bergbaumaschinen',
};
const wheeledLoaders = { en: 'Wheeled loaders', fr: 'Chargeurs sur roues', de: 'Lademaschinen auf Reifen' };

describe.each<WebLocale>(['en', 'fr', 'de'])('the supplier and public pages in a browser (%s)', (locale) => {
  let h: Harness;
  let browser: Browser;
  let visitor: Person;
  let seller: Person;
  let leadActor: Actor;
  let consulting: string;
  let published: string;
  const shots = { prefix: `public-${locale}`, n: 0 };
  const rfi = { questions: [{ id: 'lead-time', text: 'What lead time do you need for the first deliveries?' }] };
  const question = 'May the machines be leased rather than bought?';
  const answer = 'Yes: leasing for the whole term is acceptable.';
  const ok = <T extends { status: number; body: unknown }>(res: T): T => {
    expect(res.status, JSON.stringify(res.body)).toBeLessThan(300);
    return res;
  };

  beforeAll(async () => {
    requireWebBuild();
    for (const f of existsSync(screenshotDir) ? readdirSync(screenshotDir) : [])
      if (f.startsWith(`${shots.prefix}-`)) rmSync(path.join(screenshotDir, f));
    h = await startHarness();
    browser = await launchBrowser();
    const actor = (name: string, country: string, label: string): Promise<Actor> =>
      makeActor(
        h,
        { kind: 'buyer', name: `${name} ${locale}`, country },
        { label: `${label}-${locale}`, roles: ['signatory'] },
      );
    const lead = await actor('City of Tampere', 'FI', 'tampere');
    leadActor = lead;
    const other = await actor('City of Bergen', 'NO', 'bergen');
    const supplier = await makeActor(
      h,
      { kind: 'supplier', name: `Loader Works ${locale}`, country: 'SE', sme: true },
      { label: `loader-${locale}` },
    );
    const needs = (): [Actor, Record<string, unknown>[]][] => [
      [lead, [needLine({ quantity: '2' })]],
      [other, [needLine({ quantity: '3' })]],
    ];
    // Closing sooner than other files' consultations, so the start page's 20 matches include it whatever they leave open.
    consulting = await statementInMarketEngagement(h, lead, needs(), { marketEngagement: 'P2D' });
    ok(await lead.api.put(`/api/statements/${consulting}/consultation/rfi`, rfi));
    ok(await supplier.api.post(`/api/consultations/${consulting}/questions`, { question }));
    ok(await lead.api.post(`/api/statements/${consulting}/consultation/questions/1/answer`, { answer }));
    published = await statementInMarketEngagement(h, lead, needs());
    await publish(h, published, lead, [lead, other]);
    const sellerOrg = await makeOrganisation(h, {
      kind: 'supplier',
      name: `Nordic Loaders ${locale}`,
      country: 'FI',
      sme: true,
    });
    const sellerUser = await makeUser(h, sellerOrg.id, {
      label: `Sara Seller ${locale}`,
      email: `seller-${locale}-${sellerOrg.id.slice(0, 6)}@loaders.test`,
      locale,
    });
    seller = await Person.open(browser, h, { name: 'supplier', email: sellerUser.email, locale, shots });
    visitor = await Person.open(browser, h, {
      name: 'visitor',
      email: `visitor-${locale}@example.test`,
      locale,
      viewport: locale === 'fr' ? 'phone' : 'desktop',
      shots,
    });
  });

  afterAll(async () => {
    await browser?.close();
    await h?.close();
  });

  it('shows the open consultations without signing in, and one with its request for information and published answers', async () => {
    const { page, t } = visitor;
    await page.goto('/consultations');
    await visitor.heading(t('public.consultations.title')).waitFor();
    const title = ok(await new ApiClient(h.baseUrl).get(`/api/consultations/${consulting}`)).body.title as string;
    const link = page.getByRole('link', { name: title }).first();
    await link.waitFor();
    await visitor.visit('open consultations', 'consultations');
    // The published one is closed: it is not listed among the open ones.
    expect(await page.locator(`a[href="/consultations/${published}"]`).count()).toBe(0);

    await page.goto(`/consultations/${consulting}`);
    await visitor.heading(title).waitFor();
    await page.getByText(t('public.consultation.open')).waitFor();
    await page.getByRole('heading', { level: 2, name: t('public.consultation.rfi') }).waitFor();
    await page.getByText(rfi.questions[0]!.text).waitFor();
    await page.getByText(answer).waitFor();
    await page.getByText(question, { exact: false }).first().waitFor();
    await page.getByRole('heading', { level: 2, name: t('public.demand.title') }).waitFor();
    await visitor.visit('a consultation', 'consultation');
  });

  it('shows the published statements with the Atom feed link, and one statement at the path e-mails link to', async () => {
    const { page, t } = visitor;
    await page.goto('/published');
    await visitor.heading(t('public.published.title')).waitFor();
    const feed = page.getByRole('link', { name: t('public.feed') });
    expect(await feed.getAttribute('href')).toBe('/api/public/statements.atom');
    const statement = ok(await new ApiClient(h.baseUrl).get(`/api/public/statements/${published}`)).body as {
      title: string;
      text: string;
      signatories: { name: string }[];
    };
    await page.locator(`a[href="/published/${published}"]`).first().waitFor();
    await visitor.visit('published statements', 'published');
    // The Atom feed the link leads to lists the statement.
    const atom = await page.request.get('/api/public/statements.atom');
    expect(atom.headers()['content-type']).toContain('application/atom+xml');
    expect(await atom.text()).toContain(`/published/${published}`);

    await page.locator(`a[href="/published/${published}"]`).first().click();
    await visitor.heading(statement.title).waitFor();
    expect(new URL(page.url()).pathname).toBe(`/published/${published}`);
    await page.getByRole('heading', { level: 2, name: t('public.published.signatories') }).waitFor();
    for (const s of statement.signatories)
      await page.getByRole('listitem').filter({ hasText: s.name }).first().waitFor();
    await page.getByText(statement.text.slice(0, 40), { exact: false }).first().waitFor();
    await page.getByRole('link', { name: t('public.published.ocds') }).waitFor();
    await visitor.visit('a published statement', 'published-statement');
  });

  it('lets a supplier sign in to its start page, subscribe with the search fields by keyboard, and see the matching consultation there', async () => {
    const { page, t } = seller;
    await signInWithMail(page, h, seller.email, { locale });
    // Signing in leads a supplier to its start page, not to the buyers' statements.
    expect(new URL(page.url()).pathname).toBe('/supplier');
    await seller.heading(t('supplier.home.title')).waitFor();
    await page.getByTestId('home-matching').getByText(t('supplier.home.matchingNoSubscription')).waitFor();
    const nav = page.getByRole('navigation', { name: t('header.navigation') });
    expect(await nav.getByRole('link', { name: t('nav.statements'), exact: true }).count()).toBe(0);
    expect(
      await nav.getByRole('link', { name: t('supplier.home.nav'), exact: true }).getAttribute('aria-current'),
    ).toBe('page');
    await seller.visit('start page before subscribing', 'supplier-home-empty');
    await page
      .getByTestId('home-subscription')
      .getByRole('link', { name: t('supplier.home.subscribe') })
      .click();
    await seller.heading(t('supplier.subscription.title')).waitFor();
    await seller.visit('subscription', 'subscription');

    // Nothing chosen: the error is beside the field and in the summary.
    const cpv = page.getByRole('combobox', { name: t('supplier.subscription.cpv') });
    await page.getByRole('button', { name: t('supplier.subscription.submit') }).click();
    await page.getByRole('alert').getByText(t('supplier.subscription.cpvRequired')).first().waitFor();
    expect(await cpv.getAttribute('aria-invalid')).toBe('true');
    expect(await describedBy(cpv)).toContain(t('supplier.subscription.cpvRequired'));
    await seller.visit('subscription with an error');

    // By code: type, Down to the first suggestion, Enter. The prefix is added with its official label.
    const chosen = page.getByRole('list', { name: t('supplier.subscription.cpvChosen') });
    const chip = (entry: string) => chosen.getByRole('listitem').filter({ hasText: entry });
    await cpv.focus();
    await cpv.pressSequentially('4326', { delay: 20 });
    await page.getByRole('option', { name: /^43260000-3/ }).waitFor();
    await cpv.press('ArrowDown');
    expect(await page.locator(`[id="${await cpv.getAttribute('aria-activedescendant')}"]`).textContent()).toMatch(
      /^43260000-3/,
    );
    await cpv.press('Enter');
    await chip('4326').getByText(excavators[locale]).waitFor();
    expect(await cpv.inputValue()).toBe('');
    expect(await focused(page)).toMatchObject({ role: 'combobox' });
    await seller.status(t('supplier.subscription.added', { entry: '4326' })).waitFor();
    // By words.
    await cpv.pressSequentially('wheeled loaders', { delay: 20 });
    await page.getByRole('option', { name: /^34144710-8/ }).waitFor();
    await cpv.press('ArrowDown');
    await cpv.press('Enter');
    await chip('3414471').getByText(wheeledLoaders[locale]).waitFor();
    // A bare prefix typed and Enter: added as it is (the server says whether it is a CPV prefix).
    await cpv.pressSequentially('99', { delay: 20 });
    await cpv.press('Enter');
    await chip('99').waitFor();
    // Text that is neither a suggestion nor digits stays, with an error beside the field.
    await cpv.pressSequentially('loaders', { delay: 20 });
    await cpv.press('Escape');
    await cpv.press('Enter');
    expect(await describedBy(cpv)).toContain(t('supplier.subscription.cpvNotPrefix'));
    await cpv.fill('');
    // Remove one by keyboard: the focus moves on to the next chip's remove button.
    await chip('3414471')
      .getByRole('button', { name: t('supplier.subscription.remove', { entry: '3414471' }) })
      .focus();
    await page.keyboard.press('Enter');
    await seller.status(t('supplier.subscription.removed', { entry: '3414471' })).waitFor();
    expect(await chosen.getByRole('listitem').count()).toBe(2);
    expect((await focused(page)).text).toContain(t('supplier.subscription.remove', { entry: '99' }));

    // Countries: found by name in the interface language.
    const countries = page.getByRole('combobox', { name: t('supplier.subscription.countries') });
    const chosenCountries = page.getByRole('list', { name: t('supplier.subscription.countriesChosen') });
    for (const [query, code] of [
      ['fin', 'FI'],
      ['nor', 'NO'],
      ['est', 'EE'],
    ] as const) {
      await countries.focus();
      await countries.pressSequentially(query, { delay: 20 });
      const name = new Intl.DisplayNames([locale], { type: 'region' }).of(code)!;
      await page.getByRole('option', { name: new RegExp(name) }).waitFor();
      await countries.press('ArrowDown');
      await countries.press('Enter');
      await chosenCountries.getByRole('listitem').filter({ hasText: code }).waitFor();
    }
    await chosenCountries.getByRole('listitem').filter({ hasText: 'EE' }).getByRole('button').focus();
    await page.keyboard.press('Enter');
    await expect.poll(() => chosenCountries.getByRole('listitem').count()).toBe(2);
    await seller.visit('subscription chosen', 'subscription-chosen');

    // The server refuses 99 (no such CPV division): the error is beside the field, on its chip.
    await page.getByRole('button', { name: t('supplier.subscription.submit') }).click();
    const invalid = t('supplier.subscription.cpvInvalid', { entry: '99' });
    await page.getByRole('alert').getByText(invalid).first().waitFor();
    expect(await cpv.getAttribute('aria-invalid')).toBe('true');
    expect(await describedBy(cpv)).toContain(invalid);
    expect(await chip('99').getAttribute('class')).toContain('chip--error');
    await seller.visit('subscription refused by the server', 'subscription-server-error');
    await chip('99').getByRole('button').focus();
    await page.keyboard.press('Enter');
    await page.getByRole('button', { name: t('supplier.subscription.submit') }).click();
    await seller.status(t('supplier.subscription.saved')).waitFor();
    expect(await cpv.getAttribute('aria-invalid')).toBeNull();
    await seller.visit('subscription saved');
    const res = await page.request.get('/api/me/subscription');
    expect(res.status()).toBe(200);
    const saved = (await res.json()) as { cpvPrefixes: string[]; countries: string[] };
    expect(saved).toMatchObject({ cpvPrefixes: ['4326'], countries: ['FI', 'NO'] });

    // The start page now shows the consultation the subscription matches, and the subscription.
    await page.getByRole('link', { name: t('supplier.home.nav') }).click();
    await seller.heading(t('supplier.home.title')).waitFor();
    const matching = page.getByTestId('home-matching');
    await matching.locator(`a[href="/consultations/${consulting}"]`).waitFor();
    expect(await matching.locator(`a[href="/consultations/${published}"]`).count()).toBe(0);
    expect(await page.getByTestId('home-subscription').textContent()).toContain('4326');
    await page.getByTestId('home-published').locator(`a[href="/published/${published}"]`).waitFor();
    await page.getByTestId('home-engagements').getByText(t('supplier.home.engagementsNone')).waitFor();
    await seller.visit('start page with a match', 'supplier-home');
  });

  it('lets the supplier answer a consultation, ask a question, find both on its start page and read the published statement', async () => {
    const { page, t } = seller;
    await page.getByRole('link', { name: t('nav.consultations'), exact: true }).click();
    await seller.heading(t('public.consultations.title')).waitFor();
    const title = ok(await new ApiClient(h.baseUrl).get(`/api/consultations/${consulting}`)).body.title as string;
    await page.locator(`a[href="/consultations/${consulting}"]`).first().click();
    await seller.heading(title).waitFor();
    await page.getByRole('heading', { level: 2, name: t('supplier.response.title') }).waitFor();
    await page.getByLabel(rfi.questions[0]!.text).fill('Eight months from the order.');
    await page.getByRole('button', { name: t('supplier.response.submit') }).click();
    await page
      .getByRole('status')
      .filter({ hasText: t('supplier.response.saved', { date: '' }).replace(/\s*\(\)\.?$/, '') })
      .waitFor();
    await seller.visit('consultation answered', 'consultation-answered');
    await page.getByLabel(t('supplier.question.label'), { exact: true }).fill('Is a battery swap system acceptable?');
    await page.getByRole('button', { name: t('supplier.question.submit') }).click();
    await page
      .getByRole('status')
      .filter({ hasText: t('supplier.question.asked', { number: '2' }) })
      .waitFor();
    await seller.visit('question asked');
    const responses = ok(await leadActor.api.get(`/api/statements/${consulting}/consultation/responses`)).body as {
      answers: Record<string, string>;
    }[];
    expect(responses.map((r) => r.answers['lead-time'])).toContain('Eight months from the order.');

    await page.getByRole('link', { name: t('supplier.home.nav') }).click();
    const engagements = page.getByTestId('home-engagements');
    await engagements.locator(`a[href="/consultations/${consulting}"]`).waitFor();
    await engagements.getByText(t('supplier.home.questionsAsked', { count: 1, answered: '0' })).waitFor();
    await seller.visit('start page after answering');

    await page.getByRole('link', { name: t('nav.published'), exact: true }).click();
    await seller.heading(t('public.published.title')).waitFor();
    await page.locator(`a[href="/published/${published}"]`).first().click();
    await page.getByRole('heading', { level: 2, name: t('public.published.signatories') }).waitFor();
    await seller.visit('published statement (supplier)');
  });

  it('says so when a statement is not published, without revealing it', async () => {
    const { page, t } = visitor;
    await page.goto(`/published/${consulting}`);
    await visitor.heading(t('public.published.notFound')).waitFor();
    await visitor.visit('an unpublished statement');
  });
  it('lets a new supplier register (errors beside the fields first), confirm by the e-mailed link and sign in', async () => {
    const { page, t } = visitor;
    const email = `new-supplier-${locale}-${Date.now()}@loaders.test`;
    await page.goto('/consultations');
    await page.getByRole('link', { name: t('nav.register') }).click();
    await visitor.heading(t('supplier.register.title')).waitFor();
    await visitor.visit('register', 'register');
    await page.getByRole('button', { name: t('supplier.register.submit') }).click();
    await page.getByRole('alert').getByText(t('supplier.register.errors.organisation')).first().waitFor();
    expect(await page.getByLabel(t('supplier.register.country')).getAttribute('aria-invalid')).toBe('true');
    await visitor.visit('register with errors');
    await page.getByLabel(t('supplier.register.organisation')).fill(`Arctic Machines ${locale}`);
    // The country is chosen by name (issue 19 saw a bare two-letter code field on an unstyled page):
    // the EU and EEA countries come first, the rest of the world after, in the reader's language.
    const country = page.getByLabel(t('supplier.register.country'));
    // The callback runs in the page; the test code is compiled without the DOM library.
    const groups = (await country.evaluate((el: any) =>
      [...el.querySelectorAll('optgroup')].map((g: any) => ({ label: g.label, options: g.children.length })),
    )) as { label: string; options: number }[];
    expect(groups.map((g) => g.label)).toEqual([
      plain(t('supplier.register.participatingCountries')),
      plain(t('supplier.register.otherCountries')),
    ]);
    expect(groups[0]!.options).toBe(30);
    expect(groups[1]!.options).toBeGreaterThan(200);
    // Laid out as the other forms are: the fields apart, in sections for the company and the person.
    const nameBox = (await page.getByLabel(t('supplier.register.organisation')).boundingBox())!;
    const countryLabel = (await page.getByText(t('supplier.register.country'), { exact: true }).boundingBox())!;
    expect(countryLabel.y - (nameBox.y + nameBox.height), 'space between two fields').toBeGreaterThanOrEqual(12);
    await page.getByRole('group', { name: t('supplier.register.companySection'), exact: true }).waitFor();
    await page.getByRole('group', { name: t('supplier.register.personSection'), exact: true }).waitFor();
    await country.selectOption('SE');

    await page.getByLabel(t('supplier.register.sme')).check();
    await page.getByLabel(t('supplier.register.name')).fill('Sven Supplier');
    await page.getByLabel(t('signIn.email')).fill(email);
    await page.getByRole('button', { name: t('supplier.register.submit') }).click();
    await visitor.status(t('supplier.register.sent', { email })).waitFor();
    await visitor.visit('registered');
    const mails = await h.mail.waitFor(
      (all) => all.some((m) => m.to.includes(email) && /sign-in\/verify\?token=/.test(m.text)),
      60_000,
    );
    // Nothing is registered until the e-mailed link is followed (issue 13: registration squats no address).
    expect(
      await h.db.selectFrom('organisations').select('id').where('name', '=', `Arctic Machines ${locale}`).execute(),
    ).toEqual([]);
    // The link, opened in the browser that registered, creates the organisation and signs in.
    await page.goto(
      /https?:\/\/\S+\/sign-in\/verify\?token=[^\s>]+/.exec(mails.find((m) => m.to.includes(email))!.text)![0],
    );
    await page.getByRole('button', { name: translatorFor(locale)('page.signIn.button') }).click();
    await page.waitForURL(/\/supplier$/);
    await page.getByRole('heading', { level: 1 }).waitFor();
    const org = await h.db
      .selectFrom('organisations')
      .selectAll()
      .where('name', '=', `Arctic Machines ${locale}`)
      .executeTakeFirstOrThrow();
    expect(org).toMatchObject({ kind: 'supplier', sme: true });
    expect(org.country.trim()).toBe('SE');
    expect(await page.getByTestId('current-organisation').textContent()).toBe(`Arctic Machines ${locale}`);
  });
});
