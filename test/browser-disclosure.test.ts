import { existsSync, readdirSync, rmSync } from 'node:fs';
import path from 'node:path';

import type { Browser, Locator } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { z } from 'zod';

import type { publishedStatementSchema } from '../domain/public-contracts.js';
import type { AggregateView } from '../services/aggregation/aggregation-contracts.js';
import type { PilotView } from '../services/dashboard/dashboard-contracts.js';
import { launchBrowser, screenshotDir, signInWithMail } from './support/browser.js';
import {
  ApiClient,
  type Harness,
  makeActor,
  makeUser,
  needLine,
  startHarness,
  statementDetails,
  until,
} from './support/harness.js';
import { money, Person, plain, plainText, requireWebBuild } from './support/journey.js';
import { publish } from './support/published-statement.js';
import { type WebLocale, webT } from './support/web-i18n.js';

type Actor = Awaited<ReturnType<typeof makeActor>>;
type Aggregate = AggregateView;
type Published = z.infer<typeof publishedStatementSchema>;
type Reason = Aggregate['aggregate']['totals']['withheldReason'];
type Translate = ReturnType<typeof webT>;

const locales: WebLocale[] = ['en', 'fr', 'de'];

/** What a withheld figure says, as the web application words it in `t`'s language. */
function withheldLabel(t: Translate, reason: Reason): string {
  switch (reason) {
    case 'fewer-buyers':
      return t('disclosure.withheld.fewerBuyers', { min: '3' });
    case 'dominance':
      return t('disclosure.withheld.dominance');
    case 'complementary':
      return t('disclosure.withheld.complementary');
    default:
      return t('disclosure.withheld.protected');
  }
}

/** Amounts as a reader could find them: formatted for the page's language, in English, or as bare digits. */
function amountSpellings(locale: WebLocale, amount: number): string[] {
  const grouped = (l: string) => plain(new Intl.NumberFormat(l, { maximumFractionDigits: 2 }).format(amount));
  return [...new Set([money(locale, amount), money('en', amount), grouped(locale), grouped('en'), String(amount)])];
}

/**
 * Statistical disclosure control on the web pages, in a real browser: a statement with three
 * buyers (one holding most of the demand, one buying a code no one else buys, each in a country
 * of its own) is driven through aggregation by API. A participating buyer and Commission staff
 * read its aggregated demand in English, French and German: every figure the server withholds
 * says why ("fewer than 3 buyers", "one buyer holds most of it", "to protect another figure"),
 * the page explains once why figures are withheld, and critical-mass results and threshold
 * verdicts decided on a withheld figure say they are withheld; the dashboard shows the pilot's
 * value as withheld. The lead buyer reads every figure of the same statement. The participant
 * agrees to show its own figures after a confirmation that names the consequence, and withdraws.
 * Once published, a visitor reads the published statement (named signatories and how many
 * others) without any single buyer's figure. Every page is checked with axe-core and, in French
 * and German, for untranslated text.
 */
describe('withheld figures in a browser', () => {
  let h: Harness;
  let browser: Browser;
  let lead: Actor, oslo: Actor, riga: Actor, commission: Actor;
  let id = '';
  const tag = Math.random().toString(36).slice(2, 8);
  const title = `Electric site machinery ${tag}`;
  const shots = { prefix: 'disclosure', n: 0 };
  const ok = <T extends { status: number; body: unknown }>(res: T): T => {
    expect(res.status, JSON.stringify(res.body)).toBeLessThan(300);
    return res;
  };
  const aggregateOf = async (a: Actor): Promise<Aggregate> =>
    ok(await a.api.get(`/api/statements/${id}/aggregate`)).body as Aggregate;
  /** The lead's figures: each buyer's total, which no one else may learn. */
  const perBuyer = new Map<string, number>();

  beforeAll(async () => {
    requireWebBuild();
    for (const f of existsSync(screenshotDir) ? readdirSync(screenshotDir) : [])
      if (f.startsWith(`${shots.prefix}-`)) rmSync(path.join(screenshotDir, f));
    h = await startHarness({ freshDatabase: true }); // it compares the whole dashboard with the API: other files write pilots meanwhile
    browser = await launchBrowser();
    const buyer = (name: string, country: string, label: string) =>
      makeActor(h, { kind: 'buyer', name: `${name} ${tag}`, country }, { label, roles: ['signatory'] });
    lead = await buyer('City of Tampere', 'FI', 'tampere');
    oslo = await buyer('City of Oslo', 'NO', 'oslo');
    riga = await buyer('City of Riga', 'LV', 'riga');
    commission = await makeActor(
      h,
      { kind: 'commission', name: `DG GROW ${tag}`, country: 'BE' },
      { label: 'commission' },
    );

    // Tampere holds about 90 % of the demand (the total and the excavators are dominated); Oslo
    // alone buys electric buses; each buyer is the only one of its country.
    const needs: [Actor, Record<string, unknown>[]][] = [
      [
        lead,
        [
          needLine({ quantity: '40', unitPrice: '450000' }),
          needLine({ cpvCode: '34144900', description: 'Electric van', quantity: '1', unitPrice: '100000' }),
        ],
      ],
      [
        oslo,
        [
          needLine({ quantity: '2', unitPrice: '450000' }),
          needLine({ cpvCode: '34144900', description: 'Electric van', quantity: '1', unitPrice: '120000' }),
          needLine({ cpvCode: '34144910', description: 'Electric bus', quantity: '1', unitPrice: '500000' }),
        ],
      ],
      [
        riga,
        [
          needLine({ quantity: '1', unitPrice: '450000' }),
          needLine({ cpvCode: '34144900', description: 'Electric van', quantity: '1', unitPrice: '110000' }),
        ],
      ],
    ];
    for (const [a, lines] of needs) {
      perBuyer.set(
        a.org.id,
        lines.reduce((sum, l) => sum + Number(l.quantity) * Number(l.unitPrice), 0),
      );
    }
    const details = statementDetails({
      title,
      criticalMass: {
        minBuyers: 3,
        minCountries: 3,
        minTotalValueEur: '1000000',
        minQuantityPerCpv: [{ cpvCode: '34144900', unit: 'H87', minQuantity: '3' }],
      },
    });
    id = ok(await lead.api.post('/api/statements', details)).body.id as string;
    ok(await lead.api.post(`/api/statements/${id}/invitations`, { organisationIds: [oslo.org.id, riga.org.id] }));
    for (const b of [oslo, riga]) ok(await b.api.post(`/api/statements/${id}/invitation/accept`));
    ok(await lead.api.post(`/api/statements/${id}/needs-assessment/open`));
    const versions: [Actor, string][] = [];
    for (const [a, lines] of needs) {
      ok(await a.api.put(`/api/statements/${id}/needs/draft`, { lines, answers: {} }));
      versions.push([a, ok(await a.api.post(`/api/statements/${id}/needs/submit`)).body.versionId]);
    }
    ok(await lead.api.post(`/api/statements/${id}/close-stage`));
    for (const [a, versionId] of versions) ok(await a.api.post(`/api/statements/${id}/needs/confirm`, { versionId }));
    await until(
      () => lead.api.get(`/api/statements/${id}/live`),
      (r) => r.body.stage === 'market_engagement',
      90_000,
      'market engagement',
    );
    // Tampere and Oslo agree to be named on the public pages; Riga does not.
    for (const a of [lead, oslo])
      ok(await a.api.put(`/api/statements/${id}/consultation/name-consent`, { agree: true }));
  }, 240_000);

  afterAll(async () => {
    await browser?.close();
    await h?.close();
  });

  /** Opens the aggregated demand page as a new person signed in with `email`, in `locale`. */
  async function openDemand(name: string, email: string, locale: WebLocale): Promise<Person> {
    const person = await Person.open(browser, h, { name, email, locale, shots });
    await signInWithMail(person.page, h, email, { locale });
    await person.page.goto(`/statements/${id}/demand`);
    await person.heading(person.t('aggregate.title')).waitFor();
    await person.page.getByTestId('critical-mass-meter').waitFor();
    return person;
  }

  /** The rows of a breakdown table, in the order of the API's groups. */
  const rowsOf = (person: Person, heading: string): Locator =>
    person.page.getByRole('region', { name: person.t(heading) }).locator('tbody tr');

  /**
   * The page shows what `view` (the viewer's own API answer) shows: every withheld group says
   * why, every other shows its value; no withheld figure of `complete` (the lead's) is on it.
   */
  async function expectPageShows(person: Person, view: Aggregate, complete: Aggregate): Promise<void> {
    const { t, locale, page } = person;
    const text = await plainText(page.locator('main'));
    expect(text).not.toMatch(/\bnull\b|\bNaN\b|\bundefined\b/);

    const totals = view.aggregate.totals;
    const total = await plainText(page.getByTestId('total-value'));
    if (totals.withheld) expect(total).toBe(withheldLabel(t, totals.withheldReason));
    else expect(total).toBe(money(locale, Number(totals.valueEur)));

    const tables: [
      string,
      { withheld: boolean; withheldReason: Reason; valueEur: string | null }[],
      { valueEur: string | null }[],
    ][] = [
      ['aggregate.breakdown.byCountry', view.aggregate.byCountry, complete.aggregate.byCountry],
      ['aggregate.breakdown.byYear', view.aggregate.byDeliveryYear, complete.aggregate.byDeliveryYear],
    ];
    for (const [heading, groups, all] of tables) {
      const rows = rowsOf(person, heading);
      expect(await rows.count()).toBe(groups.length);
      for (const [i, g] of groups.entries()) {
        const row = await plainText(rows.nth(i));
        if (g.withheld) {
          expect(row, `${heading} row ${i}`).toContain(withheldLabel(t, g.withheldReason));
          expect(row).not.toContain(money(locale, Number(all[i]!.valueEur)));
        } else {
          expect(row, `${heading} row ${i}`).toContain(money(locale, Number(g.valueEur)));
        }
      }
    }
    // The CPV table lists the codes the lines use, with the lines coded at exactly each.
    const items = view.aggregate.items;
    const cpvRows = rowsOf(person, 'aggregate.breakdown.byCpv');
    expect(await cpvRows.count()).toBe(items.length);
    for (const [i, n] of items.entries()) {
      const row = await plainText(cpvRows.nth(i));
      if (n.withheld) expect(row, `CPV ${n.cpvCode}`).toContain(withheldLabel(t, n.withheldReason));
      else expect(row, `CPV ${n.cpvCode}`).toContain(money(locale, Number(n.valueEur)));
    }

    // Critical-mass results decided on a withheld figure say so, and show no bar.
    const meter = page.getByTestId('critical-mass-meter').getByRole('listitem');
    for (const [i, r] of view.criticalMass.results.entries()) {
      const row = meter.nth(i);
      if (r.withheld) {
        expect(await plainText(row)).toContain(t('aggregate.meter.withheldTag'));
        expect(await row.locator('meter').count()).toBe(0);
      } else {
        expect(await plainText(row)).toContain(r.met ? t('aggregate.meter.met') : t('aggregate.meter.notMet'));
      }
    }
    const estimate = await plainText(page.getByTestId('threshold-estimate'));
    if (view.thresholds.estimatedValueEur === null) expect(estimate).toContain(withheldLabel(t, totals.withheldReason));
    else expect(estimate).toContain(money(locale, Number(view.thresholds.estimatedValueEur)));
    const natures = page.getByTestId('threshold-natures').getByRole('listitem');
    for (const [i, n] of view.thresholds.natures.entries()) {
      const line = await plainText(natures.nth(i));
      if (n.withheld) {
        expect(line).toContain(
          plain(
            t('aggregate.thresholds.withheld', {
              nature: t(`aggregate.nature.${n.nature}`),
              threshold: money(locale, Number(n.thresholdEur)),
              buyer: n.setBy.name,
              category: t(`aggregate.authority.${n.setBy.authorityCategory}`),
            }),
          ),
        );
      }
    }
    // The one-contract view (Art. 3): withheld whole, or each reading with its threshold.
    const mixed = view.thresholds.mixedContract;
    if (mixed) {
      const block = await plainText(page.getByTestId('threshold-one-contract'));
      if (mixed.withheld) expect(block).toContain(plain(t('aggregate.thresholds.oneContract.withheld')));
      else for (const r of mixed.readings) expect(block).toContain(money(locale, Number(r.thresholdEur)));
    }

    // Explained once, and (for everyone but the lead) no buyer's own total anywhere on the page.
    expect(await page.getByTestId('withheld-explanation').count()).toBe(1);
    for (const [org, amount] of perBuyer) {
      for (const s of amountSpellings(locale, amount))
        expect(text, `a buyer's total (${org}) as "${s}"`).not.toContain(s);
    }
  }

  it('shows a participating buyer every withheld figure labelled with its reason, in English, French and German', async () => {
    const view = await aggregateOf(riga);
    const complete = await aggregateOf(lead);
    // The scene: something is withheld for each reason a buyer can be protected by.
    const reasons = new Set(
      [view.aggregate.totals, ...view.aggregate.items, ...view.aggregate.byCountry].map((g) => g.withheldReason),
    );
    expect([...reasons], JSON.stringify(view.aggregate)).toEqual(
      expect.arrayContaining(['fewer-buyers', 'dominance', 'complementary']),
    );
    expect(view.criticalMass.results.some((r) => r.withheld)).toBe(true);

    for (const locale of locales) {
      const user = await makeUser(h, riga.org.id, {
        label: `Rasma ${locale} ${tag}`,
        email: `riga-${locale}-${tag}@riga.test`,
        locale,
        roles: ['signatory'],
      });
      const person = await openDemand(`participant (${locale})`, user.email, locale);
      try {
        const { t, page } = person;
        await expectPageShows(person, view, complete);
        expect(await plainText(page.getByTestId('withheld-explanation'))).toContain(t('disclosure.leadSeesAll'));
        // Its own figures: the panel to agree to show them.
        await page.getByRole('region', { name: t('aggregate.figureConsent.title') }).waitFor();
        expect(await plainText(page.getByTestId('figure-consent-state'))).toBe(t('aggregate.figureConsent.undecided'));
        await person.visit('aggregated demand with withheld figures', `participant-${locale}`);
      } finally {
        await person.close();
      }
    }
  });

  it('shows Commission staff the same figures withheld, in English, French and German, and the pilot value withheld on the dashboard', async () => {
    const view = await aggregateOf(commission);
    const complete = await aggregateOf(lead);
    const pilot = ok(await commission.api.get(`/api/dashboard/pilots/${id}`)).body.pilot as PilotView;
    expect(pilot.aggregatedAt).not.toBeNull();
    expect(pilot.valueEur, 'the pilot value is dominated by one buyer').toBeNull();

    for (const locale of locales) {
      const user = await makeUser(h, commission.org.id, {
        label: `Claire ${locale} ${tag}`,
        email: `staff-${locale}-${tag}@commission.test`,
        locale,
      });
      const person = await openDemand(`Commission staff (${locale})`, user.email, locale);
      try {
        const { t, page } = person;
        await expectPageShows(person, view, complete);
        expect(await page.getByRole('region', { name: t('aggregate.figureConsent.title') }).count()).toBe(0);
        await person.visit('aggregated demand (Commission staff)', `staff-${locale}`);

        await page.goto('/dashboard');
        await person.heading(t('dashboard.title')).waitFor();
        const row = page.getByTestId('pilot-table').getByRole('row').filter({ hasText: title });
        await row.waitFor();
        expect(await plainText(row)).toContain(t('disclosure.withheld.protected'));
        await page.getByTestId('withheld-explanation').waitFor();
        // The sum of the values shown, and how many pilots it leaves out (or, with none shown, no sum at all).
        const board = ok(await commission.api.get('/api/dashboard?limit=1')).body as {
          totals: { valueEur: string; valueWithheldPilots: number };
        };
        expect(board.totals.valueWithheldPilots).toBeGreaterThan(0);
        const sum = await plainText(page.getByTestId('dashboard-total-value'));
        if (Number(board.totals.valueEur) === 0) expect(sum).toBe(t('disclosure.withheld.protected'));
        else
          expect(sum).toBe(
            `${money(locale, Number(board.totals.valueEur))} ${plain(t('dashboard.totals.valueWithheld', { count: board.totals.valueWithheldPilots }))}`,
          );
        for (const s of amountSpellings(locale, Number(complete.aggregate.totals.valueEur)))
          expect(await plainText(page.locator('main'))).not.toContain(s);
        await person.visit('dashboard with a withheld pilot value', `dashboard-${locale}`);

        await row.getByRole('link', { name: title }).click();
        await person.heading(title).waitFor();
        expect(await plainText(page.getByTestId('pilot-value'))).toBe(t('disclosure.withheld.protected'));
        await person.visit('pilot with a withheld value');
      } finally {
        await person.close();
      }
    }
  });

  it('shows the lead buyer every figure of the same statement', async () => {
    const complete = await aggregateOf(lead);
    expect(complete.aggregate.complete).toBe(true);
    const user = await makeUser(h, lead.org.id, {
      label: `Hanna ${tag}`,
      email: `lead-${tag}@tampere.test`,
      locale: 'en',
    });
    const person = await openDemand('lead', user.email, 'en');
    try {
      const { page, t } = person;
      expect(await page.locator('[data-withheld]').count()).toBe(0);
      expect(await page.getByTestId('withheld-explanation').count()).toBe(0);
      expect(await page.getByRole('region', { name: t('aggregate.figureConsent.title') }).count()).toBe(0);
      expect(await plainText(page.getByTestId('total-value'))).toBe(
        money(
          'en',
          [...perBuyer.values()].reduce((a, b) => a + b, 0),
        ),
      );
      const countries = rowsOf(person, 'aggregate.breakdown.byCountry');
      for (const [i, c] of complete.aggregate.byCountry.entries())
        expect(await plainText(countries.nth(i))).toContain(money('en', Number(c.valueEur)));
      const meter = page.getByTestId('critical-mass-meter');
      expect(await meter.locator('meter').count()).toBe(complete.criticalMass.results.length);
      await person.visit('aggregated demand (lead, every figure)', 'lead');
    } finally {
      await person.close();
    }
  });

  it('lets a participating buyer agree to show its own figures after a confirmation naming the consequence, and withdraw', async () => {
    const user = await makeUser(h, riga.org.id, {
      label: `Rasma consent ${tag}`,
      email: `riga-consent-${tag}@riga.test`,
      locale: 'en',
      roles: ['signatory'],
    });
    const person = await openDemand('participant deciding', user.email, 'en');
    try {
      const { page, t } = person;
      const panel = page.getByRole('region', { name: t('aggregate.figureConsent.title') });
      await panel.getByRole('button', { name: t('aggregate.figureConsent.agreeOpen') }).click();
      await panel.getByText(t('aggregate.figureConsent.agreeConsequence')).waitFor();
      await person.visit('confirming consent to show figures', 'consent-confirm');
      await panel.getByRole('button', { name: t('aggregate.figureConsent.agreeConfirm') }).click();
      await person.status(t('aggregate.figureConsent.savedShown')).waitFor();
      expect(await plainText(page.getByTestId('figure-consent-state'))).toBe(t('aggregate.figureConsent.shown'));
      expect(ok(await riga.api.get(`/api/statements/${id}/figure-consent`)).body).toEqual({
        organisationId: riga.org.id,
        showFigures: true,
      });
      // The page shows what the server now leaves: Latvia's figure is Riga's alone, Riga's to show.
      const shown = await aggregateOf(riga);
      const countries = rowsOf(person, 'aggregate.breakdown.byCountry');
      const latvia = shown.aggregate.byCountry.findIndex((c) => c.country === 'LV');
      expect(shown.aggregate.byCountry[latvia]!.withheld).toBe(false);
      expect(await plainText(countries.nth(latvia))).toContain(money('en', perBuyer.get(riga.org.id)!));
      for (const [i, c] of shown.aggregate.byCountry.entries()) {
        const row = await plainText(countries.nth(i));
        expect(row).toContain(c.withheld ? withheldLabel(t, c.withheldReason) : money('en', Number(c.valueEur)));
      }
      await person.visit('figures shown with consent', 'consent-given');

      await panel.getByRole('button', { name: t('aggregate.figureConsent.withdrawOpen') }).click();
      await panel.getByText(t('aggregate.figureConsent.withdrawConsequence')).waitFor();
      await panel.getByRole('button', { name: t('aggregate.figureConsent.withdrawConfirm') }).click();
      await person.status(t('aggregate.figureConsent.savedProtected')).waitFor();
      expect(await plainText(page.getByTestId('figure-consent-state'))).toBe(t('aggregate.figureConsent.protected'));
      expect(ok(await riga.api.get(`/api/statements/${id}/figure-consent`)).body.showFigures).toBe(false);
      const protectedAgain = await aggregateOf(riga);
      for (const [i, c] of protectedAgain.aggregate.byCountry.entries()) {
        const row = await plainText(countries.nth(i));
        expect(row).toContain(c.withheld ? withheldLabel(t, c.withheldReason) : money('en', Number(c.valueEur)));
      }
      expect(protectedAgain.aggregate.byCountry.every((c) => c.withheld)).toBe(true);
      await person.visit('figures protected again', 'consent-withdrawn');
    } finally {
      await person.close();
    }
  });

  it('shows a visitor the published statement without any single buyer’s figures, naming only those that agreed, in English, French and German', async () => {
    await publish(h, id, lead, [lead, oslo, riga]);
    const anonymous = new ApiClient(h.baseUrl);
    const statement = ok(await anonymous.get(`/api/public/statements/${id}`)).body as Published;
    expect(statement.signatories.map((s) => s.name).sort()).toEqual([lead.org.name, oslo.org.name].sort());
    expect(statement.unnamedSignatories).toBe(1);
    // Single-buyer figures: each buyer's total, and the buses only Oslo buys.
    const secrets = [...perBuyer.values(), 500_000];

    for (const locale of locales) {
      const visitor = await Person.open(browser, h, {
        name: `visitor (${locale})`,
        email: `visitor-${locale}@example.test`,
        locale,
        viewport: locale === 'de' ? 'phone' : 'desktop',
        shots,
      });
      try {
        const { page, t } = visitor;
        await page.goto(`/published/${id}`);
        await visitor.heading(statement.title).waitFor();
        const named = page.getByTestId('named-signatories');
        for (const s of statement.signatories) await named.getByRole('listitem').filter({ hasText: s.name }).waitFor();
        expect(await plainText(page.getByTestId('unnamed-signatories'))).toBe(
          plain(t('public.published.unnamedOthers', { count: 1 })),
        );
        const text = await plainText(page.locator('main'));
        expect(text).not.toContain(riga.org.name);
        expect(text).not.toMatch(/\bnull\b|\bNaN\b|\bundefined\b/);
        for (const amount of secrets)
          for (const s of amountSpellings(locale, amount))
            expect(text, `a single buyer's figure as "${s}"`).not.toContain(s);

        const demand = statement.demand;
        const total = await plainText(page.getByTestId('public-total-value'));
        expect(total).toBe(
          demand.totals.withheld
            ? withheldLabel(t, demand.totals.withheldReason)
            : money(locale, Number(demand.totals.valueEur)),
        );
        const rows = page.getByTestId('public-by-country').locator('tbody tr');
        expect(await rows.count()).toBe(demand.byCountry.length);
        for (const [i, c] of demand.byCountry.entries()) {
          expect(c.withheld, `country ${c.country} is one buyer's`).toBe(true);
          expect(await plainText(rows.nth(i))).toContain(withheldLabel(t, c.withheldReason));
        }
        expect(await page.getByTestId('withheld-explanation').count()).toBe(1);
        await visitor.visit('published statement with withheld figures', `published-${locale}`);
      } finally {
        await visitor.close();
      }
    }
  });
});
