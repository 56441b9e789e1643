import type { Request } from 'express';

import { locales } from '../domain/organisations.js';
import { asLocale } from '../i18n/index.js';

/** Text and attribute values put in HTML written by hand. */
export const escapeHtml = (s: string) => s.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);

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
<html lang="${escapeHtml(locale)}"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<title>${escapeHtml(title)}</title>
<style>body{font-family:system-ui,sans-serif;max-width:32rem;margin:4rem auto;padding:0 1rem;line-height:1.5}
button{font-size:1.1rem;padding:.6rem 1.4rem;background:#003399;color:#fff;border:0;border-radius:4px;cursor:pointer}
button:focus-visible{outline:3px solid #ffcc00;outline-offset:2px}</style></head>
<body><main>${body}</main></body></html>`;
