import { readFileSync } from 'node:fs';
import http from 'node:http';
import path from 'node:path';
import { brotliDecompressSync, gunzipSync } from 'node:zlib';

import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { launchBrowser } from './support/browser.js';
import { type Harness, startHarness } from './support/harness.js';
import { requireWebBuild, webDistDir } from './support/journey.js';
import { webT } from './support/web-i18n.js';

/** One raw response: headers and the bytes as sent (fetch would decompress them). */
function rawGet(url: string, headers: Record<string, string>) {
  return new Promise<{ status: number; headers: http.IncomingHttpHeaders; body: Buffer }>((resolve, reject) => {
    http
      .get(url, { headers }, (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () =>
          resolve({ status: res.statusCode ?? 0, headers: res.headers, body: Buffer.concat(chunks) }),
        );
      })
      .on('error', reject);
  });
}

/** "Slow 3G" as WebPageTest defines it: 400 kbit/s each way, 400 ms round trip. */
const slow3g = { offline: false, latency: 400, downloadThroughput: 50_000, uploadThroughput: 50_000 };

/**
 * Issue 19, "Formats, speed, phone": the 510 KB script was served uncompressed and the page stayed
 * blank for 11.7 s on a slow link. The assets are compressed and cached for good (their names
 * change with their content), the page paints its shell before the script has arrived, and a
 * reader's language is loaded for that reader only.
 */
describe('the web application as delivered: compressed, cached, painted before its script arrives', () => {
  let h: Harness;
  let browser: Browser;
  let html = '';
  let mainScript = '';
  let stylesheet = '';

  beforeAll(async () => {
    requireWebBuild();
    h = await startHarness({ worker: false });
    browser = await launchBrowser();
    html = (await rawGet(`${h.baseUrl}/`, {})).body.toString('utf8');
    mainScript = /<script type="module"[^>]*src="([^"]+)"/.exec(html)?.[1] ?? '';
    stylesheet = /<link rel="stylesheet"[^>]*href="([^"]+)"/.exec(html)?.[1] ?? '';
  }, 120_000);

  afterAll(async () => {
    await browser?.close();
    await h?.close();
  });

  const fileOf = (url: string) => readFileSync(path.join(webDistDir(), url));

  it('sends the script and the styles compressed, brotli when the browser takes it, else gzip, the same bytes', async () => {
    expect(mainScript).toMatch(/^\/assets\/index-[\w-]+\.js$/);
    for (const asset of [mainScript, stylesheet]) {
      const original = fileOf(asset);
      const br = await rawGet(`${h.baseUrl}${asset}`, { 'accept-encoding': 'gzip, deflate, br' });
      expect(br.status).toBe(200);
      expect(br.headers['content-encoding']).toBe('br');
      expect(br.headers.vary).toMatch(/accept-encoding/i);
      expect(brotliDecompressSync(br.body).equals(original)).toBe(true);
      expect(br.body.length).toBeLessThan(original.length / 3);

      const gz = await rawGet(`${h.baseUrl}${asset}`, { 'accept-encoding': 'gzip' });
      expect(gz.headers['content-encoding']).toBe('gzip');
      expect(gunzipSync(gz.body).equals(original)).toBe(true);

      const plain = await rawGet(`${h.baseUrl}${asset}`, { 'accept-encoding': 'identity' });
      expect(plain.headers['content-encoding']).toBeUndefined();
      expect(plain.body.equals(original)).toBe(true);
    }
  });

  it('caches the hashed assets for a year and for good, and has the page itself checked on every visit', async () => {
    const asset = await rawGet(`${h.baseUrl}${mainScript}`, { 'accept-encoding': 'br' });
    expect(asset.headers['cache-control']).toBe('public, max-age=31536000, immutable');
    for (const page of ['/', '/statements', '/index.html']) {
      const res = await rawGet(`${h.baseUrl}${page}`, { 'accept-encoding': 'br' });
      expect(res.headers['cache-control'], page).toBe('no-cache');
    }
    // A name that is not a built asset is not cached for a year.
    const missing = await rawGet(`${h.baseUrl}/assets/index-nothere.js`, {});
    expect(missing.status).toBe(404);
    expect(missing.headers['cache-control'] ?? '').not.toContain('immutable');
  });

  it('carries one language in the main script: a French or German reader loads its catalogue on its own', async () => {
    const main = fileOf(mainScript).toString('utf8');
    const fr = webT('fr');
    const de = webT('de');
    const en = webT('en');
    // Strings found in one catalogue only.
    const carries = (text: string) => main.includes(JSON.stringify(text).slice(1, -1));
    expect(carries(en('signIn.submit'))).toBe(true);
    expect(carries(fr('signIn.submit'))).toBe(false);
    expect(carries(de('signIn.submit'))).toBe(false);

    for (const locale of ['fr', 'de'] as const) {
      const context = await browser.newContext({ locale, baseURL: h.baseUrl });
      try {
        const page = await context.newPage();
        await page.goto('/sign-in');
        await page.getByRole('button', { name: webT(locale)('signIn.submit') }).waitFor();
        expect(await page.evaluate('document.documentElement.lang')).toBe(locale);
      } finally {
        await context.close();
      }
    }
  });

  it('paints the page before the script has arrived, on a slow 3G link', async () => {
    const context = await browser.newContext({ locale: 'en', baseURL: h.baseUrl });
    try {
      const page = await context.newPage();
      const cdp = await context.newCDPSession(page);
      await cdp.send('Network.enable');
      await cdp.send('Network.setCacheDisabled', { cacheDisabled: true });
      await cdp.send('Network.emulateNetworkConditions', slow3g);
      await page.goto('/sign-in', { waitUntil: 'load', timeout: 60_000 });
      const timing = (await page.evaluate(`(() => {
        const paint = performance.getEntriesByName('first-contentful-paint')[0];
        const script = performance.getEntriesByType('resource').find((r) => r.name.endsWith(${JSON.stringify(mainScript)}));
        return { paint: paint ? paint.startTime : null, scriptEnd: script ? script.responseEnd : null };
      })()`)) as { paint: number | null; scriptEnd: number | null };
      console.log(
        `slow 3G: first contentful paint ${Math.round(timing.paint ?? -1)} ms, main script arrived ${Math.round(timing.scriptEnd ?? -1)} ms`,
      );
      expect(timing.paint).not.toBeNull();
      expect(timing.scriptEnd).not.toBeNull();
      expect(timing.paint!).toBeLessThan(timing.scriptEnd!);
      await page.getByRole('button', { name: webT('en')('signIn.submit') }).waitFor();
    } finally {
      await context.close();
    }
  });
});
