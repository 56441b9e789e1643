import { existsSync } from 'node:fs';
import path from 'node:path';

import type { Browser, BrowserContext, Locator, Page } from 'playwright-core';
import { expect } from 'vitest';

import { axeCheck, newPersonContext, screenshot, scrollWidth, viewports } from './browser.js';
import type { Harness } from './harness.js';
import { expectNoUntranslatedText, type WebLocale, webT } from './web-i18n.js';

/** The built web application the API serves (api/web.ts): web/dist, or the build WEB_DIST_DIR names. */
export function webDistDir(): string {
  return process.env.WEB_DIST_DIR
    ? path.resolve(process.env.WEB_DIST_DIR)
    : path.resolve(import.meta.dirname, '../../web/dist');
}

/** The browser tests need the built web application that the API serves (api/web.ts). */
export function requireWebBuild(): void {
  if (!existsSync(path.join(webDistDir(), 'index.html')))
    throw new Error(
      'web/dist is missing: build the web application first (`npm run build:web`, or `npx vite build web`); `npm test` does it.',
    );
}

/**
 * One person at one browser: their own profile (cookies, storage), screen size and language.
 * `visit` is called on every page the journey shows them: axe-core, the untranslated-text check
 * in their language, no sideways scrolling on a phone, and (when named) a screenshot.
 */
export class Person {
  readonly t: ReturnType<typeof webT>;
  constructor(
    readonly name: string,
    readonly email: string,
    readonly page: Page,
    readonly locale: WebLocale,
    readonly viewport: keyof typeof viewports,
    private readonly shots: { prefix: string; n: number },
  ) {
    this.t = webT(locale);
  }

  static async open(
    browser: Browser,
    h: Harness,
    options: {
      name: string;
      email: string;
      locale: WebLocale;
      browserLocale?: string;
      viewport?: keyof typeof viewports;
      shots: { prefix: string; n: number };
    },
  ): Promise<Person> {
    const context: BrowserContext = await newPersonContext(browser, h, {
      viewport: options.viewport ?? 'desktop',
      locale: options.browserLocale ?? { en: 'en-GB', fr: 'fr-FR', de: 'de-DE' }[options.locale],
    });
    const page = await context.newPage();
    return new Person(options.name, options.email, page, options.locale, options.viewport ?? 'desktop', options.shots);
  }

  /** Checks the page as it is now; a `shot` name keeps a screenshot of it. */
  async visit(label: string, shot?: string): Promise<void> {
    const where = `${this.name}: ${label}`;
    await axeCheck(this.page, where);
    await expectNoUntranslatedText(this.page, this.locale, where);
    if (this.viewport === 'phone') {
      const width = await scrollWidth(this.page);
      expect(width, `${where} scrolls sideways on a phone (${width} px)`).toBeLessThanOrEqual(viewports.phone.width);
    }
    if (shot) {
      this.shots.n += 1;
      await screenshot(this.page, `${this.shots.prefix}-${String(this.shots.n).padStart(2, '0')}-${shot}`);
    }
  }

  heading(name: string): Locator {
    return this.page.getByRole('heading', { level: 1, name });
  }

  /** A polite status message containing `text`. */
  status(text: string): Locator {
    return this.page.getByRole('status').filter({ hasText: text });
  }

  /** Reloads until `locator` shows (the server moves the statement on in the background). */
  async reloadUntil(locator: Locator, timeoutMs = 60_000): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      try {
        await locator.first().waitFor({ timeout: 2000 });
        return;
      } catch (error) {
        if (Date.now() > deadline) throw error;
        await this.page.reload();
      }
    }
  }

  async close(): Promise<void> {
    await this.page.context().close();
  }
}

/** Chooses a suggestion in a combobox (CPV code, unit) after typing `query`, as a keyboard user does. */
/**
 * Ends the sessions of an organisation's users on the server (signed out elsewhere, or revoked)
 * while `person` still shows the app, follows the link named `navLink` from the page it is on,
 * and waits for the sign-in page saying the session ended.
 */
export async function expectSignInOnceSessionEnds(
  h: Harness,
  person: Person,
  organisationId: string,
  navLink: string,
): Promise<void> {
  const link = person.page.getByRole('link', { name: navLink }).first();
  await link.waitFor();
  await h.db
    .updateTable('sessions')
    .set({ revoked_at: new Date() })
    .where('user_id', 'in', (eb) => eb.selectFrom('users').select('id').where('organisation_id', '=', organisationId))
    .execute();
  await link.click();
  await person.page.getByText(person.t('signIn.expired')).waitFor();
  await person.heading(person.t('signIn.title')).waitFor();
}

export async function chooseSuggestion(field: Locator, query: string, option: RegExp): Promise<void> {
  await field.fill('');
  await field.pressSequentially(query, { delay: 20 });
  const page = field.page();
  const listId = await field.getAttribute('aria-controls');
  const choice = page.locator(`[id="${listId}"]`).getByRole('option', { name: option });
  await choice.first().waitFor();
  await choice.first().click();
}

/** Text of an element with every kind of space made a plain space (Intl uses narrow no-break spaces). */
export async function plainText(locator: Locator): Promise<string> {
  return ((await locator.textContent()) ?? '').replace(/[\s\u00a0\u202f]+/g, ' ').trim();
}

export const plain = (s: string) => s.replace(/[\s\u00a0\u202f]+/g, ' ').trim();

/** Money as the web application formats it for `locale`. */
export function money(locale: WebLocale, amount: number, currency = 'EUR'): string {
  return plain(new Intl.NumberFormat(locale, { style: 'currency', currency, maximumFractionDigits: 2 }).format(amount));
}

/** The same amount as a pattern that matches whatever spaces the browser's Intl puts in. */
export function moneyPattern(locale: WebLocale, amount: number, currency = 'EUR'): RegExp {
  const escaped = money(locale, amount, currency).replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
  return new RegExp(escaped.replace(/ /g, '[\\s\\u00a0\\u202f]'));
}
