import { randomUUID } from 'node:crypto';
import { existsSync, readdirSync, rmSync } from 'node:fs';
import path from 'node:path';

import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { insertApiToken, newSecret } from '../db/credentials.js';
import { markEmailVerified } from '../db/organisations.js';
import { unitNameFor } from '../rules/unit-names.js';
import { describedBy, focused, launchBrowser, screenshotDir, signInWithMail } from './support/browser.js';
import {
  ApiClient,
  type Harness,
  makeActor,
  makeOrganisation,
  makeUser,
  startHarness,
  until,
} from './support/harness.js';
import { chooseSuggestion, money, moneyPattern, Person, plain, plainText, requireWebBuild } from './support/journey.js';
import { type WebLocale, webT } from './support/web-i18n.js';

/**
 * The whole process in a real browser (Debian's headless Chromium), across roles, as people
 * who have never seen the product would do it: a lead buyer creates a statement (CPV search by
 * code and by words), designs the survey, invites three buyers and opens the needs assessment;
 * the buyers accept, fill the needs form (search, copy and remove lines, totals as they type,
 * errors beside the field), submit and confirm; the lead follows who has done what, closes the
 * stages, reads the aggregated demand on the critical-mass meter and decides on the shortfall.
 * Every page is checked with axe-core (no serious or critical violation), kept as a screenshot
 * in test-artifacts/screenshots, and, in French, checked for any English-only string or raw
 * message key. One buyer uses a phone-sized screen throughout.
 */

type Actor = Awaited<ReturnType<typeof makeActor>>;

interface Cast {
  lead: Person;
  buyers: Person[];
  /** A supplier subscribed to the statement's CPV code, told by e-mail when the consultation opens. */
  supplier: Person;
  /** A buyer that did not take part and asks to sign the published statement. */
  lateBuyer: Person;
}

const year = new Date().getFullYear();

/** The journey's own words, in the language of the people taking it. */
const content = {
  en: {
    title: 'Zero-emission wheel loaders',
    description: 'Battery-electric wheel loaders for city construction sites, delivered from next year.',
    question: 'Do you need charging equipment on site?',
    lines: ['Electric wheel loader, 5 t class', 'Electric wheel loader, 8 t class', 'Compact electric wheel loader'],
    justification: 'The market dialogue showed that three cities are enough for the makers.',
    rfi: 'What lead time do you need for the first machines?',
    response: 'Eight months from the order.',
    supplierQuestion: 'May the machines be leased rather than bought?',
    answer: 'Yes: leasing for the whole term is acceptable.',
    changes: 'Please say that deliveries may be split over two years.',
    revision: 'Deliveries may be split over two years.',
  },
  fr: {
    title: 'Chargeuses sur pneus à zéro émission',
    description: 'Chargeuses électriques à batterie pour les chantiers de la ville, livrées dès l’an prochain.',
    question: 'Avez-vous besoin de bornes de recharge sur le chantier ?',
    lines: ['Chargeuse électrique, classe 5 t', 'Chargeuse électrique, classe 8 t', 'Chargeuse électrique compacte'],
    justification: 'Le dialogue avec le marché a montré que trois villes suffisent aux fabricants.',
    rfi: 'Quel délai de livraison proposez-vous pour les premières machines ?',
    response: 'Huit mois à compter de la commande.',
    supplierQuestion: 'Les machines peuvent-elles être louées plutôt qu’achetées ?',
    answer: 'Oui : la location sur toute la durée est acceptable.',
    changes: 'Merci de préciser que les livraisons peuvent être réparties sur deux ans.',
    revision: 'Les livraisons peuvent être réparties sur deux années.',
  },
  de: {
    title: 'Emissionsfreie Radlader',
    description: 'Batterieelektrische Radlader für städtische Baustellen, Lieferung ab nächstem Jahr.',
    question: 'Brauchen Sie Ladestationen auf der Baustelle?',
    lines: [
      'Elektrischer Radlader, 5-t-Klasse',
      'Elektrischer Radlader, 8-t-Klasse',
      'Kompakter elektrischer Radlader',
    ],
    justification: 'Der Marktdialog hat gezeigt, dass drei Städte für die Hersteller ausreichen.',
    rfi: 'Welche Lieferzeit brauchen Sie für die ersten Maschinen?',
    response: 'Acht Monate ab Bestellung.',
    supplierQuestion: 'Dürfen die Maschinen geleast statt gekauft werden?',
    answer: 'Ja: Leasing über die gesamte Laufzeit ist zulässig.',
    changes: 'Bitte ergänzen, dass die Lieferungen auf zwei Jahre verteilt werden können.',
    revision: 'Die Lieferungen können auf zwei Jahre verteilt werden.',
  },
} as const;

/** Need lines of the three buyers: all in euro, so no exchange rate is needed. */
const demand = [
  { quantity: '4', unitPrice: '450000' },
  { quantity: '2', unitPrice: '400000' },
  { quantity: '3', unitPrice: '420000' },
];
const totalValue = 4 * 450_000 + 2 * 400_000 + 3 * 420_000; // 3,860,000
const minTotalValue = 5_000_000;

/** The same person as an API client with a token of their own, to set up what the journey does not show (the supplier's subscription). */
async function apiActor(h: Harness, person: Person): Promise<Actor> {
  const user = await h.db.selectFrom('users').selectAll().where('email', '=', person.email).executeTakeFirstOrThrow();
  const org = await h.db
    .selectFrom('organisations')
    .selectAll()
    .where('id', '=', user.organisation_id)
    .executeTakeFirstOrThrow();
  const secret = newSecret('jd_');
  await insertApiToken(h.db, { userId: user.id, name: 'browser journey', secret, expiresAt: null });
  return { org, user, api: new ApiClient(h.baseUrl, { bearer: secret }) } as Actor;
}

describe.each<WebLocale>(['en', 'fr', 'de'])('the joint statement journey in a browser (%s)', (locale) => {
  let h: Harness;
  let browser: Browser;
  let cast: Cast;
  const words = content[locale];
  const tag = randomUUID().slice(0, 6);
  const shots = { prefix: `journey-${locale}`, n: 0 };
  let statementUrl = '';

  beforeAll(async () => {
    requireWebBuild();
    // Screenshots of an earlier run of this journey would mix with this one's.
    for (const f of existsSync(screenshotDir) ? readdirSync(screenshotDir) : [])
      if (f.startsWith(`${shots.prefix}-`)) rmSync(path.join(screenshotDir, f));
    h = await startHarness();
    browser = await launchBrowser();
    const accountLocale = locale;
    // Other test files share the database: an organisation of theirs named like an English word
    // ("Buyer", from a property test) is listed in the lead's invitation search. A name is a name in
    // every language, not untranslated text.
    await makeOrganisation(h, { kind: 'buyer', name: 'Buyer', country: 'FI' });
    const leadOrg = await makeOrganisation(h, { kind: 'buyer', name: `City of Helsinki ${tag}`, country: 'FI' });
    // The lead's account starts in English; in the French journey the lead picks French in the browser.
    const leadUser = await makeUser(h, leadOrg.id, {
      label: `Hanna Lead ${tag}`,
      email: `lead-${tag}@helsinki.test`,
      locale: 'en',
      roles: ['signatory'],
    });
    const buyerOrgs = [
      { name: `City of Oslo ${tag}`, country: 'NO' },
      { name: `City of Copenhagen ${tag}`, country: 'DK' },
      { name: `City of Barcelona ${tag}`, country: 'ES' },
    ];
    const buyers: Person[] = [];
    for (const [i, o] of buyerOrgs.entries()) {
      const org = await makeOrganisation(h, { kind: 'buyer', ...o });
      const user = await makeUser(h, org.id, {
        label: `Buyer ${i + 1} ${tag}`,
        email: `buyer${i + 1}-${tag}@city.test`,
        locale: accountLocale,
        roles: ['signatory'],
      });
      buyers.push(
        await Person.open(browser, h, {
          name: o.name,
          email: user.email,
          locale,
          viewport: i === 2 ? 'phone' : 'desktop',
          shots,
        }),
      );
    }
    // The lead's browser speaks English: in French, the choice is made on the sign-in page.
    const lead = await Person.open(browser, h, {
      name: leadOrg.name,
      email: leadUser.email,
      locale,
      browserLocale: 'en-GB',
      shots,
    });
    const supplierOrg = await makeOrganisation(h, {
      kind: 'supplier',
      name: `Nordic Loader Works ${tag}`,
      country: 'SE',
      sme: true,
    });
    const supplierUser = await makeUser(h, supplierOrg.id, {
      label: `Sara Supplier ${tag}`,
      email: `sales-${tag}@loaders.test`,
      locale: accountLocale,
    });
    // A supplier that registered earlier (its address confirmed) and subscribed to the CPV code.
    await markEmailVerified(h.db, supplierUser.id);
    const supplier = await Person.open(browser, h, {
      name: supplierOrg.name,
      email: supplierUser.email,
      locale,
      shots,
    });
    const subscribed = await (
      await apiActor(h, supplier)
    ).api.put('/api/me/subscription', { cpvPrefixes: ['4326'], countries: [] });
    expect(subscribed.status, JSON.stringify(subscribed.body)).toBe(200);
    const lateOrg = await makeOrganisation(h, { kind: 'buyer', name: `City of Vienna ${tag}`, country: 'AT' });
    const lateUser = await makeUser(h, lateOrg.id, {
      label: `Late Buyer ${tag}`,
      email: `late-${tag}@wien.test`,
      locale: accountLocale,
      roles: ['signatory'],
    });
    const lateBuyer = await Person.open(browser, h, { name: lateOrg.name, email: lateUser.email, locale, shots });
    cast = { lead, buyers, supplier, lateBuyer };
  });

  afterAll(async () => {
    await browser?.close();
    await h?.close();
  });

  it('lets the lead buyer choose the language, sign in by e-mailed link, and reach the statements', async () => {
    const { lead } = cast;
    // The browser speaks English, so the page does at first.
    await lead.page.goto('/sign-in');
    await lead.heading(webT('en')('signIn.title')).waitFor();
    // Keyboard: the first Tab reaches the skip link.
    await lead.page.keyboard.press('Tab');
    expect((await focused(lead.page)).text).toBe(webT('en')('layout.skipToContent'));
    if (locale !== 'en') {
      await lead.page.getByLabel('Language').selectOption(locale);
      await lead.heading(lead.t('signIn.title')).waitFor();
      expect(await lead.page.evaluate('document.documentElement.lang')).toBe(locale);
    }
    await lead.visit('sign-in', 'sign-in');

    // An empty form: the error is announced (alert, focused) and tied to the field.
    await lead.page.getByRole('button', { name: lead.t('signIn.submit') }).click();
    await lead.page
      .getByRole('alert')
      .filter({ hasText: lead.t('signIn.errors.emailRequired') })
      .waitFor();
    expect(await describedBy(lead.page.getByLabel(lead.t('signIn.email')))).toContain(
      lead.t('signIn.errors.emailRequired'),
    );
    await lead.visit('sign-in with an error');

    await signInWithMail(lead.page, h, lead.email, {
      locale,
      onLinkPage: async (page) => {
        expect(await page.evaluate('document.documentElement.lang')).toBe(locale);
        await lead.visit('the page the sign-in link opens', 'sign-in-link');
      },
    });
    await lead.heading(lead.t('statements.title')).waitFor();
    await lead.visit('statements', 'statements');
    // The language chosen before signing in is remembered in the account too.
    const saved = await until(
      () => h.db.selectFrom('users').select('locale').where('email', '=', lead.email).executeTakeFirstOrThrow(),
      (u) => u.locale === locale,
      10_000,
      'the account language',
    );
    expect(saved.locale).toBe(locale);
  });

  it('lets the lead create a statement with a guided form: CPV search by code and by words, errors beside the fields', async () => {
    const { lead } = cast;
    const t = lead.t;
    await lead.page.getByRole('link', { name: t('statements.create') }).click();
    await lead.heading(t('createStatement.title')).waitFor();
    await lead.visit('create a statement', 'create-statement');

    // Sending it empty: a summary that takes the focus, and each error beside its field.
    await lead.page.getByRole('button', { name: t('createStatement.submit') }).click();
    const summary = lead.page.getByRole('alert').filter({ hasText: t('problem.invalid_input.title') });
    await summary.waitFor();
    expect((await focused(lead.page)).role).toBe('alert');
    const title = lead.page.getByLabel(t('statementForm.title'), { exact: true });
    expect(await title.getAttribute('aria-invalid')).toBe('true');
    expect((await describedBy(title)).length).toBeGreaterThan(0);
    await lead.visit('create a statement, with errors', 'create-statement-errors');

    await title.fill(words.title);
    await lead.page.getByLabel(t('statementForm.description'), { exact: true }).fill(words.description);
    // By code…
    await chooseSuggestion(lead.page.getByLabel(t('statementForm.cpvCode', { n: 1 })), '4326', /43260000-3/);
    expect(await lead.page.getByLabel(t('statementForm.cpvCode', { n: 1 })).inputValue()).toBe('43260000-3');
    // …and by words (the CPV list's labels are English).
    await lead.page.getByRole('button', { name: t('statementForm.addCpv') }).click();
    await chooseSuggestion(lead.page.getByLabel(t('statementForm.cpvCode', { n: 2 })), 'wheeled loaders', /34144710-8/);
    await lead.page.getByLabel(t('statementForm.deliveryFromYear')).fill(String(year + 1));
    await lead.page.getByLabel(t('statementForm.deliveryToYear')).fill(String(year + 2));
    await lead.page.getByLabel(t('statementForm.expectedProcurementStart')).fill(`${year + 1}-03-01`);
    await lead.page.getByLabel(t('statementForm.minBuyers')).fill('3');
    await lead.page.getByLabel(t('statementForm.minCountries')).fill('3');
    await lead.page.getByLabel(t('statementForm.minTotalValueEur')).fill(String(minTotalValue));
    // The amount is read back in the user's own number format.
    await lead.page.getByText(moneyPattern(locale, minTotalValue)).first().waitFor();
    await lead.page.getByRole('button', { name: t('createStatement.submit') }).click();
    await lead.heading(words.title).waitFor();
    await lead.status(t('statement.flashCreated')).waitFor();
    statementUrl = new URL(lead.page.url()).pathname;
    expect(statementUrl).toMatch(/^\/statements\/[0-9a-f-]{36}$/);
    await lead.visit('the new statement', 'statement-draft');
  });

  it('lets the lead design the survey, invite three buyers and open the needs assessment', async () => {
    const { lead } = cast;
    const t = lead.t;
    await lead.page.getByRole('link', { name: t('actions.survey.linkDraft') }).click();
    await lead.heading(t('survey.title')).waitFor();
    await lead.page.getByRole('button', { name: t('survey.add') }).click();
    const question = lead.page.getByRole('group', { name: t('survey.question.title', { n: 1 }) });
    await question.getByLabel(t('survey.question.type')).selectOption('yes_no');
    await question.getByLabel(t('survey.question.label'), { exact: true }).fill(words.question);
    await lead.visit('survey design', 'survey');
    await lead.page.getByRole('button', { name: t('survey.save') }).click();
    await lead.status(t('survey.saved')).waitFor();
    await lead.page
      .getByRole('link', { name: t('common.backToStatement') })
      .first()
      .click();
    await lead.heading(words.title).waitFor();

    // Invite: find the buyers by name, select them, invite.
    await lead.page.getByLabel(t('actions.invite.search')).fill(tag);
    for (const b of cast.buyers) await lead.page.getByRole('checkbox', { name: new RegExp(b.name) }).check();
    await lead.page.getByRole('button', { name: t('actions.invite.submit', { count: 3 }) }).click();
    await lead.page.getByRole('status').filter({ hasText: cast.buyers[0]!.name }).waitFor();
    await lead.page
      .getByRole('cell', { name: t('participantStatus.invited') })
      .first()
      .waitFor();
    await lead.visit('statement with invitations', 'statement-invited');
  });

  it('lets each invited buyer sign in and accept the invitation', async () => {
    for (const [i, buyer] of cast.buyers.entries()) {
      const t = buyer.t;
      await signInWithMail(buyer.page, h, buyer.email, { locale });
      await buyer.heading(t('statements.title')).waitFor();
      await buyer.page.getByRole('link', { name: words.title }).click();
      await buyer.heading(words.title).waitFor();
      await buyer.page.getByRole('heading', { name: t('actions.answer.title') }).waitFor();
      if (i === 0) await buyer.visit('statement with an invitation', 'invitation');
      await buyer.page.getByRole('button', { name: t('actions.answer.accept') }).click();
      await buyer.status(t('actions.answer.accepted')).waitFor();
      if (i === 2) await buyer.visit('invitation accepted (phone)', 'phone-invitation-accepted');
    }
    const { lead } = cast;
    await lead.page.reload();
    await lead.page.getByRole('button', { name: lead.t('actions.openNeeds.submit') }).click();
    // Opening locks the statement: a dialog names the consequences first (issue 18).
    const confirm = lead.page.getByRole('dialog', { name: lead.t('actions.openNeeds.confirmTitle') });
    await confirm.waitFor();
    await confirm.getByRole('button', { name: lead.t('actions.openNeeds.confirm') }).click();
    await lead.status(lead.t('actions.openNeeds.done')).waitFor();
    expect(await lead.page.locator('[aria-current="step"]').textContent()).toContain(lead.t('stage.needs_assessment'));
    await lead.visit('needs assessment open', 'statement-needs-assessment');
  });

  it('lets the buyers fill the needs form: search, copy and remove lines, totals as they type, errors beside the field, submit', async () => {
    for (const [i, buyer] of cast.buyers.entries()) {
      const t = buyer.t;
      await buyer.page.reload();
      await buyer.page.getByRole('link', { name: t('actions.needs.enterLink') }).click();
      await buyer.heading(t('needs.title')).waitFor();
      const line1 = buyer.page.getByRole('group', { name: t('needs.line.title', { n: 1 }) });
      // One buyer searches by words, the others by code.
      await chooseSuggestion(
        line1.getByLabel(t('needs.line.cpvCode'), { exact: true }),
        i === 1 ? 'mechanical shovels' : '4326',
        /43260000-3/,
      );
      await chooseSuggestion(line1.getByLabel(t('needs.line.unit'), { exact: true }), 'H87', /H87/);
      await line1.getByLabel(t('needs.line.quantity'), { exact: true }).fill(demand[i]!.quantity);
      await line1.getByLabel(t('needs.line.unitPrice'), { exact: true }).fill(demand[i]!.unitPrice);
      // The running total, as they type, in their own number format.
      const value = Number(demand[i]!.quantity) * Number(demand[i]!.unitPrice);
      const totals = buyer.page.getByRole('region', { name: t('needs.totals.title') });
      await until(
        () => plainText(totals),
        (s) => s.includes(money(locale, value)),
        10_000,
        'the running total',
      );

      if (i === 0) {
        // Submitting without a description: the error is beside the field and announced.
        await buyer.page.getByRole('button', { name: t('needs.submit') }).click();
        await buyer.page
          .getByRole('alert')
          .filter({ hasText: t('needs.errors.descriptionRequired') })
          .first()
          .waitFor();
        const description = line1.getByLabel(t('needs.line.description'), { exact: true });
        expect(await describedBy(description)).toContain(t('needs.errors.descriptionRequired'));
        await buyer.visit('needs form with an error', 'needs-form-error');

        // Copy the line, see the total double, remove the copy.
        await buyer.page.getByRole('button', { name: t('needs.line.copy', { n: 1 }) }).click();
        await buyer.page.getByRole('group', { name: t('needs.line.title', { n: 2 }) }).waitFor();
        await until(
          () => plainText(totals),
          (s) => s.includes(money(locale, 2 * value)),
          10_000,
          'the doubled total',
        );
        await buyer.page.getByRole('button', { name: t('needs.line.remove', { n: 2 }) }).click();
        await expect
          .poll(() => buyer.page.getByRole('group', { name: t('needs.line.title', { n: 2 }) }).count())
          .toBe(0);
        await until(
          () => plainText(totals),
          (s) => s.includes(money(locale, value)) && !s.includes(money(locale, 2 * value)),
          10_000,
          'the total after removing',
        );
      }
      await line1.getByLabel(t('needs.line.description'), { exact: true }).fill(words.lines[i]!);
      await buyer.page
        .getByRole('group', { name: words.question })
        .getByLabel(t('answers.yes'), { exact: true })
        .check();
      if (i === 0 || i === 2) await buyer.visit('needs form filled in', i === 2 ? 'phone-needs-form' : 'needs-form');
      await buyer.page.getByRole('button', { name: t('needs.submit') }).click();
      await buyer.status(t('needs.submitted', { version: 1, count: 1 }).slice(0, 20)).waitFor();
    }
  });

  it('lets the lead follow who has done what, close the needs assessment early and extend the confirmation', async () => {
    const { lead } = cast;
    const t = lead.t;
    await lead.page.goto(statementUrl);
    await lead.page.getByRole('link', { name: t('actions.overview.link') }).click();
    await lead.heading(t('overview.title')).waitFor();
    for (const b of cast.buyers)
      await lead.page
        .getByRole('row', { name: new RegExp(b.name) })
        .getByText(t('participantStatus.submitted'))
        .waitFor();
    await lead.visit('who has done what', 'overview-needs');
    await lead.page.getByRole('button', { name: t('overview.close.open.needs_assessment') }).click();
    await lead.page.getByRole('button', { name: t('overview.close.confirm.needs_assessment') }).click();
    await lead.page
      .getByTestId('overview-stage')
      .filter({ hasText: t('stage.confirmation') })
      .waitFor();
    // Give the buyers a week more to confirm (the field proposes the current deadline plus seven days).
    await lead.page.getByRole('button', { name: t('overview.extend.submit') }).click();
    await lead.status(t('overview.extend.done', { deadline: '' }).slice(0, 10)).waitFor();
    await lead.visit('confirmation stage, deadline extended', 'overview-confirmation');
  });

  it('lets each buyer confirm its needs', async () => {
    for (const [i, buyer] of cast.buyers.entries()) {
      const t = buyer.t;
      await buyer.page.goto(statementUrl);
      await buyer.page.getByRole('link', { name: t('actions.needs.confirmLink') }).click();
      await buyer.heading(t('needs.title')).waitFor();
      await buyer.page.getByRole('button', { name: t('needs.confirm.open', { version: 1 }) }).click();
      await buyer.page.getByRole('button', { name: t('needs.confirm.submit', { version: 1 }) }).click();
      await buyer.status(t('needs.confirm.done', { version: 1 })).waitFor();
      if (i === 0) await buyer.visit('needs confirmed', 'needs-confirmed');
    }
  });

  it('shows the lead the aggregated demand on a critical-mass meter, and lets the lead decide on the shortfall', async () => {
    const { lead } = cast;
    const t = lead.t;
    // Everyone has confirmed, so the confirmation ends by itself; the aggregation runs on the
    // server, and the statement page then asks the lead to decide.
    await lead.page.goto(statementUrl);
    await lead.reloadUntil(lead.page.getByRole('link', { name: t('actions.demand.shortfallLink') }));
    await lead.visit('statement in shortfall', 'statement-shortfall');
    await lead.page.getByRole('link', { name: t('actions.demand.shortfallLink') }).click();
    await lead.heading(t('aggregate.title')).waitFor();
    await lead.page
      .getByTestId('critical-mass-verdict')
      .filter({ hasText: t('aggregate.verdict.notMet') })
      .waitFor();
    expect(await plainText(lead.page.getByTestId('total-value'))).toBe(money(locale, totalValue));

    // The meter: buyers and countries met, the value short by exactly the gap.
    const meter = lead.page.getByTestId('critical-mass-meter');
    const rows = meter.getByRole('listitem');
    expect(await rows.count()).toBe(3);
    const valueRow = rows.filter({ hasText: t('aggregate.meter.rule.minTotalValueEur') });
    expect(await plainText(valueRow)).toContain(money(locale, minTotalValue - totalValue));
    expect(await plainText(valueRow)).toContain(t('aggregate.meter.notMet'));
    expect(await plainText(rows.filter({ hasText: t('aggregate.meter.rule.minBuyers') }))).toContain(
      t('aggregate.meter.met'),
    );
    const bar = valueRow.getByRole('meter');
    expect(Number(await bar.getAttribute('value'))).toBeCloseTo(totalValue / minTotalValue, 5);
    // The breakdown by CPV code adds up the three buyers' quantities.
    const byCpv = lead.page.getByRole('region', { name: t('aggregate.breakdown.byCpv') });
    // In words, in the lead's language: "9 pieces", "9 pièces", "9 Stück" (rules/unit-names.ts).
    expect(await plainText(byCpv.getByRole('row', { name: /43260000/ }))).toContain(
      `9 ${unitNameFor('H87', 9, locale).text}`,
    );
    await lead.visit('aggregated demand and critical-mass meter', 'aggregate-shortfall');

    // A participating buyer sees the totals, and that the lead decides.
    const buyer = cast.buyers[2]!;
    await buyer.page.goto(`${statementUrl}/demand`);
    await buyer.heading(buyer.t('aggregate.title')).waitFor();
    await buyer.page.getByText(buyer.t('aggregate.shortfall.leadDecides', { lead: lead.name })).waitFor();
    await buyer.visit('aggregated demand (buyer, phone)', 'phone-aggregate');

    // Deciding with the keyboard: no choice first (the error is announced), then proceed with a justification.
    await lead.page.getByRole('button', { name: t('aggregate.shortfall.submit') }).click();
    await lead.page
      .getByRole('alert')
      .filter({ hasText: t('aggregate.shortfall.errors.choose') })
      .waitFor();
    expect((await focused(lead.page)).role).toBe('alert');
    await lead.visit('shortfall decision with an error', 'shortfall-error');
    await lead.page.getByLabel(t('aggregate.shortfall.option.proceed')).focus();
    await lead.page.keyboard.press('Space');
    await lead.page.getByLabel(t('aggregate.shortfall.justification')).fill(words.justification);
    await lead.page.getByLabel(t('aggregate.shortfall.justification')).press('Tab');
    await lead.page.keyboard.press('Enter');
    // Proceeding without the critical mass cannot be undone: a dialog asks first (issue 18).
    const proceed = lead.page.getByRole('dialog', { name: t('guidance.confirm.proceedTitle') });
    await proceed.getByRole('button', { name: t('guidance.confirm.proceed') }).click();
    await lead.status(t('aggregate.shortfall.done.proceed')).waitFor();
    await lead.page
      .locator('[aria-current="step"]')
      .filter({ hasText: t('stage.market_engagement') })
      .waitFor();
    await lead.visit('after the shortfall decision', 'aggregate-proceeded');
  });

  it('lets the lead set the request for information and a buyer agree to be named on the public page', async () => {
    const { lead } = cast;
    const t = lead.t;
    await lead.page.goto(statementUrl);
    await lead.page.getByRole('link', { name: t('actions.market.runLink') }).click();
    await lead.heading(t('market.title')).waitFor();
    await lead.visit('market consultation, before any question', 'market-empty');
    // A question too short: the error is beside the field.
    await lead.page.getByRole('button', { name: t('market.rfi.add') }).click();
    const question = lead.page.getByLabel(t('market.rfi.question', { n: 1 }), { exact: true });
    await question.fill('?');
    await lead.page.getByRole('button', { name: t('market.rfi.save') }).click();
    await lead.page
      .getByRole('alert')
      .filter({ hasText: t('market.rfi.errors.tooShort', { min: 3 }) })
      .waitFor();
    expect(await describedBy(question)).toContain(t('market.rfi.errors.tooShort', { min: 3 }));
    await question.fill(words.rfi);
    await lead.page.getByRole('button', { name: t('market.rfi.save') }).click();
    await lead.status(t('market.rfi.saved', { count: 1 })).waitFor();
    await lead.visit('request for information saved', 'market-rfi');

    const buyer = cast.buyers[0]!;
    await buyer.page.goto(statementUrl);
    await buyer.page.getByRole('link', { name: buyer.t('actions.market.link') }).click();
    await buyer.heading(buyer.t('market.title')).waitFor();
    await buyer.page.getByText(words.rfi).waitFor();
    await buyer.page.getByLabel(buyer.t('market.consent.agree')).check();
    await buyer.page.getByRole('button', { name: buyer.t('market.consent.save') }).click();
    await buyer.status(buyer.t('market.consent.savedNamed')).waitFor();
    await buyer.visit('market consultation (buyer), named', 'market-buyer');
    // The lead alone follows suppliers: a buyer's page has no responses or questions.
    expect(await buyer.page.getByRole('heading', { name: buyer.t('market.responses.title') }).count()).toBe(0);
  });

  it('lets a subscribed supplier follow the e-mailed link, sign in, answer the request for information and ask a question', async () => {
    const { supplier } = cast;
    const t = supplier.t;
    const id = statementUrl.split('/').at(-1)!;
    // The consultation opened when the lead proceeded: the subscriber was told, with a link.
    const messages = await h.mail.waitFor(
      (all) => all.some((m) => m.to.includes(supplier.email) && m.text.includes(`/consultations/${id}`)),
      60_000,
    );
    const mail = messages.find((m) => m.to.includes(supplier.email) && m.text.includes(`/consultations/${id}`))!;
    const link = new RegExp(`https?://\\S+/consultations/${id}`).exec(mail.text)![0];
    await signInWithMail(supplier.page, h, supplier.email, { locale });
    await supplier.page.goto(new URL(link).pathname);
    await supplier.heading(words.title).waitFor();
    // The buyer that agreed is named; the others are counted.
    await supplier.page.getByText(cast.buyers[0]!.name).first().waitFor();
    await supplier.page.getByText(supplier.t('public.demand.unnamed', { count: 2 })).waitFor();
    await supplier.page.getByLabel(words.rfi).fill(words.response);
    await supplier.page.getByRole('button', { name: t('supplier.response.submit') }).click();
    await supplier.page
      .getByRole('status')
      .filter({ hasText: t('supplier.response.saved', { date: '' }).replace(/\s*\(\)\.?$/, '') })
      .waitFor();
    await supplier.page.getByLabel(t('supplier.question.label'), { exact: true }).fill(words.supplierQuestion);
    await supplier.page.getByRole('button', { name: t('supplier.question.submit') }).click();
    await supplier.page
      .getByRole('status')
      .filter({ hasText: t('supplier.question.asked', { number: '1' }) })
      .waitFor();
    await supplier.visit('consultation answered (supplier)', 'supplier-consultation');
  });

  it('lets the lead read the response, answer the question for every supplier, and close the consultation', async () => {
    const { lead, supplier } = cast;
    const t = lead.t;
    await lead.page.reload();
    await lead.heading(t('market.title')).waitFor();
    expect(await plainText(lead.page.getByTestId('response-count'))).toBe('1');
    const response = lead.page
      .getByRole('listitem')
      .filter({ has: lead.page.getByRole('heading', { name: supplier.name }) });
    expect(await plainText(response)).toContain(words.response);
    const question = lead.page
      .getByRole('listitem')
      .filter({ has: lead.page.getByRole('heading', { name: t('market.questions.number', { number: 1 }) }) });
    expect(await plainText(question)).toContain(words.supplierQuestion);
    expect(await plainText(question)).toContain(supplier.name);
    // An empty answer: the error is beside the field.
    await lead.page.getByRole('button', { name: t('market.questions.submit', { number: 1 }) }).click();
    await lead.page
      .getByRole('alert')
      .filter({ hasText: t('market.questions.errors.answerRequired') })
      .waitFor();
    await lead.visit('market consultation with a response and a question', 'market-lead');
    await lead.page.getByLabel(t('market.questions.answerLabel', { number: 1 })).fill(words.answer);
    await lead.page.getByRole('button', { name: t('market.questions.submit', { number: 1 }) }).click();
    await lead.status(t('market.questions.published', { number: 1 })).waitFor();

    // The answer is public, and does not name who asked.
    await supplier.page.reload();
    // Shown twice to the supplier that asked: among the public answers and under "Your questions".
    await supplier.page.getByText(words.answer).first().waitFor();
    const answers = supplier.page.getByRole('region', { name: supplier.t('public.consultation.answers') });
    if (await answers.count()) expect(await plainText(answers)).not.toContain(supplier.name);

    await lead.page.getByRole('button', { name: t('market.close.open') }).click();
    await lead.page.getByRole('button', { name: t('market.close.confirm'), exact: true }).click();
    await lead.status(t('market.close.done')).waitFor();
    await lead.page
      .getByTestId('market-stage')
      .filter({ hasText: t('stage.approval') })
      .waitFor();
    // The summary is stored as the consultation closes.
    await lead.reloadUntil(lead.page.getByTestId('market-summary'));
    const share = new Intl.NumberFormat(locale, { style: 'percent', maximumFractionDigits: 0 }).format(1);
    expect(await plainText(lead.page.getByTestId('market-summary'))).toContain(
      plain(t('market.summary.smeValue', { count: 1, share })),
    );
    await lead.visit('market summary', 'market-summary');
  });

  it('lets a buyer ask for changes, the lead revise the text, and everyone approve the new version: the statement is published', async () => {
    const { lead, buyers } = cast;
    const asker = buyers[0]!;
    const t = asker.t;
    await asker.page.goto(statementUrl);
    await asker.reloadUntil(asker.page.getByRole('link', { name: t('actions.approval.approveLink') }));
    await asker.page.getByRole('link', { name: t('actions.approval.approveLink') }).click();
    await asker.heading(t('approval.title')).waitFor();
    await asker.page.getByTestId('statement-text').filter({ hasText: words.title }).waitFor();
    // No choice, then changes without a comment: each error is announced and beside its field.
    await asker.page.getByRole('button', { name: t('approval.decide.submit') }).click();
    await asker.page
      .getByRole('alert')
      .filter({ hasText: t('approval.decide.errors.choose') })
      .waitFor();
    await asker.page.getByLabel(t('approval.decide.option.request_changes')).check();
    await asker.page.getByRole('button', { name: t('approval.decide.submit') }).click();
    await asker.page
      .getByRole('alert')
      .filter({ hasText: t('approval.decide.errors.commentRequired') })
      .waitFor();
    expect(await describedBy(asker.page.getByLabel(t('approval.decide.comment'), { exact: true }))).toContain(
      t('approval.decide.errors.commentRequired'),
    );
    await asker.visit('approval with errors', 'approval-errors');
    await asker.page.getByLabel(t('approval.decide.comment'), { exact: true }).fill(words.changes);
    await asker.page.getByRole('button', { name: t('approval.decide.submit') }).click();
    await asker.status(t('approval.decide.doneChanges', { version: '1' })).waitFor();

    // The lead reads the comment and revises the text: version 2, and every approval starts again.
    const lt = lead.t;
    await lead.page.goto(`${statementUrl}/approval`);
    await lead.heading(lt('approval.title')).waitFor();
    await lead.page.getByText(words.changes).waitFor();
    await lead.visit('approval (lead) with a change request', 'approval-lead');
    await lead.page.getByRole('button', { name: lt('approval.revise.open') }).click();
    const text = lead.page.getByLabel(lt('approval.revise.label'), { exact: true });
    await text.fill(`${await text.inputValue()}\n\n${words.revision}`);
    await lead.page.getByRole('button', { name: lt('approval.revise.submit', { version: '2' }) }).click();
    await lead.status(lt('approval.revise.done', { version: '2' })).waitFor();
    expect(await plainText(lead.page.getByTestId('text-version'))).toBe('2');
    await lead.page.getByTestId('statement-text').filter({ hasText: words.revision }).waitFor();

    // The approvers are the buyers that confirmed needs: the lead, which has none here, does not decide.
    expect(await lead.page.getByRole('button', { name: lt('approval.decide.submit') }).count()).toBe(0);
    const approvers = lead.page.getByRole('region', { name: lt('approval.approvers.title', { version: '2' }) }).first();
    for (const b of buyers)
      expect(await plainText(approvers.getByRole('row', { name: new RegExp(b.name) }))).toContain(
        lt('approval.decision.waiting'),
      );

    // Every buyer approves version 2, the first with the keyboard.
    for (const [i, buyer] of buyers.entries()) {
      await buyer.page.goto(`${statementUrl}/approval`);
      await buyer.heading(buyer.t('approval.title')).waitFor();
      await buyer.page.getByTestId('statement-text').filter({ hasText: words.revision }).waitFor();
      const approve = buyer.page.getByLabel(buyer.t('approval.decide.option.approve'));
      if (i === 0) {
        await approve.focus();
        await buyer.page.keyboard.press('Space');
        expect(await approve.isChecked()).toBe(true);
      } else {
        await approve.check();
      }
      await buyer.page.getByRole('button', { name: buyer.t('approval.decide.submit') }).click();
      await buyer.status(buyer.t('approval.decide.doneApproved', { version: '2' })).waitFor();
      if (i === 2) await buyer.visit('approval (phone)', 'phone-approval');
    }
    await lead.reloadUntil(lead.page.getByText(lt('approval.published')));
    const signatories = lead.page.getByRole('region', { name: lt('approval.signatories.title') });
    for (const b of buyers) await signatories.getByText(b.name).waitFor();
    await lead.visit('published (lead)', 'approval-published');
  });

  it('shows the supplier the published statement with its signatories', async () => {
    const { supplier } = cast;
    const t = supplier.t;
    await supplier.page.goto('/published');
    await supplier.page.getByRole('link', { name: words.title }).first().click();
    await supplier.heading(words.title).waitFor();
    await supplier.page.getByText(words.revision).waitFor();
    // Named: the buyer that agreed to be; the two others are counted, not named.
    const named = supplier.page.getByTestId('named-signatories');
    await named.getByRole('listitem').filter({ hasText: cast.buyers[0]!.name }).waitFor();
    expect(await plainText(supplier.page.getByTestId('unnamed-signatories'))).toBe(
      plain(t('public.published.unnamedOthers', { count: 2 })),
    );
    for (const b of cast.buyers.slice(1)) expect(await plainText(named)).not.toContain(b.name);
    // A supplier is not offered to sign.
    expect(await supplier.page.getByRole('button', { name: t('public.sign.submit') }).count()).toBe(0);
    await supplier.visit('published statement (supplier)', 'supplier-published');
  });

  it('lets the lead start the agreement, the buyers become parties, the lead propose the terms, and everyone sign', async () => {
    const { lead, buyers } = cast;
    const t = lead.t;
    await lead.page.goto(statementUrl);
    await lead.page.getByRole('link', { name: t('actions.agreement.link') }).click();
    await lead.heading(t('agreement.title')).waitFor();
    await lead.visit('agreement, not started', 'agreement-start');
    await lead.page.getByRole('button', { name: t('agreement.start.submit') }).click();
    await lead.status(t('agreement.start.done')).waitFor();

    for (const [i, buyer] of buyers.entries()) {
      await buyer.page.goto(statementUrl);
      await buyer.page.getByRole('link', { name: buyer.t('actions.agreement.link') }).click();
      await buyer.heading(buyer.t('agreement.title')).waitFor();
      if (i === 2) await buyer.visit('agreement invitation (phone)', 'phone-agreement-invitation');
      await buyer.page.getByRole('button', { name: buyer.t('agreement.join.accept') }).click();
      await buyer.status(buyer.t('agreement.join.done')).waitFor();
    }

    // The terms: sent incomplete first (errors beside the fields), then complete.
    await lead.page.reload();
    await lead.page.getByRole('heading', { name: t('agreement.terms.title') }).waitFor();
    await lead.page.getByRole('button', { name: t('agreement.terms.submit') }).click();
    await lead.page
      .getByRole('alert')
      .filter({ hasText: t('problem.invalid_input.title') })
      .waitFor();
    const firstResponsibility = lead.page.getByLabel(t('agreement.terms.responsibilityOf', { party: lead.name }));
    expect(await describedBy(firstResponsibility)).toContain(t('agreement.terms.errors.required'));
    await lead.visit('agreement terms, with errors', 'agreement-terms-errors');
    for (const person of [lead, ...buyers]) {
      await lead.page
        .getByLabel(t('agreement.terms.responsibilityOf', { party: person.name }))
        .fill(`${words.lines[0]} — ${person.name}`);
    }
    await lead.page.getByLabel(t('agreement.terms.disputeText')).fill(words.justification);
    await lead.page.getByLabel(t('agreement.terms.disputeForum')).fill('Helsinki');
    await lead.page.getByRole('button', { name: t('agreement.terms.submit') }).click();
    await lead.status(t('agreement.terms.done', { version: 1 })).waitFor();
    await lead.visit('agreement with its first version', 'agreement-terms');

    for (const [i, buyer] of buyers.entries()) {
      await buyer.page.reload();
      await buyer.page.getByRole('button', { name: buyer.t('agreement.sign.submit', { version: 1 }) }).click();
      await buyer.status(buyer.t('agreement.sign.done', { version: 1 })).waitFor();
      if (i === 0) await buyer.visit('agreement signed by a buyer', 'agreement-signed-buyer');
    }
    await lead.page.reload();
    await lead.page.getByRole('button', { name: t('agreement.sign.submit', { version: 1 }) }).click();
    await lead.status(t('agreement.sign.doneInForce')).waitFor();
    await lead.page
      .getByTestId('agreement-status')
      .filter({ hasText: t('agreement.statusName.in_force') })
      .waitFor();
    await lead.visit('agreement in force', 'agreement-in-force');
  });

  it('lets a buyer that did not take part ask to sign the published statement, and the lead accept it: a new version names it', async () => {
    const { lead, lateBuyer } = cast;
    const t = lateBuyer.t;
    await signInWithMail(lateBuyer.page, h, lateBuyer.email, { locale });
    await lateBuyer.page.goto(`/published/${statementUrl.split('/').at(-1)}`);
    await lateBuyer.heading(words.title).waitFor();
    await lateBuyer.page.getByRole('button', { name: t('public.sign.submit') }).click();
    await lateBuyer.status(t('public.sign.asked')).waitFor();
    await lateBuyer.visit('asked to sign', 'late-signatory-asked');

    const lt = lead.t;
    await lead.page.goto(`${statementUrl}/approval`);
    await lead.page.getByRole('button', { name: lt('approval.signatories.accept', { name: lateBuyer.name }) }).click();
    await lead.status(lt('approval.signatories.accepted', { name: lateBuyer.name, version: '2' })).waitFor();
    await lead.visit('late signatory accepted', 'late-signatory-accepted');

    await lateBuyer.page.reload();
    await lateBuyer.page.getByText(t('public.sign.signatory', { version: '2' })).waitFor();
    // The late signatory did not agree to be named (it took no part): version 2 counts it among the unnamed.
    await lateBuyer.page
      .getByTestId('unnamed-signatories')
      .filter({ hasText: plain(t('public.published.unnamedOthers', { count: 3 })) })
      .waitFor();
    expect(await plainText(lateBuyer.page.getByTestId('named-signatories'))).not.toContain(lateBuyer.name);
  });

  it('lets everyone sign out', async () => {
    for (const person of [cast.lead, ...cast.buyers, cast.supplier, cast.lateBuyer]) {
      await person.page.getByRole('button', { name: person.t('header.signOut') }).click();
      await person.status(person.t('signIn.signedOut')).waitFor();
    }
    await cast.lead.visit('signed out', 'signed-out');
  });
});
