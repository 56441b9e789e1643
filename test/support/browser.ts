import { mkdirSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';

import { type Browser, type BrowserContext, chromium, type Locator, type Page } from 'playwright-core';

import { translatorFor } from '../../i18n/index.js';
import type { Harness } from './harness.js';
import { type WebLocale, webT } from './web-i18n.js';

/**
 * Driving the built web application in Debian's headless Chromium with playwright-core, against
 * a test harness (its API serves web/dist): sign in through the link the harness's SMTP capture
 * received, check pages with axe-core, keep screenshots as test artifacts.
 */
export const screenshotDir = path.resolve(import.meta.dirname, '../../test-artifacts/screenshots');

export const viewports = {
  desktop: { width: 1280, height: 900 },
  phone: { width: 375, height: 812 },
} as const;

/**
 * Chromium with a fresh profile: Playwright's launch() gives every browser a new temporary
 * user-data directory and removes it on close. No network traffic of its own (updates, sync,
 * QUIC), so only the application's requests leave the browser. Debian's headless shell by
 * default: the same Blink, without the full browser's compositing in its browser process
 * (test/browser-guidance.test.ts: 46 s of Chromium CPU against 74 s; README, `npm test`).
 */
export async function launchBrowser(): Promise<Browser> {
  return chromium.launch({
    executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium-headless-shell',
    headless: true,
    args: [
      '--headless',
      '--no-sandbox',
      '--disable-gpu',
      '--disable-background-networking',
      '--disable-quic',
      '--no-first-run',
      '--disable-component-update',
      '--disable-sync',
    ],
  });
}

/** A separate browser profile for one person (own cookies and storage), on the harness's URL. */
export async function newPersonContext(
  browser: Browser,
  h: Harness,
  options: { viewport?: keyof typeof viewports; locale?: string } = {},
): Promise<BrowserContext> {
  // bypassCSP lets axe-core be injected; the application itself runs under the server's strict CSP.
  const context = await browser.newContext({
    viewport: viewports[options.viewport ?? 'desktop'],
    locale: options.locale ?? 'en-GB',
    baseURL: h.baseUrl,
    bypassCSP: true,
  });
  context.setDefaultTimeout(Number(process.env.BROWSER_TIMEOUT_MS ?? 60_000));
  return context;
}

/**
 * Signs in as a person does: ask for a link on the sign-in page, open the link from the e-mail,
 * confirm. Labels are read from the catalogues of `locale` (the web application's, and the
 * server's for the page the link opens), so a sign-in in French proves those pages speak French.
 * `onLinkPage` runs on the page the link opens, before it is confirmed (to check it).
 */
export async function signInWithMail(
  page: Page,
  h: Harness,
  email: string,
  options: { locale?: WebLocale; onLinkPage?: (page: Page) => Promise<void> } = {},
): Promise<void> {
  const t = webT(options.locale ?? 'en');
  const server = translatorFor(options.locale ?? 'en');
  const before = h.mail.messages.length;
  if (!/\/sign-in$/.test(page.url())) await page.goto('/sign-in');
  await page.getByLabel(t('signIn.email')).fill(email);
  await page.getByRole('button', { name: t('signIn.submit') }).click();
  await page.getByRole('status').filter({ hasText: email }).waitFor();
  const to = email.toLowerCase();
  const isLink = (m: { to: string[]; text: string }) => m.to.includes(to) && /sign-in\/verify\?token=/.test(m.text);
  const messages = await h.mail.waitFor((all) => all.slice(before).some(isLink), 60_000);
  const mail = messages.slice(before).find(isLink)!;
  const link = /https?:\/\/\S+\/sign-in\/verify\?token=[^\s>]+/.exec(mail.text)?.[0];
  if (!link) throw new Error(`The sign-in mail to ${email} has no link:\n${mail.text}`);
  await page.goto(link);
  await options.onLinkPage?.(page);
  await page.getByRole('button', { name: server('page.signIn.button') }).click();
  // Each kind of user has its start page: buyers their statements, suppliers /supplier, Commission staff the dashboard.
  await page.waitForURL(/\/(statements|supplier|dashboard)$/);
  await page.getByRole('heading', { level: 1 }).waitFor();
}

interface AxeNode {
  target: string[];
  failureSummary?: string;
}
interface AxeViolation {
  id: string;
  impact: string | null;
  help: string;
  helpUrl: string;
  nodes: AxeNode[];
}

let axeSource: string | undefined;
function axeScript(): string {
  if (!axeSource) {
    const require = createRequire(import.meta.url);
    axeSource = readFileSync(path.join(path.dirname(require.resolve('axe-core')), 'axe.min.js'), 'utf8');
  }
  return axeSource;
}

/**
 * Runs axe-core (WCAG 2.0/2.1 A and AA rules and best practices) on the page as it is now and
 * fails on any serious or critical violation, listing each rule, why, and where.
 */
export async function axeCheck(page: Page, label: string): Promise<void> {
  if (!(await page.evaluate('typeof window.axe !== "undefined"'))) await page.addScriptTag({ content: axeScript() });
  const result = (await page.evaluate('axe.run(document, { resultTypes: ["violations"] })')) as {
    violations: AxeViolation[];
  };
  const bad = result.violations.filter((v) => v.impact === 'serious' || v.impact === 'critical');
  if (bad.length === 0) return;
  const list = bad
    .map((v) => {
      const nodes = v.nodes
        .slice(0, 6)
        .map(
          (n) =>
            `      at ${n.target.join(' ')}${n.failureSummary ? `: ${n.failureSummary.replace(/\s+/g, ' ').trim()}` : ''}`,
        )
        .join('\n');
      const more = v.nodes.length > 6 ? `\n      … and ${v.nodes.length - 6} more` : '';
      return `  - [${v.impact}] ${v.id}: ${v.help} (${v.helpUrl})\n${nodes}${more}`;
    })
    .join('\n');
  throw new Error(
    `axe-core found ${bad.length} serious or critical violation(s) on "${label}" (${page.url()}):\n${list}`,
  );
}

/**
 * Screenshots are for people looking at the pages (the README's `docs/screenshots` are picked from
 * them); no test reads them. A whole run took 350 full-page PNGs (99 MB), and two browser files
 * ran 17 % faster without theirs (101 s against 123 s, 80 against 95 CPU-s), so they are taken on
 * request: `TEST_SCREENSHOTS=1 npm test -- test/browser-journey.test.ts`.
 */
export const screenshotsWanted = process.env.TEST_SCREENSHOTS === '1';

/** A full-page screenshot in test-artifacts/screenshots/<name>.png when `screenshotsWanted`; returns its path. */
export async function screenshot(page: Page, name: string): Promise<string | undefined> {
  if (!screenshotsWanted) return undefined;
  mkdirSync(screenshotDir, { recursive: true });
  const file = path.join(screenshotDir, `${name}.png`);
  await page.screenshot({ path: file, fullPage: true });
  return file;
}

/** How wide the page is: more than the viewport means sideways scrolling on a phone. */
export async function scrollWidth(page: Page): Promise<number> {
  return (await page.evaluate('document.documentElement.scrollWidth')) as number;
}

/** The text of the elements a control's aria-describedby points to (its hint and error, as a screen reader hears them). */
export async function describedBy(locator: Locator): Promise<string> {
  // The callback runs in the page; the test code is compiled without the DOM library.
  return locator.evaluate((el: any) =>
    String(el.getAttribute('aria-describedby') ?? '')
      .split(/\s+/)
      .filter(Boolean)
      .map((id: string) => el.ownerDocument.getElementById(id)?.textContent ?? '')
      .join(' '),
  );
}

/** The focused element: its role (if it has one), id and text. */
export async function focused(page: Page): Promise<{ role: string | null; text: string; id: string }> {
  return (await page.evaluate(
    '({ role: document.activeElement?.getAttribute("role") ?? null, text: document.activeElement?.textContent ?? "", id: document.activeElement?.id ?? "" })',
  )) as { role: string | null; text: string; id: string };
}
