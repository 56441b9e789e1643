import type { Page } from 'playwright-core';

import { axeCheck, launch, newContext, screenshot, signIn } from './browser';

/**
 * A click-through of today's journey against a running product (`bin/dev.ts`): sign in,
 * create a statement (with a failed submission first), invite, accept and decline as other
 * buyers, open the needs assessment, cancel, a stale page's 409, French, and phone-sized
 * screens. Every page is checked with axe-core and kept as a screenshot.
 *
 *   BASE_URL=http://localhost:3100 node --import tsx web/e2e-helpers/walkthrough.ts
 */
const problems: string[] = [];
const shots: string[] = [];

function expect(condition: boolean, what: string) {
  if (!condition) problems.push(what);
  console.log(`${condition ? 'ok  ' : 'FAIL'} ${what}`);
}

async function check(page: Page, name: string) {
  const violations = await axeCheck(page);
  for (const v of violations)
    problems.push(
      `${name}: axe ${v.impact} ${v.id} (${v.help}) at ${v.nodes.map((n) => n.target.join(' ')).join(', ')}`,
    );
  console.log(
    `axe ${name}: ${violations.length === 0 ? 'no serious or critical violations' : violations.map((v) => v.id).join(', ')}`,
  );
  shots.push(await screenshot(page, name));
  // On a phone, the first screen as well, at full resolution.
  if (name.startsWith('phone-')) shots.push(await screenshot(page, `${name}-top`, { fullPage: false }));
}

const focusedText = (page: Page) =>
  page.evaluate(
    'document.activeElement ? (document.activeElement.getAttribute("role") ?? "") + "|" + document.activeElement.textContent : ""',
  ) as Promise<string>;

async function main() {
  const browser = await launch();
  try {
    const title = `Electric road rollers ${Date.now()}`;

    // Lead buyer, desktop.
    const lead = await (await newContext(browser)).newPage();
    await lead.goto('/sign-in');
    await lead.getByRole('heading', { level: 1, name: 'Sign in' }).waitFor();
    await check(lead, 'desktop-01-sign-in');
    await lead.getByRole('button', { name: 'Send me a sign-in link' }).click();
    expect((await focusedText(lead)).startsWith('alert|'), 'an empty sign-in form focuses the alert');
    await check(lead, 'desktop-02-sign-in-error');

    await signIn(lead, 'lead@helsinki.example');
    await lead.getByRole('heading', { level: 1, name: 'Joint statements' }).waitFor();
    expect(
      (await lead.getByTestId('current-organisation').textContent()) === 'City of Helsinki',
      'the header names the organisation',
    );
    await check(lead, 'desktop-03-statements');

    await lead.getByRole('link', { name: 'Create a statement' }).click();
    await lead.getByRole('heading', { level: 1, name: 'Create a joint statement' }).waitFor();
    expect((await focusedText(lead)).includes('Create a joint statement'), 'navigation focuses the new page heading');
    await check(lead, 'desktop-04-create');
    await lead.getByLabel('CPV code 1').fill('4500');
    await lead.getByRole('button', { name: 'Create the draft statement' }).click();
    await lead.getByRole('alert').filter({ hasText: 'Some information needs correcting' }).waitFor();
    expect((await focusedText(lead)).startsWith('alert|'), 'a failed submission focuses the error summary');
    expect((await lead.getByLabel('Title').getAttribute('aria-invalid')) === 'true', 'the title is marked invalid');
    expect(
      ((await lead.getByLabel('Title').getAttribute('aria-describedby')) ?? '').includes('f-title-error'),
      'the title error is tied to the field with aria-describedby',
    );
    await check(lead, 'desktop-05-create-errors');

    await lead.getByLabel('Title').fill(title);
    await lead
      .getByLabel('Description')
      .fill('Battery-electric road rollers for street works in the participating cities.\nDelivery from next year.');
    await lead.getByLabel('CPV code 1').fill('43000000-3');
    await lead.getByRole('button', { name: 'Add a CPV code' }).click();
    expect((await lead.evaluate('document.activeElement?.id')) === 'f-cpvCodes-1', 'adding a CPV row focuses it');
    await lead.getByLabel('CPV code 2').fill('34144900');
    await lead.getByLabel('Expected start of the procurement').fill('2027-03-01');
    await lead.getByLabel('Minimum number of buyers').fill('3');
    await lead.getByLabel('Minimum total value (EUR)').fill('1500000');
    await lead.getByRole('button', { name: 'Add a quantity rule' }).click();
    await lead.getByLabel('Unit code').fill('C62');
    await lead.getByLabel('Minimum quantity').fill('40');
    await lead.getByRole('button', { name: 'Create the draft statement' }).click();
    await lead.getByRole('heading', { level: 1, name: title }).waitFor();
    const statementUrl = lead.url();
    expect(/\/statements\/[0-9a-f-]{36}$/.test(statementUrl), 'the new statement has its page');
    await lead.getByRole('status').filter({ hasText: 'created as a draft' }).waitFor();
    await check(lead, 'desktop-06-statement-draft');

    // Invite two buyers.
    await lead.getByLabel('Organisation name').fill('City of');
    await lead.getByRole('checkbox', { name: /City of Oslo/ }).check();
    await lead.getByRole('checkbox', { name: /City of Copenhagen/ }).check();
    await lead.getByRole('button', { name: 'Invite 2 organisations' }).click();
    await lead.getByRole('status').filter({ hasText: 'Invited 2 organisations' }).waitFor();
    await lead.getByRole('cell', { name: 'Invited' }).first().waitFor();
    await check(lead, 'desktop-07-invited');

    // Oslo accepts, Copenhagen declines.
    const oslo = await (await newContext(browser)).newPage();
    await signIn(oslo, 'buyer@oslo.example');
    await oslo.goto(statementUrl);
    await oslo.getByRole('heading', { name: 'Answer the invitation' }).waitFor();
    await check(oslo, 'desktop-08-invited-buyer');
    await oslo.getByRole('button', { name: 'Accept the invitation' }).click();
    await oslo.getByRole('status').filter({ hasText: 'You have accepted' }).waitFor();
    expect((await focusedText(oslo)).includes('You have accepted'), 'the result of an action takes the focus');
    await check(oslo, 'desktop-09-accepted');

    const copenhagen = await (await newContext(browser)).newPage();
    await signIn(copenhagen, 'buyer@copenhagen.example');
    await copenhagen.goto(statementUrl);
    await copenhagen.getByRole('button', { name: 'Decline the invitation' }).click();
    await copenhagen.getByLabel(/Reason for declining/).fill('No budget for this in 2027.');
    await copenhagen.getByRole('button', { name: 'Decline', exact: true }).click();
    await copenhagen.getByRole('status').filter({ hasText: 'You have declined' }).waitFor();

    // A second tab of the lead, left stale, to see a 409 later.
    const stale = await lead.context().newPage();
    await stale.goto(statementUrl);
    await stale.getByRole('heading', { name: 'Open the needs assessment' }).waitFor();

    // Lead: open the needs assessment, then cancel.
    await lead.reload();
    await lead.getByRole('cell', { name: 'Declined' }).waitFor();
    await lead.getByRole('button', { name: 'Open the needs assessment' }).click();
    await lead.getByRole('status').filter({ hasText: 'The needs assessment is open' }).waitFor();
    expect(
      (await lead.locator('[aria-current="step"]').textContent())?.includes('Needs assessment') === true,
      'the stepper shows needs assessment',
    );
    await check(lead, 'desktop-10-needs-assessment');

    await stale.getByRole('button', { name: 'Open the needs assessment' }).click();
    await stale.getByRole('alert').filter({ hasText: 'Not possible at this stage' }).waitFor();
    expect(true, 'a stale page shows the 409 (wrong stage) clearly');
    await check(stale, 'desktop-11-conflict');

    await lead.getByRole('button', { name: 'Cancel this statement…' }).click();
    await lead.getByRole('button', { name: 'Cancel the statement' }).click();
    await lead.getByText('Give a reason of at least 3 characters').first().waitFor();
    await lead.getByLabel(/Reason for cancelling/).fill('The market dialogue moved to another programme.');
    await lead.getByRole('button', { name: 'Cancel the statement' }).click();
    await lead.getByRole('status').filter({ hasText: 'The statement has been cancelled' }).waitFor();
    await lead.getByRole('heading', { name: 'This statement has been cancelled' }).waitFor();
    await check(lead, 'desktop-12-cancelled');

    // French, switched on the page and saved to the account.
    await lead.getByLabel('Language').selectOption('fr');
    await lead.getByRole('heading', { name: 'Ce que vous pouvez faire' }).waitFor();
    expect((await lead.evaluate('document.documentElement.lang')) === 'fr', '<html lang> follows the language');
    await check(lead, 'desktop-13-statement-fr');
    await lead.goto('/statements');
    await lead.getByRole('heading', { level: 1, name: 'Déclarations communes' }).waitFor();
    await check(lead, 'desktop-14-statements-fr');
    await lead.getByLabel('Langue').selectOption('de');
    await lead.getByRole('heading', { level: 1, name: 'Gemeinsame Erklärungen' }).waitFor();
    await lead.goto('/statements/new');
    await lead.getByRole('heading', { level: 1, name: 'Gemeinsame Erklärung anlegen' }).waitFor();
    await check(lead, 'desktop-15-create-de');
    await lead.getByLabel('Sprache').selectOption('en');
    await lead.getByRole('heading', { level: 1, name: 'Create a joint statement' }).waitFor();

    // Phone-sized screen.
    const phone = await (await newContext(browser, 'phone')).newPage();
    await phone.goto('/sign-in');
    await phone.getByRole('heading', { level: 1 }).waitFor();
    await check(phone, 'phone-01-sign-in');
    await signIn(phone, 'lead@helsinki.example');
    await phone.getByRole('heading', { level: 1, name: 'Joint statements' }).waitFor();
    await check(phone, 'phone-02-statements');
    const width = (await phone.evaluate('document.documentElement.scrollWidth')) as number;
    expect(width <= 375, `no horizontal scrolling at 375 px (scroll width ${width})`);
    await phone.goto('/statements/new');
    await phone.getByRole('heading', { level: 1, name: 'Create a joint statement' }).waitFor();
    await check(phone, 'phone-03-create');
    await phone.goto(statementUrl);
    await phone.getByRole('heading', { level: 1, name: title }).waitFor();
    await check(phone, 'phone-04-statement');
    const demo = phone.getByRole('link', { name: 'Statements' });
    await demo.first().click();
    await phone.getByRole('link', { name: 'Zero-emission construction machinery' }).first().click();
    await phone.getByRole('heading', { level: 1, name: 'Zero-emission construction machinery' }).waitFor();
    await check(phone, 'phone-05-statement-demo');

    // Sign out.
    await phone.getByRole('button', { name: 'Sign out' }).click();
    await phone.getByRole('status').filter({ hasText: 'You have signed out' }).waitFor();
    expect(true, 'sign out returns to the sign-in page');

    await lead.goto('/no/such/page');
    await lead.getByRole('heading', { level: 1, name: 'Page not found' }).waitFor();
    await check(lead, 'desktop-16-not-found');
  } catch (error) {
    // Keep what every open page showed when the walkthrough stopped.
    const pages = browser.contexts().flatMap((c) => c.pages());
    for (const [i, page] of pages.entries())
      shots.push(await screenshot(page, `failure-${i + 1}`).catch(() => `failure-${i + 1} (none)`));
    console.error(`Stopped: ${error instanceof Error ? error.message : String(error)}\n${shots.join('\n')}`);
    throw error;
  } finally {
    await browser.close();
  }
  console.log(`\nScreenshots:\n${shots.join('\n')}`);
  if (problems.length > 0) {
    console.error(`\n${problems.length} problem(s):\n${problems.join('\n')}`);
    process.exitCode = 1;
  } else {
    console.log('\nAll checks passed.');
  }
}

await main();
