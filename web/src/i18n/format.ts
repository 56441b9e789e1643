import { intlLocale } from '@jointdemand/rules/locales';
import { shownAmount, shownDecimals } from '@jointdemand/rules/money';
import { useMemo } from 'react';
import { useTranslation } from 'react-i18next';

/**
 * Locale-aware formatting with Intl: dates, numbers, money, countries and durations read the
 * same way the rest of the interface does. Every page formats through this hook.
 */
export interface Formatter {
  locale: string;
  /** The IANA time zone times are shown in (the browser's), e.g. to say so beside a deadline. */
  timeZone: string;
  /** A calendar date (YYYY-MM-DD or an ISO date-time), without a time. */
  date: (iso: string) => string;
  /** A moment, with date and time in the user's time zone, on the 24-hour clock, the zone named. */
  dateTime: (iso: string) => string;
  /** "in 3 days", "2 hours ago". */
  relative: (iso: string, now?: Date) => string;
  number: (value: number | string) => string;
  /** A year without digit grouping. */
  year: (value: number) => string;
  /**
   * A money figure the API sends, already shown by the one rule (rules/money.ts: to the cent, or
   * exactly where the cents would misread a verdict): printed with every decimal it has and
   * rounded no further, from the decimal string, never through a float.
   */
  currency: (shown: string, currency?: string) => string;
  /** A money figure the browser computes or the user typed: shown by the same one rule, then printed. */
  amount: (exact: string, currency?: string) => string;
  country: (code: string) => string;
  /** An ISO 4217 currency code in words ("euro"), or the code when the browser does not know it. */
  currencyName: (code: string) => string;
  /** An ISO 8601 duration as words when it is whole days; otherwise as written. */
  duration: (iso: string) => string;
  list: (items: string[]) => string;
  /** A share (0–1) as a whole percentage ("85%", "85 %"). */
  percent: (share: number) => string;
}

const durationPattern = /^P(?:(\d+)W)?(?:(\d+)D)?$/;

/** Whole days of a duration like P30D or P2W, or undefined for anything finer. */
export function durationDays(iso: string): number | undefined {
  const m = durationPattern.exec(iso);
  if (!m || iso === 'P') return undefined;
  return Number(m[1] ?? 0) * 7 + Number(m[2] ?? 0);
}

export function createFormatter(
  language: string,
  timeZone: string = Intl.DateTimeFormat().resolvedOptions().timeZone,
): Formatter {
  const locale = intlLocale(language);
  const dateFmt = new Intl.DateTimeFormat(locale, { dateStyle: 'long', timeZone: 'UTC' });
  const dateTimeFmt = new Intl.DateTimeFormat(locale, {
    day: 'numeric',
    month: 'long',
    year: 'numeric',
    hour: '2-digit',
    minute: '2-digit',
    hourCycle: 'h23',
    timeZone,
    timeZoneName: 'short',
  });
  const numberFmt = new Intl.NumberFormat(locale, { maximumFractionDigits: 6 });
  const yearFmt = new Intl.NumberFormat(locale, { useGrouping: false });
  const relativeFmt = new Intl.RelativeTimeFormat(locale, { numeric: 'auto' });
  const dayFmt = new Intl.NumberFormat(locale, { style: 'unit', unit: 'day', unitDisplay: 'long' });
  const listFmt = new Intl.ListFormat(locale, { style: 'long', type: 'conjunction' });
  const percentFmt = new Intl.NumberFormat(locale, { style: 'percent', maximumFractionDigits: 0 });
  let regionNames: Intl.DisplayNames | undefined;
  let currencyNames: Intl.DisplayNames | undefined;
  try {
    regionNames = new Intl.DisplayNames([locale], { type: 'region' });
    currencyNames = new Intl.DisplayNames([locale], { type: 'currency' });
  } catch {
    regionNames = undefined;
  }
  const money = (shown: string, currency: string) =>
    new Intl.NumberFormat(locale, {
      style: 'currency',
      currency,
      minimumFractionDigits: 2,
      maximumFractionDigits: Math.min(100, Math.max(2, shownDecimals(shown))),
    }).format(shown as Intl.StringNumericLiteral);
  return {
    locale: language,
    timeZone,
    date: (iso) => dateFmt.format(new Date(iso.length === 10 ? `${iso}T00:00:00Z` : iso)),
    dateTime: (iso) => dateTimeFmt.format(new Date(iso)),
    relative: (iso, now = new Date()) => {
      const seconds = Math.round((new Date(iso).getTime() - now.getTime()) / 1000);
      const abs = Math.abs(seconds);
      if (abs < 60) return relativeFmt.format(seconds, 'second');
      if (abs < 3600) return relativeFmt.format(Math.round(seconds / 60), 'minute');
      if (abs < 86_400) return relativeFmt.format(Math.round(seconds / 3600), 'hour');
      return relativeFmt.format(Math.round(seconds / 86_400), 'day');
    },
    number: (value) => numberFmt.format(value as Intl.StringNumericLiteral),
    year: (value) => yearFmt.format(value),
    currency: (shown, currency = 'EUR') => money(shown, currency),
    amount: (exact, currency = 'EUR') => money(shownAmount(exact), currency),
    country: (code) => regionNames?.of(code) ?? code,
    currencyName: (code) => {
      try {
        return currencyNames?.of(code) ?? code;
      } catch {
        return code;
      }
    },
    duration: (iso) => {
      const days = durationDays(iso);
      return days === undefined ? iso : dayFmt.format(days);
    },
    list: (items) => listFmt.format(items),
    percent: (share) => percentFmt.format(share),
  };
}

export function useFormat(): Formatter {
  const { i18n } = useTranslation();
  const locale = i18n.resolvedLanguage ?? i18n.language;
  return useMemo(() => createFormatter(locale), [locale]);
}
