import type { Request } from 'express';

import { type EuLanguage, euLanguages } from '../rules/eu-languages.js';

/**
 * The language to answer a viewer in, as the server's own pages choose (sign-in-page.ts
 * pageLocale): the one asked for, else the web application's (its jd_locale cookie), else
 * Accept-Language, else English. `among` narrows the choice to the languages the answer has (the
 * pilot exports: en, fr, de), so there `Accept-Language: it, fr;q=0.8` is French.
 */
export function viewerLanguage<L extends string = EuLanguage>(
  asked: L | undefined,
  req: Request,
  among: readonly L[] = euLanguages as readonly string[] as readonly L[],
): L | 'en' {
  if (asked) return asked;
  const known = (value: unknown): value is L =>
    typeof value === 'string' && (among as readonly string[]).includes(value);
  const cookie = (req.cookies as Record<string, string> | undefined)?.jd_locale;
  if (known(cookie)) return cookie;
  const accepted = req.get('accept-language') ? req.acceptsLanguages('en', ...among) : false;
  return known(accepted) ? accepted : 'en';
}
