import { randomUUID } from 'node:crypto';
import { createServer, type Server } from 'node:http';

import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { createWebhookRelay } from '../activities/webhook-relay.js';
import { verifyWebhook, webhookSecretKey } from '../platform/webhook-signature.js';
import { launchBrowser, signInWithMail } from './support/browser.js';
import { type Harness, makeActor, makeUser, startHarness } from './support/harness.js';
import { expectSignInOnceSessionEnds, Person, requireWebBuild } from './support/journey.js';
import type { WebLocale } from './support/web-i18n.js';

type Actor = Awaited<ReturnType<typeof makeActor>>;

/**
 * Issue 19, webhooks for suppliers' systems: in Chromium, in English, French (on a phone) and
 * German, a supplier user adds an endpoint (its secret shown once), sends a test event that a
 * real local receiver gets signed with that secret, reads the delivery log, makes a new secret,
 * disables and deletes the endpoint, each confirmed first; axe-clean and translated throughout.
 * A buyer is refused the page.
 */
describe('the supplier’s webhooks page, in a browser', () => {
  let h: Harness;
  let browser: Browser;
  let relay: { stop(): Promise<void> };
  let server: Server;
  let receiverUrl = '';
  const received: { id: string; timestamp: string; signature: string; body: string }[] = [];
  const tag = randomUUID().slice(0, 6);
  const shots = { prefix: 'webhooks', n: 0 };

  beforeAll(async () => {
    requireWebBuild();
    // A database of its own: every worker process's webhook relay claims due deliveries database-wide.
    h = await startHarness({ freshDatabase: true });
    browser = await launchBrowser();
    relay = createWebhookRelay({
      db: h.ctx.db,
      mailer: h.mailer,
      publicUrl: h.baseUrl,
      secretKey: webhookSecretKey({ NODE_ENV: 'test' }),
      allowHttpLocalhost: true,
      retryBaseMs: 200,
      disableAfterFailures: 15,
      pollMs: 100,
    }).start();
    server = createServer((req, res) => {
      const chunks: Buffer[] = [];
      req.on('data', (c: Buffer) => chunks.push(c));
      req.on('end', () => {
        received.push({
          id: String(req.headers['webhook-id']),
          timestamp: String(req.headers['webhook-timestamp']),
          signature: String(req.headers['webhook-signature']),
          body: Buffer.concat(chunks).toString('utf8'),
        });
        res.end();
      });
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', () => resolve()));
    receiverUrl = `http://127.0.0.1:${(server.address() as { port: number }).port}`;
  }, 120_000);

  afterAll(async () => {
    await relay?.stop();
    server?.closeAllConnections();
    server?.close();
    await browser?.close();
    await h?.close();
  });

  async function personOf(org: Actor, who: string, locale: WebLocale, viewport: 'desktop' | 'phone' = 'desktop') {
    const email = `${who.replace(/\W+/g, '-')}-${locale}-${tag}@webhooks.test`;
    await makeUser(h, org.org.id, { email, locale, label: `${who} ${locale} ${tag}` });
    const person = await Person.open(browser, h, { name: `${who} (${locale})`, email, locale, viewport, shots });
    await signInWithMail(person.page, h, email, { locale });
    return person;
  }

  for (const [locale, viewport] of [
    ['en', 'desktop'],
    ['fr', 'phone'],
    ['de', 'desktop'],
  ] as const) {
    it(`adds an endpoint, tests it, reads its log, makes a new secret, disables and deletes it (${locale}, ${viewport})`, async () => {
      const supplier = await makeActor(h, { kind: 'supplier', name: `Hook Works ${locale} ${tag}`, country: 'SE' });
      const person = await personOf(supplier, 'Supplier', locale, viewport);
      const { page, t } = person;
      const url = `${receiverUrl}/${locale}`;
      try {
        await page.goto('/supplier');
        await page
          .getByRole('link', { name: t('webhooks.nav') })
          .first()
          .click();
        await person.heading(t('webhooks.title')).waitFor();
        await page.getByText(t('webhooks.none')).waitFor();
        await person.visit('no endpoint yet', `${locale}-${viewport}-empty`);

        // Nothing typed: the form says what is missing, in the page's language.
        await page.getByRole('button', { name: t('webhooks.form.submit') }).click();
        await page.getByText(t('webhooks.form.urlRequired')).first().waitFor();
        await person.visit('the form’s error');

        await page.getByLabel(t('webhooks.form.url')).fill(url);
        await page.getByLabel(t('webhooks.form.description')).fill('ERP');
        // Both chosen by default; the answers are added too.
        await page.getByLabel(t('webhooks.eventTypes.consultation_answer_published')).check();
        await page.getByRole('button', { name: t('webhooks.form.submit') }).click();
        const secretBox = page.getByLabel(t('webhooks.secret.label'));
        await secretBox.waitFor();
        const secret = await secretBox.inputValue();
        expect(secret).toMatch(/^whsec_/);
        const card = page.getByRole('article', { name: url });
        await card.getByText(t('webhooks.status.enabled')).waitFor();
        await person.visit('the secret shown once', `${locale}-${viewport}-secret`);
        await page.getByRole('button', { name: t('webhooks.secret.done') }).click();
        expect(await page.getByLabel(t('webhooks.secret.label')).count()).toBe(0);

        // A test event reaches the receiver, signed with the secret shown.
        const before = received.length;
        await card.getByRole('button', { name: t('webhooks.actions.test') }).click();
        await person.status(t('webhooks.testSent', { url })).waitFor();
        await expect.poll(() => received.length, { timeout: 20_000 }).toBeGreaterThan(before);
        const hit = received[received.length - 1]!;
        expect(JSON.parse(hit.body)).toMatchObject({ type: 'webhook.test' });
        expect(verifyWebhook(secret, hit, hit.body, { nowSeconds: Math.floor(Date.now() / 1000) })).toBe(true);

        // The delivery log names the attempt and its answer.
        await card.getByRole('button', { name: t('webhooks.actions.showLog') }).click();
        const delivered = card.getByText(t('webhooks.log.succeeded', { code: 200 }));
        for (let i = 0; i < 20 && (await delivered.count()) === 0; i++) {
          await card.getByRole('button', { name: t('webhooks.log.refresh') }).click();
          await page.waitForTimeout(300);
        }
        await delivered.waitFor();
        await card.getByText(hit.id).waitFor();
        await person.visit('the delivery log', `${locale}-${viewport}-log`);

        // A new secret, confirmed first.
        await card.getByRole('button', { name: t('webhooks.actions.rotate') }).click();
        const rotate = page.getByRole('dialog', { name: t('webhooks.confirm.rotate.title') });
        await rotate.waitFor();
        await person.visit('confirm a new secret');
        await rotate.getByRole('button', { name: t('webhooks.confirm.rotate.confirm') }).click();
        await person.status(t('webhooks.rotated', { url })).waitFor();
        const rotated = await page.getByLabel(t('webhooks.secret.label')).inputValue();
        expect(rotated).toMatch(/^whsec_/);
        expect(rotated).not.toBe(secret);
        await page.getByRole('button', { name: t('webhooks.secret.done') }).click();

        // Disabled, confirmed first; then enabled again.
        await card.getByRole('button', { name: t('webhooks.actions.disable') }).click();
        const disable = page.getByRole('dialog', { name: t('webhooks.confirm.disable.title') });
        await disable.getByRole('button', { name: t('webhooks.confirm.disable.confirm') }).click();
        await person.status(t('webhooks.disabledStatus', { url })).waitFor();
        await card.getByRole('button', { name: t('webhooks.actions.enable') }).waitFor();
        await person.visit('a disabled endpoint', `${locale}-${viewport}-disabled`);
        await card.getByRole('button', { name: t('webhooks.actions.enable') }).click();
        await person.status(t('webhooks.enabledStatus', { url })).waitFor();

        // Deleted, confirmed first.
        await card.getByRole('button', { name: t('webhooks.actions.delete') }).click();
        const remove = page.getByRole('dialog', { name: t('webhooks.confirm.delete.title') });
        await remove.getByRole('button', { name: t('webhooks.confirm.delete.confirm') }).click();
        await person.status(t('webhooks.deleted', { url })).waitFor();
        await page.getByText(t('webhooks.none')).waitFor();
      } finally {
        await person.close();
      }
    });
  }

  it('sends a supplier whose session has ended to sign in again, as every other page does', async () => {
    const supplier = await makeActor(h, { kind: 'supplier', name: `Ended Session ${tag}`, country: 'FI' });
    const person = await personOf(supplier, 'Ended', 'en');
    try {
      await person.page.goto('/supplier');
      await expectSignInOnceSessionEnds(h, person, supplier.org.id, person.t('webhooks.nav'));
    } finally {
      await person.close();
    }
  });

  it('refuses the page to a buyer', async () => {
    const buyer = await makeActor(h, { kind: 'buyer', name: `Hook City ${tag}`, country: 'FI' });
    const person = await personOf(buyer, 'Buyer', 'en');
    try {
      expect(await person.page.getByRole('link', { name: person.t('webhooks.nav') }).count()).toBe(0);
      await person.page.goto('/webhooks');
      await person.page
        .getByRole('heading', { name: person.t('problem.forbidden.title') })
        .first()
        .waitFor();
      expect((await person.page.request.get('/api/me/webhooks')).status()).toBe(403);
    } finally {
      await person.close();
    }
  });
});
