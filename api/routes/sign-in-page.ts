import type { Request, Router } from 'express';

import { locales } from '../../domain/organisations.js';
import { asLocale, translatorFor } from '../../i18n/index.js';

const escapeHtml = (s: string) => s.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);

const isLocale = (value: unknown): value is string =>
  typeof value === 'string' && (locales as readonly string[]).includes(value);

/**
 * The language chosen in the web application on this device (its `jd_locale` cookie), else the
 * link's own (the recipient's, set when the mail was written), else the browser's, else English.
 */
export function pageLocale(req: Request): string {
  const chosen = (req.cookies as Record<string, string> | undefined)?.jd_locale;
  if (isLocale(chosen)) return chosen;
  if (isLocale(req.query.lang)) return req.query.lang;
  const accepted = req.acceptsLanguages(...locales);
  return asLocale(typeof accepted === 'string' ? accepted : 'en');
}

/** A page of its own outside the web application (sign-in, unsubscribe), in `locale`. */
export const simplePage = (locale: string, title: string, body: string) => `<!doctype html>
<html lang="${locale}"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<title>${escapeHtml(title)}</title>
<style>body{font-family:system-ui,sans-serif;max-width:32rem;margin:4rem auto;padding:0 1rem;line-height:1.5}
button{font-size:1.1rem;padding:.6rem 1.4rem;background:#003399;color:#fff;border:0;border-radius:4px;cursor:pointer}
button:focus-visible{outline:3px solid #ffcc00;outline-offset:2px}</style></head>
<body><main>${body}</main></body></html>`;

/**
 * The explicit step when a link is opened in a browser other than the one that asked for it: it
 * names the account, and only its button (a same-origin post carrying this browser's
 * SameSite=Strict nonce cookie) signs in. Another site cannot press it for the user.
 */
export function confirmationPage(locale: string, token: string, email: string): string {
  const t = translatorFor(locale);
  return simplePage(
    locale,
    t('page.signIn.title'),
    `<h1>${escapeHtml(t('page.signIn.confirmHeading'))}</h1>
<form method="post" action="/api/auth/verify"><input type="hidden" name="token" value="${escapeHtml(token)}"><input type="hidden" name="confirm" value="1">
<p>${escapeHtml(t('page.signIn.confirmIntro', { email }))}</p>
<button type="submit">${escapeHtml(t('page.signIn.confirmButton', { email }))}</button></form>`,
  );
}

/**
 * The page a sign-in link opens. It asks for a click before using the token, because mail
 * scanners fetch links: a GET must never spend the one-time token.
 */
export function signInPage(router: Router): void {
  router.get('/sign-in/verify', (req, res) => {
    const token = typeof req.query.token === 'string' ? req.query.token : '';
    const locale = pageLocale(req);
    const t = translatorFor(locale);
    res.type('html').send(
      simplePage(
        locale,
        t('page.signIn.title'),
        `<h1>${escapeHtml(t('page.signIn.heading'))}</h1>
${
  token
    ? `<form method="post" action="/api/auth/verify"><input type="hidden" name="token" value="${escapeHtml(token)}">
<p>${escapeHtml(t('page.signIn.intro'))}</p><button type="submit">${escapeHtml(t('page.signIn.button'))}</button></form>`
    : `<p role="alert">${escapeHtml(t('page.signIn.noToken'))}</p>`
}`,
      ),
    );
  });
}
