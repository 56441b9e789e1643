import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { appendAudit } from '../db/audit.js';
import { launchBrowser, signInWithMail } from './support/browser.js';
import { type Harness, makeActor, startHarness, statementDetails } from './support/harness.js';
import { Person, plainText, requireWebBuild } from './support/journey.js';
import type { WebLocale } from './support/web-i18n.js';

/**
 * The audit trail page in a browser (issue 22), in English and German: the lead reaches it from
 * the statement, reads the verification and the head it covers, pages back through the events,
 * and finds the downloads; an administrator's page says the nightly verification found nothing.
 */
describe.each<WebLocale>(['en', 'de'])('the audit trail page (%s)', (locale) => {
  let h: Harness;
  let browser: Browser;
  let lead: Person;
  let admin: Person;
  let id = '';
  const extra = 150;

  beforeAll(async () => {
    requireWebBuild();
    h = await startHarness();
    browser = await launchBrowser();
    const helsinki = await makeActor(
      h,
      { kind: 'buyer', name: 'City of Helsinki', country: 'FI' },
      { label: 'lead', locale },
    );
    id = (await helsinki.api.post('/api/statements', statementDetails())).body.id;
    await h.db.transaction().execute(async (trx) => {
      for (let i = 0; i < extra; i++) {
        await appendAudit(trx, {
          chain: id,
          eventKey: null,
          statementId: id,
          actorUserId: helsinki.user.id,
          actorOrgId: helsinki.org.id,
          action: 'needs_draft_saved',
          data: { lines: i },
          at: new Date(),
        });
      }
    });
    lead = await Person.open(browser, h, {
      name: 'Lead buyer',
      email: helsinki.user.email,
      locale,
      shots: { prefix: `audit-${locale}`, n: 0 },
    });
    await signInWithMail(lead.page, h, helsinki.user.email, { locale });
    const ops = await makeActor(
      h,
      { kind: 'operator', name: 'Operations', country: 'BE' },
      { label: 'ops', isAdmin: true, locale },
    );
    admin = await Person.open(browser, h, {
      name: 'Administrator',
      email: ops.user.email,
      locale,
      shots: { prefix: `audit-admin-${locale}`, n: 0 },
    });
    await signInWithMail(admin.page, h, ops.user.email, { locale });
  }, 180_000);

  afterAll(async () => {
    await lead?.close();
    await admin?.close();
    await browser?.close();
    await h?.close();
  });

  it('shows the verified trail a page at a time, with the downloads', async () => {
    const t = lead.t;
    const total = extra + 1;
    await lead.page.goto(`/statements/${id}`);
    await lead.page.getByRole('link', { name: t('audit.link') }).click();
    await lead.heading(t('audit.title')).waitFor();
    await lead.status(t('audit.valid', { count: total })).waitFor();
    const rows = lead.page.getByTestId('audit-events').locator('tbody tr');
    await expect.poll(() => rows.count()).toBe(100);
    expect(await plainText(rows.first())).toContain(String(total));
    await lead.visit('audit trail', 'audit');
    await lead.page.getByRole('button', { name: t('audit.older') }).click();
    await expect.poll(() => rows.count()).toBe(total);
    expect(await plainText(rows.last())).toContain('statement_created');
    expect(await lead.page.getByRole('button', { name: t('audit.older') }).count()).toBe(0);
    expect(await lead.page.getByRole('link', { name: t('audit.downloadJsonl') }).getAttribute('href')).toBe(
      `/api/statements/${id}/audit.jsonl`,
    );
    expect(await lead.page.getByRole('link', { name: t('audit.downloadCsv') }).getAttribute('href')).toBe(
      `/api/statements/${id}/audit.csv`,
    );
  });

  it('tells an administrator the nightly verification found nothing', async () => {
    const t = admin.t;
    await admin.page.goto('/admin/audit');
    await admin.heading(t('audit.adminTitle')).waitFor();
    await admin.page.getByText(t('audit.noAlerts')).waitFor();
    await admin.page.getByTestId('audit-events').waitFor();
    await admin.visit('audit administration', 'audit-admin');
  });
});
