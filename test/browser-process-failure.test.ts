import { sql } from 'kysely';
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { launchBrowser, signInWithMail } from './support/browser.js';
import { type Harness, makeActor, makeUser, startHarness, statementDetails, until } from './support/harness.js';
import { Person, plainText, requireWebBuild } from './support/journey.js';

type Actor = Awaited<ReturnType<typeof makeActor>>;

/**
 * A step the statement's process takes on its own fails for good (issue 14): at the needs
 * assessment's deadline the database refuses the move to confirmation (a trigger, as in
 * test/workflow-failures.test.ts). The lead sees it on the statement page in words, with the
 * step, the field and the ways out, repairs it with the existing close-stage control once the
 * cause is gone, and the alert goes; a participant sees nothing, and neither a participant nor
 * Commission staff receive the failure in any JSON view.
 */
describe('a failed process step, shown to the lead in a browser', () => {
  let h: Harness;
  let browser: Browser;
  let lead: Actor, participant: Actor, commission: Actor;
  let id: string;
  let trigger: string;
  const shots = { prefix: 'process-failure', n: 0 };
  const ok = <T extends { status: number; body: unknown }>(res: T): T => {
    expect(res.status, JSON.stringify(res.body)).toBeLessThan(300);
    return res;
  };
  const dropTrigger = () =>
    sql.raw(`drop trigger if exists ${trigger} on statements; drop function if exists ${trigger}();`).execute(h.db);

  beforeAll(async () => {
    requireWebBuild();
    h = await startHarness();
    browser = await launchBrowser();
    lead = await makeActor(h, { kind: 'buyer', name: 'City of Turku', country: 'FI' }, { label: 'pf-lead' });
    participant = await makeActor(
      h,
      { kind: 'buyer', name: 'City of Bergen', country: 'NO' },
      { label: 'pf-participant' },
    );
    commission = await makeActor(h, { kind: 'commission', name: 'DG GROW', country: 'BE' }, { label: 'pf-commission' });
    id = ok(await lead.api.post('/api/statements', statementDetails({ title: 'Electric street sweepers' }))).body
      .id as string;
    ok(await lead.api.post(`/api/statements/${id}/invitations`, { organisationIds: [participant.org.id] }));
    ok(await participant.api.post(`/api/statements/${id}/invitation/accept`));
    trigger = `jd_test_web_${id.replace(/-/g, '').slice(0, 12)}`;
    await sql
      .raw(
        `create function ${trigger}() returns trigger language plpgsql as $$ begin
           if new.id = '${id}' and new.stage = 'confirmation' then
             raise exception 'refused by a test rule' using errcode = 'check_violation', column = 'stage', constraint = '${trigger}';
           end if;
           return new;
         end $$;
         create trigger ${trigger} before update on statements for each row execute function ${trigger}();`,
      )
      .execute(h.db);
    ok(
      await lead.api.post(`/api/statements/${id}/needs-assessment/open`, {
        deadline: new Date(Date.now() + 3000).toISOString(),
      }),
    );
    await until(
      () => lead.api.get(`/api/statements/${id}/live`),
      (r) => r.body?.processFailure != null,
      30_000,
      'the failure recorded',
    );
  }, 120_000);

  afterAll(async () => {
    if (h && trigger) await dropTrigger();
    await browser?.close();
    await h?.close();
  });

  it('is withheld from a participant and Commission staff in every JSON view', async () => {
    for (const viewer of [participant, commission]) {
      const live = await viewer.api.get(`/api/statements/${id}/live`);
      if (live.status === 200) expect(live.body.processFailure).toBeNull();
      else expect(live.status).toBeGreaterThanOrEqual(400);
      for (const view of ['', '/live', '/needs-overview', '/audit', '/survey']) {
        const res = await viewer.api.get(`/api/statements/${id}${view}`);
        const text = JSON.stringify(res.body ?? '');
        expect(text, `${view} as ${viewer.org.name}`).not.toContain('refused by a test rule');
        expect(text, `${view} as ${viewer.org.name}`).not.toContain(trigger);
        expect(text).not.toMatch(/"processFailure":\{/);
      }
    }
    // The lead's own statement view carries no failure either: it is the workflow's, read from /live.
    expect(ok(await lead.api.get(`/api/statements/${id}`)).body).not.toHaveProperty('processFailure');
  });

  it('shows a participant no alert', { timeout: 120_000 }, async () => {
    const person = await Person.open(browser, h, {
      name: participant.org.name,
      email: participant.user.email,
      locale: 'en',
      shots,
    });
    try {
      const { page, t } = person;
      await signInWithMail(page, h, person.email);
      await page.goto(`/statements/${id}`);
      await person.heading('Electric street sweepers').waitFor();
      await page.getByRole('heading', { name: t('participants.title') }).waitFor();
      expect(await page.getByRole('region', { name: t('processFailure.title') }).count()).toBe(0);
      expect(await page.getByTestId('process-failure').count()).toBe(0);
      await person.visit('statement page, no alert for a participant', 'participant');
    } finally {
      await person.close();
    }
  });

  it('shows an administrator the failed step with the cancel control only', { timeout: 120_000 }, async () => {
    const admin = await makeActor(h, { kind: 'operator', country: 'BE' }, { label: 'pf-admin', isAdmin: true });
    const person = await Person.open(browser, h, { name: 'Operator', email: admin.user.email, locale: 'en', shots });
    try {
      const { page, t } = person;
      await signInWithMail(page, h, person.email);
      await page.goto(`/statements/${id}`);
      const alert = page.getByRole('region', { name: t('processFailure.title') });
      await alert.waitFor();
      await alert.getByRole('link', { name: t('processFailure.actions.cancel') }).waitFor();
      expect(await alert.getByRole('link').count()).toBe(1);
      await person.visit('statement page with the failed step, as an administrator');
    } finally {
      await person.close();
    }
  });

  it(
    'shows the lead the failed step and its ways out, and goes once the lead closes the stage',
    { timeout: 120_000 },
    async () => {
      const person = await Person.open(browser, h, {
        name: lead.org.name,
        email: lead.user.email,
        locale: 'en',
        shots,
      });
      try {
        const { page, t } = person;
        await signInWithMail(page, h, person.email);
        await page.goto(`/statements/${id}`);
        const alert = page.getByRole('region', { name: t('processFailure.title') });
        await alert.waitFor();
        const text = await plainText(alert);
        const stage = t('stage.needs_assessment');
        expect(text).toContain(t('processFailure.step.stageChanged', { stage }));
        expect(text).toContain(t('processFailure.cause.constraintViolation'));
        expect(text).toContain(t('processFailure.fields', { count: 1 }));
        expect(text).toMatch(/\bstage: breaks the rule/);
        // No SQLSTATE or technical type in the words shown; the details are behind a disclosure.
        expect(text).not.toMatch(/\b23514\b/);
        expect(await alert.getByText('constraint_violation').isVisible()).toBe(false);
        for (const action of [
          t('processFailure.actions.closeStage', { stage }),
          t('processFailure.actions.extendDeadline'),
          t('processFailure.actions.cancel'),
        ]) {
          await alert.getByRole('link', { name: action }).waitFor();
        }
        await person.visit('statement page with the failed step', 'lead-alert');

        // The cause fixed, the lead closes the stage with the needs overview's control.
        await dropTrigger();
        await alert.getByRole('link', { name: t('processFailure.actions.closeStage', { stage }) }).click();
        await page.waitForURL(new RegExp(`/statements/${id}/needs-overview#close-heading$`));
        const panel = page.getByRole('region', { name: t('overview.close.title.needs_assessment') });
        await panel.getByRole('button', { name: t('overview.close.open.needs_assessment') }).click();
        await panel.getByRole('button', { name: t('overview.close.confirm.needs_assessment') }).click();
        await person.status(t('overview.close.done', { stage, next: t('stage.confirmation') }).slice(0, 20)).waitFor();

        await page.getByRole('link', { name: t('common.backToStatement') }).click();
        await page.getByRole('heading', { name: t('participants.title') }).waitFor();
        expect(await page.getByRole('region', { name: t('processFailure.title') }).count()).toBe(0);
        await person.visit('statement page after the repair', 'lead-repaired');
        expect(ok(await lead.api.get(`/api/statements/${id}/live`)).body.processFailure).toBeNull();
      } finally {
        await person.close();
      }
    },
  );

  it(
    'shows the lead a failed aggregation on the statement and demand pages, and runs it again from the alert',
    { timeout: 120_000 },
    async () => {
      const other = ok(await lead.api.post('/api/statements', statementDetails({ title: 'Electric refuse trucks' })))
        .body.id as string;
      ok(await lead.api.post(`/api/statements/${other}/invitations`, { organisationIds: [participant.org.id] }));
      ok(await participant.api.post(`/api/statements/${other}/invitation/accept`));
      const snapshotRule = `jd_test_websnap_${other.replace(/-/g, '').slice(0, 12)}`;
      const dropSnapshotRule = () =>
        sql
          .raw(
            `drop trigger if exists ${snapshotRule} on aggregate_snapshots; drop function if exists ${snapshotRule}();`,
          )
          .execute(h.db);
      await sql
        .raw(
          `create function ${snapshotRule}() returns trigger language plpgsql as $$ begin
           if new.statement_id = '${other}' then
             raise exception 'refused by a test rule' using errcode = 'check_violation', constraint = '${snapshotRule}';
           end if;
           return new;
         end $$;
         create trigger ${snapshotRule} before insert on aggregate_snapshots for each row execute function ${snapshotRule}();`,
        )
        .execute(h.db);
      // A French-speaking colleague at the lead organisation: the alert is the lead organisation's.
      const colleague = await makeUser(h, lead.org.id, { label: 'pf-lead-fr', locale: 'fr' });
      const person = await Person.open(browser, h, {
        name: lead.org.name,
        email: colleague.email,
        locale: 'fr',
        shots,
      });
      try {
        // Nobody submits: the needs assessment ends at its deadline, confirmation at once, and the aggregation fails.
        ok(
          await lead.api.post(`/api/statements/${other}/needs-assessment/open`, {
            deadline: new Date(Date.now() + 2000).toISOString(),
          }),
        );
        await until(
          () => lead.api.get(`/api/statements/${other}/live`),
          (r) => r.body?.processFailure != null,
          30_000,
          'the failed aggregation',
        );

        // In French this time: the alert is translated.
        const { page, t } = person;
        await signInWithMail(page, h, person.email, { locale: 'fr' });
        await page.goto(`/statements/${other}/demand`);
        await page.getByRole('region', { name: t('processFailure.title') }).waitFor();
        expect(await page.getByText(t('aggregate.computing')).count()).toBe(0);
        await person.visit('demand page with the failed aggregation', 'demand-alert');

        await page.goto(`/statements/${other}`);
        const alert = page.getByRole('region', { name: t('processFailure.title') });
        await alert.waitFor();
        expect(await plainText(alert)).toContain(t('processFailure.step.aggregation'));
        await alert.getByRole('link', { name: t('processFailure.actions.cancel') }).waitFor();
        expect(await alert.getByRole('link', { name: t('processFailure.actions.extendDeadline') }).count()).toBe(0);
        await person.visit('statement page with the failed aggregation', 'aggregation-alert');

        await dropSnapshotRule();
        await alert.getByRole('button', { name: t('processFailure.actions.retryAggregation') }).click();
        await person.status(t('aggregate.blocked.retried')).waitFor();
        await until(
          () => lead.api.get(`/api/statements/${other}/live`),
          (r) => r.body.stage !== 'aggregation',
          30_000,
          'the aggregation to complete',
        );
        await page.reload();
        await page.getByRole('heading', { name: t('participants.title') }).waitFor();
        expect(await page.getByRole('region', { name: t('processFailure.title') }).count()).toBe(0);
      } finally {
        await dropSnapshotRule();
        await person.close();
      }
    },
  );
});
