import type { Router } from 'express';

import { translatorFor } from '../../i18n/index.js';
import { escapeHtml, pageLocale, simplePage } from '../html-page.js';

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
