import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { z } from 'zod';

import type { publicDemandSchema } from '../domain/public-contracts.js';
import { unitNameFor } from '../rules/unit-names.js';
import { launchBrowser, signInWithMail } from './support/browser.js';
import {
  ApiClient,
  type Harness,
  makeActor,
  makeOrganisation,
  makeUser,
  needLine,
  startHarness,
} from './support/harness.js';
import { money, Person, plain, plainText, requireWebBuild } from './support/journey.js';
import { publish, statementInMarketEngagement } from './support/published-statement.js';
import { type WebLocale, webT } from './support/web-i18n.js';

type Actor = Awaited<ReturnType<typeof makeActor>>;
type Demand = z.infer<typeof publicDemandSchema>;
type Reason = Demand['totals']['withheldReason'];

/** What a withheld figure says, as the web application words it in `t`'s language. */
function withheldLabel(t: ReturnType<typeof webT>, reason: Reason): string {
  if (reason === 'fewer-buyers') return plain(t('disclosure.withheld.fewerBuyers', { min: '3' }));
  if (reason === 'dominance') return plain(t('disclosure.withheld.dominance'));
  if (reason === 'complementary') return plain(t('disclosure.withheld.complementary'));
  return plain(t('disclosure.withheld.protected'));
}

/** "12 pieces" as the page writes it in `locale`. */
const quantityText = (locale: WebLocale, amount: string, unit: string) =>
  plain(`${new Intl.NumberFormat(locale).format(Number(amount))} ${unitNameFor(unit, amount, locale).text}`);

/**
 * The public demand panel (issue 19: "no quantities per CPV code or year"): an open
 * consultation's page and a published statement's page show the demand by CPV code (the tree the
 * API gives, with firm and total quantities per unit by name, buyers, value) and by year of
 * delivery, to an anonymous visitor and to a signed-in supplier, in English, French and German.
 * Three buyers buy excavators and electric vans; one alone also buys an electric bus (a code under
 * the vans'), so the bus's code is withheld (fewer than 3 buyers) and any other that would reveal it: those cells say so and show no number, and
 * the bus's value is nowhere on the page. Every page is checked with axe-core, for untranslated
 * text and, on a phone (375 px), for sideways scrolling.
 */
describe('the public demand by CPV code and by year of delivery in a browser', () => {
  let h: Harness;
  let browser: Browser;
  let consulting = '';
  let published = '';
  let supplierEmail = '';
  const shots = { prefix: 'public-demand', n: 0 };
  const busValue = 310_000;
  const ok = <T extends { status: number; body: unknown }>(res: T): T => {
    expect(res.status, JSON.stringify(res.body)).toBeLessThan(300);
    return res;
  };

  beforeAll(async () => {
    requireWebBuild();
    h = await startHarness();
    browser = await launchBrowser();
    const tag = Math.random().toString(36).slice(2, 8);
    const buyer = (name: string, country: string) =>
      makeActor(
        h,
        { kind: 'buyer', name: `${name} ${tag}`, country },
        { label: `${name}-${tag}`, roles: ['signatory'] },
      );
    const lead = await buyer('City of Turku', 'FI');
    const gdansk = await buyer('City of Gdansk', 'PL');
    const porto = await buyer('City of Porto', 'PT');
    const excavators = needLine({ quantity: '4', optionalQuantity: '1' });
    const van = (unitPrice: string) =>
      needLine({ cpvCode: '34144900', description: 'Electric van', quantity: '2', unit: 'H87', unitPrice });
    const bus = needLine({
      cpvCode: '34144910',
      description: 'Electric bus',
      quantity: '1',
      unitPrice: String(busValue),
    });
    const needs = (): [Actor, Record<string, unknown>[]][] => [
      [lead, [excavators, van('100000')]],
      [gdansk, [excavators, van('110000'), bus]],
      [porto, [excavators, van('120000')]],
    ];
    consulting = await statementInMarketEngagement(h, lead, needs());
    published = await statementInMarketEngagement(h, lead, needs());
    await publish(h, published, lead, [lead, gdansk, porto]);
    const org = await makeOrganisation(h, {
      kind: 'supplier',
      name: `Baltic Diggers ${tag}`,
      country: 'EE',
      sme: true,
    });
    supplierEmail = `diggers-${tag}@diggers.test`;
    await makeUser(h, org.id, { label: 'Dana Digger', email: supplierEmail, locale: 'en' });
  }, 300_000);

  afterAll(async () => {
    await browser?.close();
    await h?.close();
  });

  /** The page's CPV and year tables show what `demand` (the API's answer) shows, and nothing it withholds. */
  async function expectTables(person: Person, demand: Demand): Promise<void> {
    const { page, t, locale } = person;
    // Something to show and something withheld, or the test proves nothing.
    expect(demand.byCpv.some((n) => !n.withheld && (n.quantities ?? []).length > 0)).toBe(true);
    expect(demand.byCpv.some((n) => n.withheld)).toBe(true);
    const cpv = page.getByRole('region', { name: t('public.demand.byCpv') });
    const cpvRows = cpv.locator('tbody tr');
    await cpvRows.first().waitFor();
    // The CPV labels are the reader's language's (43260000's, in each language), once the list has answered.
    await cpv
      .getByText({ en: 'Mechanical shovels', fr: 'Pelles mécaniques', de: 'Löffelbagger' }[locale])
      .first()
      .waitFor();
    expect(await cpvRows.count()).toBe(demand.byCpv.length);
    for (const [i, n] of demand.byCpv.entries()) {
      const row = plain(await plainText(cpvRows.nth(i)));
      expect(row, 'code').toContain(n.cpvCode);
      const cells = cpvRows.nth(i).locator('td');
      if (n.withheld) {
        expect(await cells.count()).toBe(1);
        const cell = await plainText(cells.first());
        expect(cell).toBe(withheldLabel(t, n.withheldReason));
        expect(cell, 'a withheld cell shows no number').not.toMatch(/\d{2}/);
      } else {
        expect(await cells.count()).toBe(4);
        for (const q of n.quantities ?? []) {
          expect(await plainText(cells.nth(0))).toContain(quantityText(locale, q.firmQuantity, q.unit));
          expect(await plainText(cells.nth(1))).toContain(quantityText(locale, q.totalQuantity, q.unit));
        }
        expect(await plainText(cells.nth(2))).toBe(String(n.buyers));
        expect(await plainText(cells.nth(3))).toBe(money(locale, Number(n.valueEur)));
      }
    }
    const yearRows = page.getByRole('region', { name: t('public.demand.byYear') }).locator('tbody tr');
    expect(await yearRows.count()).toBe(demand.byDeliveryYear.length);
    expect(demand.byDeliveryYear.length).toBeGreaterThan(0);
    for (const [i, y] of demand.byDeliveryYear.entries()) {
      const row = await plainText(yearRows.nth(i));
      expect(row).toContain(String(y.year));
      if (y.withheld) expect(row).toContain(withheldLabel(t, y.withheldReason));
      else {
        const cells = yearRows.nth(i).locator('td');
        expect(await plainText(cells.nth(0))).toBe(String(y.buyers));
        expect(await plainText(cells.nth(1))).toBe(money(locale, Number(y.valueEur)));
      }
    }
    const text = await plainText(page.locator('main'));
    expect(text).not.toMatch(/\bnull\b|\bNaN\b|\bundefined\b/);
    for (const s of [money(locale, busValue), money('en', busValue), String(busValue)])
      expect(text, `the bus's value as "${s}"`).not.toContain(s);
    expect(await page.getByTestId('withheld-explanation').count()).toBe(1);
  }

  it.each<[WebLocale, 'desktop' | 'phone']>([
    ['en', 'desktop'],
    ['fr', 'phone'],
    ['de', 'desktop'],
  ])(
    'shows an anonymous visitor both tables on the consultation and the published page (%s, %s)',
    async (locale, viewport) => {
      const anonymous = new ApiClient(h.baseUrl);
      const consultation = ok(await anonymous.get(`/api/consultations/${consulting}`)).body as { demand: Demand };
      const statement = ok(await anonymous.get(`/api/public/statements/${published}`)).body as { demand: Demand };
      const visitor = await Person.open(browser, h, {
        name: `visitor (${locale})`,
        email: `visitor-${locale}@example.test`,
        locale,
        viewport,
        shots,
      });
      try {
        await visitor.page.goto(`/consultations/${consulting}`);
        await visitor.page.getByTestId('public-demand').waitFor();
        await expectTables(visitor, consultation.demand);
        await visitor.visit('consultation demand', `consultation-${locale}`);
        await visitor.page.goto(`/published/${published}`);
        await visitor.page.getByTestId('public-demand').waitFor();
        await expectTables(visitor, statement.demand);
        await visitor.visit('published demand', `published-${locale}`);
      } finally {
        await visitor.close();
      }
    },
  );

  it('shows a signed-in supplier the same tables', async () => {
    const anonymous = new ApiClient(h.baseUrl);
    const consultation = ok(await anonymous.get(`/api/consultations/${consulting}`)).body as { demand: Demand };
    const statement = ok(await anonymous.get(`/api/public/statements/${published}`)).body as { demand: Demand };
    const supplier = await Person.open(browser, h, { name: 'supplier', email: supplierEmail, locale: 'en', shots });
    try {
      await signInWithMail(supplier.page, h, supplierEmail, { locale: 'en' });
      await supplier.page.goto(`/consultations/${consulting}`);
      await supplier.page.getByTestId('public-demand').waitFor();
      await expectTables(supplier, consultation.demand);
      await supplier.visit('consultation demand, signed in');
      await supplier.page.goto(`/published/${published}`);
      await supplier.page.getByTestId('public-demand').waitFor();
      await expectTables(supplier, statement.demand);
      await supplier.visit('published demand, signed in');
    } finally {
      await supplier.close();
    }
  });
});
