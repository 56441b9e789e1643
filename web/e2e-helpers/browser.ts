import { mkdirSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';

import { type Browser, type BrowserContext, chromium, type Page } from 'playwright-core';

/**
 * Helpers for driving the web application in headless Chromium (Debian's `chromium`) with
 * playwright-core: sign in through the captured e-mail, check a page with axe-core, keep
 * screenshots. Used by walkthrough.ts; the browser tests of the product can reuse them.
 */
export const baseUrl = process.env.BASE_URL ?? 'http://localhost:3100';
export const screenshotDir = process.env.SCREENSHOT_DIR ?? '/tmp/jd-web-shots';

export const viewports = {
  desktop: { width: 1280, height: 900 },
  phone: { width: 375, height: 812 },
} as const;

export async function launch(): Promise<Browser> {
  return chromium.launch({
    executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium',
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking'],
  });
}

export async function newContext(
  browser: Browser,
  viewport: keyof typeof viewports = 'desktop',
  locale = 'en-GB',
): Promise<BrowserContext> {
  // bypassCSP lets axe-core be injected; the application itself runs under the server's strict CSP.
  const context = await browser.newContext({
    viewport: viewports[viewport],
    locale,
    baseURL: baseUrl,
    bypassCSP: true,
  });
  context.setDefaultTimeout(Number(process.env.E2E_TIMEOUT_MS ?? 120_000));
  return context;
}

interface CapturedMail {
  to: string[];
  subject: string;
  text: string;
  receivedAt: string;
}

async function capturedMail(): Promise<CapturedMail[]> {
  const res = await fetch(new URL('/dev/mail.json', baseUrl));
  if (!res.ok) throw new Error(`GET /dev/mail.json answered ${res.status}`);
  return (await res.json()) as CapturedMail[];
}

/** Asks for a sign-in link on the sign-in page, then opens the link from the captured mail. */
export async function signIn(page: Page, email: string): Promise<void> {
  const before = (await capturedMail()).length;
  await page.goto('/sign-in');
  await page.getByLabel(/e-mail|adresse électronique|e-mail-adresse/i).fill(email);
  await page.getByRole('button', { name: /sign-in link|lien de connexion|anmeldelink/i }).click();
  await page.getByRole('status').filter({ hasText: email }).waitFor();
  let link: string | undefined;
  for (let i = 0; i < 120 && !link; i += 1) {
    const mail = (await capturedMail())
      .slice(before)
      .reverse()
      .find((m) => m.to.includes(email) && /sign-in\/verify\?token=/.test(m.text));
    link = mail?.text.match(/https?:\/\/\S+\/sign-in\/verify\?token=\S+/)?.[0];
    if (!link) await page.waitForTimeout(500);
  }
  if (!link) throw new Error(`no sign-in mail for ${email}`);
  await page.goto(link);
  await page.getByRole('button', { name: 'Sign in' }).click();
  await page.waitForURL(/\/statements/);
}

export interface AxeViolation {
  id: string;
  impact: string | null;
  help: string;
  nodes: { target: string[]; failureSummary?: string }[];
}

/** Runs axe-core on the page; returns the serious and critical violations. */
export async function axeCheck(page: Page): Promise<AxeViolation[]> {
  const require = createRequire(import.meta.url);
  const axePath = path.join(path.dirname(require.resolve('axe-core')), 'axe.min.js');
  if (!(await page.evaluate('typeof window.axe !== "undefined"'))) await page.addScriptTag({ path: axePath });
  const result = (await page.evaluate('axe.run(document, { resultTypes: ["violations"] })')) as {
    violations: AxeViolation[];
  };
  return result.violations.filter((v) => v.impact === 'serious' || v.impact === 'critical');
}

export async function screenshot(page: Page, name: string, options: { fullPage?: boolean } = {}): Promise<string> {
  mkdirSync(screenshotDir, { recursive: true });
  const file = path.join(screenshotDir, `${name}.png`);
  await page.screenshot({ path: file, fullPage: options.fullPage ?? true });
  return file;
}
