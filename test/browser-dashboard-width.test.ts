import { randomUUID } from 'node:crypto';

import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { launchBrowser, signInWithMail } from './support/browser.js';
import { type Harness, makeActor, makeUser, startHarness, statementDetails } from './support/harness.js';
import { Person, requireWebBuild } from './support/journey.js';
import type { WebLocale } from './support/web-i18n.js';

/**
 * Issue 19 saw the Commission dashboard's table of pilots cut off on a 1366 px laptop screen:
 * columns sat beyond the right edge with nothing saying so. At 1366 × 768, in English and in
 * German (the longest words), every column of the table is inside the page, and the page does
 * not scroll sideways, even with a long title and a long organisation name in the rows.
 */
describe.each<WebLocale>(['en', 'de'])('the dashboard on a 1366 px screen (%s)', (locale) => {
  let h: Harness;
  let browser: Browser;
  let staff: Person;
  const tag = randomUUID().slice(0, 6);

  beforeAll(async () => {
    requireWebBuild();
    h = await startHarness({ freshDatabase: true });
    browser = await launchBrowser();
    const lead = await makeActor(
      h,
      { kind: 'buyer', name: `Landeshauptstadt Düsseldorf Amt für Gebäudemanagement ${tag}`, country: 'DE' },
      { label: 'lead' },
    );
    await lead.api.post(
      '/api/statements',
      statementDetails({
        title: `Gemeinsame Beschaffung emissionsfreier Baumaschinen für kommunale Baustellen ${tag}`,
      }),
    );
    await lead.api.post('/api/statements', statementDetails({ title: `School meals ${tag}` }));
    const commission = await makeActor(h, { kind: 'commission', name: `DG GROW ${tag}`, country: 'BE' });
    const user = await makeUser(h, commission.org.id, {
      label: `Claire Staff ${tag}`,
      email: `staff-width-${tag}@commission.test`,
      locale,
    });
    staff = await Person.open(browser, h, {
      name: 'Commission staff',
      email: user.email,
      locale,
      shots: { prefix: `dashboard-width-${locale}`, n: 0 },
    });
    await staff.page.setViewportSize({ width: 1366, height: 768 });
    await signInWithMail(staff.page, h, user.email, { locale });
  }, 180_000);

  afterAll(async () => {
    await staff?.close();
    await browser?.close();
    await h?.close();
  });

  it('shows every column of the pilots table inside the page', async () => {
    await staff.page.goto(`${h.baseUrl}/dashboard`);
    const table = staff.page.getByTestId('pilot-table');
    await table.waitFor();
    await staff.page.getByText(`School meals ${tag}`).first().waitFor();
    // A string, not a function: the test files are compiled without the DOM's types.
    const layout = (await staff.page.evaluate(`({
      cells: [...document.querySelectorAll('[data-testid="pilot-table"] thead th')].map((th) => ({
        name: th.textContent.trim(),
        right: Math.round(th.getBoundingClientRect().right),
      })),
      viewport: window.innerWidth,
      // The table may sit in a region that scrolls sideways: a column past its edge is hidden.
      edge: Math.round(document.querySelector('[data-testid="pilot-table"]').parentElement.getBoundingClientRect().right),
      page: document.documentElement.scrollWidth,
    })`)) as { cells: { name: string; right: number }[]; viewport: number; edge: number; page: number };
    expect(layout.cells.length, 'columns').toBeGreaterThanOrEqual(5);
    const outside = layout.cells.filter((c) => c.right > Math.min(layout.viewport, layout.edge));
    expect(outside, `columns beyond the right edge of a ${layout.viewport} px window`).toEqual([]);
    expect(layout.page, 'the page scrolls sideways').toBeLessThanOrEqual(layout.viewport);
    await staff.visit('dashboard at 1366 px', 'dashboard-1366');
  });
});
