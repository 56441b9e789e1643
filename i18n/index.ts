import i18next, { type TFunction } from 'i18next';

import { shownAmount, shownDecimals } from '../domain/money.js';
import { type Locale, locales } from '../domain/organisations.js';
import { intlLocale } from '../rules/locales.js';
import de from './locales/de.json' with { type: 'json' };
import en from './locales/en.json' with { type: 'json' };
import fr from './locales/fr.json' with { type: 'json' };

/**
 * Server-side message catalogues. Mail text is produced here in the recipient's language at the
 * moment it is queued, so what the outbox holds is exactly what is sent.
 */
const instance = i18next.createInstance();
void instance.init({
  initAsync: false,
  resources: { en: { translation: en }, fr: { translation: fr }, de: { translation: de } },
  fallbackLng: 'en',
  supportedLngs: [...locales],
  // Mail is plain text; escaping would turn quotes into entities.
  interpolation: { escapeValue: false },
  returnNull: false,
});

export function translatorFor(locale: string): TFunction {
  return instance.getFixedT(asLocale(locale));
}

export function asLocale(locale: string): Locale {
  return (locales as readonly string[]).includes(locale) ? (locale as Locale) : 'en';
}

// One formatter per language, made once: building an Intl formatter costs far more than using it,
// and a fan-out formats the same figure for every recipient.
const dateTimeFormats = new Map<Locale, Intl.DateTimeFormat>();
const eurFormats = new Map<string, Intl.NumberFormat>();

export function formatDateTime(iso: string, locale: string): string {
  const l = asLocale(locale);
  let format = dateTimeFormats.get(l);
  if (!format)
    dateTimeFormats.set(
      l,
      (format = new Intl.DateTimeFormat(intlLocale(l), {
        day: 'numeric',
        month: 'long',
        year: 'numeric',
        hour: '2-digit',
        minute: '2-digit',
        hourCycle: 'h23',
        timeZone: 'UTC',
      })),
    );
  return format.format(new Date(iso)) + ' UTC';
}

export const catalogues = { en, fr, de };

/**
 * A money figure in the reader's language, shown by the one rule (`shownAmount`, rules/money.ts):
 * to the cent, or exactly where the cents would misread its verdict beside `limits`. A figure
 * already shown beside the same limits is unchanged. Intl prints the shown decimal string as it
 * is, never a binary float, and rounds nothing again.
 */
export function formatEur(amount: string, locale: string, limits: readonly string[] = []): string {
  const shown = shownAmount(amount, limits);
  const l = asLocale(locale);
  const decimals = Math.min(100, Math.max(2, shownDecimals(shown)));
  const key = `${l}:${decimals}`;
  let format = eurFormats.get(key);
  if (!format)
    eurFormats.set(
      key,
      (format = new Intl.NumberFormat(intlLocale(l), {
        style: 'currency',
        currency: 'EUR',
        minimumFractionDigits: 2,
        maximumFractionDigits: decimals,
      })),
    );
  return format.format(shown as Intl.StringNumericLiteral);
}
