import { sql } from 'kysely';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { describedBy, launchBrowser, signInWithMail } from './support/browser.js';
import { type Harness, makeOrganisation, makeUser, startHarness } from './support/harness.js';
import { chooseSuggestion, Person, requireWebBuild } from './support/journey.js';
import type { WebLocale } from './support/web-i18n.js';

/**
 * The web forms hold text to the same policy as the API (rules/text-policy.ts), before anything
 * is sent: a NUL or a bidirectional override typed into the statement form's title, or a NUL in
 * a supplier's organisation name, shows the rule beside the field, in the person's language, and
 * no request leaves the browser; the fields stop at the server's length limits.
 */
describe.each<WebLocale>(['en', 'de'])('the text policy in the web forms (%s)', (locale) => {
  let h: Harness;
  let browser: Browser;
  let lead: Person;
  const shots = { prefix: `text-policy-${locale}`, n: 0 };
  let leadOrgId: string;
  // This lead's statements only: other test files create statements in the same database meanwhile.
  const statements = async () =>
    Number(
      (await sql<{ n: string }>`select count(*) as n from statements where lead_org_id = ${leadOrgId}`.execute(h.db))
        .rows[0]!.n,
    );

  /** Every request the page sends to an API route that writes. */
  const writes: string[] = [];
  const watchWrites = (page: Page) =>
    page.on('request', (request) => {
      if (request.method() !== 'GET' && new URL(request.url()).pathname.startsWith('/api/'))
        writes.push(`${request.method()} ${new URL(request.url()).pathname}`);
    });

  beforeAll(async () => {
    requireWebBuild();
    h = await startHarness();
    browser = await launchBrowser();
    const org = await makeOrganisation(h, { kind: 'buyer', name: `City of Espoo ${locale}`, country: 'FI' });
    leadOrgId = org.id;
    const user = await makeUser(h, org.id, {
      label: `lead-${locale}`,
      email: `text-policy-${locale}-${org.id.slice(0, 6)}@espoo.test`,
      locale,
    });
    lead = await Person.open(browser, h, { name: 'lead', email: user.email, locale, shots });
    await signInWithMail(lead.page, h, user.email, { locale });
    watchWrites(lead.page);
  });

  afterAll(async () => {
    await browser?.close();
    await h?.close();
  });

  it('shows the rule beside the title for a NUL or a bidi override, and sends nothing', async () => {
    const { page, t } = lead;
    await page.goto('/statements/new');
    await lead.heading(t('createStatement.title')).waitFor();
    const title = page.getByLabel(t('statementForm.title'), { exact: true });
    const description = page.getByLabel(t('statementForm.description'), { exact: true });
    await description.fill('Electric excavators for city construction sites.');
    const before = await statements();
    writes.length = 0;

    for (const [typed, rule] of [
      ['Excavators\u0000 for Espoo', t('form.text.noControls')],
      ['Excavators \u202Efor Espoo', t('form.text.noBidiControls')],
    ] as const) {
      await title.fill(typed);
      await page.getByRole('button', { name: t('createStatement.submit') }).click();
      await page
        .getByRole('alert')
        .filter({ hasText: t('problem.invalid_input.title') })
        .waitFor();
      expect(await title.getAttribute('aria-invalid')).toBe('true');
      await expect.poll(() => describedBy(title)).toContain(rule);
      await lead.visit(`create a statement, ${rule}`, 'title-rule');
    }
    expect(writes).toEqual([]);
    expect(await statements()).toBe(before);
  });

  it('stops the title and the description at the server’s limits', async () => {
    const { page, t } = lead;
    const title = page.getByLabel(t('statementForm.title'), { exact: true });
    expect(await title.getAttribute('maxlength')).toBe('200');
    await title.fill('x'.repeat(260));
    expect((await title.inputValue()).length).toBe(200);
    const description = page.getByLabel(t('statementForm.description'), { exact: true });
    expect(await description.getAttribute('maxlength')).toBe('20000');
  });

  it('shows the rule beside a supplier’s organisation name with a NUL, and sends nothing', async () => {
    const context = await browser.newContext({
      baseURL: h.baseUrl,
      locale: { en: 'en-GB', fr: 'fr-FR', de: 'de-DE' }[locale],
    });
    const page = await context.newPage();
    watchWrites(page);
    writes.length = 0;
    const t = lead.t;
    await page.goto('/register');
    await page.getByRole('heading', { level: 1, name: t('supplier.register.title') }).waitFor();
    const name = page.getByLabel(t('supplier.register.organisation'), { exact: true });
    expect(await name.getAttribute('maxlength')).toBe('200');
    await name.fill('Loaders\u0000 Oy');
    await page.getByLabel(t('supplier.register.country'), { exact: true }).selectOption('FI');
    await page.getByLabel(t('supplier.register.name'), { exact: true }).fill('Pekka Niemi');
    await page.getByLabel(t('signIn.email'), { exact: true }).fill(`loaders-${locale}@example.test`);
    await page.getByRole('button', { name: t('supplier.register.submit') }).click();
    await expect.poll(() => describedBy(name)).toContain(t('form.text.noControls'));
    expect(writes).toEqual([]);
    await context.close();
  });

  it('sends the form once the text keeps the rules, and the statement is created with the title as typed', async () => {
    const { page, t } = lead;
    const year = new Date().getUTCFullYear();
    const before = await statements();
    writes.length = 0;
    await page.getByLabel(t('statementForm.title'), { exact: true }).fill('Excavators for Espoo');
    await chooseSuggestion(page.getByLabel(t('statementForm.cpvCode', { n: 1 })), '4326', /43260000-3/);
    await page.getByLabel(t('statementForm.deliveryFromYear')).fill(String(year + 1));
    await page.getByLabel(t('statementForm.deliveryToYear')).fill(String(year + 2));
    await page.getByLabel(t('statementForm.expectedProcurementStart')).fill(`${year + 1}-03-01`);
    await page.getByRole('button', { name: t('createStatement.submit') }).click();
    await lead.heading('Excavators for Espoo').waitFor();
    expect(writes).toEqual(['POST /api/statements']);
    expect(await statements()).toBe(before + 1);
  });
});
