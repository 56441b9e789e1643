/** The languages the platform speaks (the web's catalogues, the mails and pages the server writes), shared. */
export const locales = ['en', 'fr', 'de'] as const;
export type Locale = (typeof locales)[number];

export function isLocale(value: unknown): value is Locale {
  return typeof value === 'string' && (locales as readonly string[]).includes(value);
}

/**
 * The Intl locale a language is formatted in. English is written for European readers: en-GB
 * dates (9 March 2026) and the 24-hour clock, never the US month-first order or AM/PM.
 */
export function intlLocale(language: string): string {
  return language === 'en' ? 'en-GB' : language;
}
