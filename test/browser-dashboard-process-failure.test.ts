import { randomUUID } from 'node:crypto';

import { sql } from 'kysely';
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { launchBrowser, signInWithMail } from './support/browser.js';
import { type Harness, makeActor, makeUser, startHarness, statementDetails, until } from './support/harness.js';
import { Person, plain, plainText, requireWebBuild } from './support/journey.js';

type Actor = Awaited<ReturnType<typeof makeActor>>;

/**
 * A process failure on the dashboard, in Chromium: a database rule refuses the stage change at a
 * deadline (as in test/workflow-failures.test.ts), the workflow records it, and Commission staff
 * read "Stuck: process failure — moving on from Needs assessment" beside the pilot in the table and
 * on its page (English and German), without the live process being asked for the table. A database
 * of its own: the totals are this file's.
 */
describe('a process failure on the dashboard, in a browser', () => {
  let h: Harness;
  let browser: Browser;
  let commission: Actor;
  let stuckId = '';
  let title = '';
  const tag = randomUUID().slice(0, 6);
  let dropRule = async () => {};

  beforeAll(async () => {
    requireWebBuild();
    h = await startHarness({ freshDatabase: true });
    browser = await launchBrowser();
    commission = await makeActor(h, { kind: 'commission', name: `DG GROW ${tag}`, country: 'BE' });
    const lead = await makeActor(h, { kind: 'buyer', name: `Helsinki ${tag}`, country: 'FI' });
    const oslo = await makeActor(h, { kind: 'buyer', name: `Oslo ${tag}`, country: 'NO' });
    title = `Electric buses ${tag}`;
    stuckId = (await lead.api.post('/api/statements', statementDetails({ title }))).body.id as string;
    expect(
      (await lead.api.post(`/api/statements/${stuckId}/invitations`, { organisationIds: [oslo.org.id] })).status,
    ).toBe(200);
    expect((await oslo.api.post(`/api/statements/${stuckId}/invitation/accept`)).status).toBe(200);
    const name = `jd_test_pfb_${stuckId.replace(/-/g, '').slice(0, 12)}`;
    await sql
      .raw(
        `create function ${name}() returns trigger language plpgsql as $$ begin
           if new.id = '${stuckId}' and new.stage = 'confirmation' then
             raise exception 'refused by a test rule' using errcode = 'check_violation', constraint = '${name}';
           end if;
           return new;
         end $$;
         create trigger ${name} before update on statements for each row execute function ${name}();`,
      )
      .execute(h.db);
    dropRule = async () => {
      await sql.raw(`drop trigger if exists ${name} on statements; drop function if exists ${name}();`).execute(h.db);
    };
    expect(
      (
        await lead.api.post(`/api/statements/${stuckId}/needs-assessment/open`, {
          deadline: new Date(Date.now() + 3000).toISOString(),
        })
      ).status,
    ).toBe(200);
    await until(
      () => commission.api.get('/api/dashboard?stuck=true'),
      (r) => r.body?.matching === 1,
      60_000,
      'the failure on the dashboard',
    );
  }, 120_000);

  afterAll(async () => {
    await dropRule();
    await browser?.close();
    await h?.close();
  });

  for (const locale of ['en', 'de'] as const) {
    it(`says which step failed beside the stuck pilot, in the table and on its page (${locale})`, async () => {
      const email = `staff-${locale}-${tag}@commission.test`;
      await makeUser(h, commission.org.id, { email, locale, label: `Claire Staff ${locale} ${tag}` });
      const staff = await Person.open(browser, h, {
        name: `Commission staff (${locale})`,
        email,
        locale,
        viewport: 'desktop',
        shots: { prefix: `dashboard-process-failure-${locale}`, n: 0 },
      });
      await signInWithMail(staff.page, h, email, { locale });
      const { page, t } = staff;
      try {
        const flag = plain(
          t('dashboard.stuck.flag', {
            reasons: t('dashboard.stuck.withStep', {
              reason: t('dashboard.stuck.reason.process_failure'),
              step: t('dashboard.stuck.failedStep.stage_changed', { stage: t('stage.needs_assessment') }),
            }),
          }),
        );
        await page.goto('/dashboard?stuck=true');
        const table = page.getByTestId('pilot-table');
        await expect.poll(() => plainText(table)).toContain(title);
        expect(await plainText(table)).toContain(flag);
        expect(await plainText(page.getByTestId('dashboard-total-stuck'))).toBe('1');
        await staff.visit('dashboard, a process failure', 'dashboard');

        await page.getByRole('link', { name: title }).click();
        await staff.heading(title).waitFor();
        const notice = page.getByTestId('stuck-notice');
        await notice.waitFor();
        expect(await plainText(notice)).toContain(flag);
        expect(await plainText(notice)).toContain(plain(t('dashboard.stuck.actor.lead')));
        await staff.visit('pilot with a process failure', 'pilot');
      } finally {
        await staff.close();
      }
    });
  }
});
