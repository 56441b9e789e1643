/** The languages the platform speaks (the web's catalogues, the mails and pages the server writes), shared. */
export const locales = ['en', 'fr', 'de'] as const;
export type Locale = (typeof locales)[number];

export function isLocale(value: unknown): value is Locale {
  return typeof value === 'string' && (locales as readonly string[]).includes(value);
}
