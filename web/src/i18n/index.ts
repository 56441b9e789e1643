import { isLocale, type Locale, locales } from '@jointdemand/rules/locales';
import i18next from 'i18next';
import resourcesToBackend from 'i18next-resources-to-backend';
import { initReactI18next } from 'react-i18next';

import en from './en.json';

/**
 * The interface languages. Every visible string comes from these catalogues (catalogues.test.ts
 * checks they have the same keys and no empty values); the type declarations in i18next.d.ts
 * make an unknown key a compile error.
 */
export { isLocale, type Locale, locales } from '@jointdemand/rules/locales';

/**
 * English is in the main script (every string falls back to it); French and German are scripts of
 * their own, loaded only by their readers: a third of the main script, on a slow link seconds.
 */
const otherCatalogues: Record<Exclude<Locale, 'en'>, () => Promise<{ default: typeof en }>> = {
  fr: () => import('./fr.json'),
  de: () => import('./de.json'),
};

const STORAGE_KEY = 'jd.locale';
/** Set when the language was chosen while signed out, so it is saved to the account at the next sign-in. */
const PENDING_KEY = 'jd.locale.pending';

function storage(): Storage | undefined {
  try {
    return window.localStorage;
  } catch {
    return undefined;
  }
}

/** The language to start with: the last choice on this device, else the browser's preference, else English. */
export function initialLocale(): Locale {
  const stored = storage()?.getItem(STORAGE_KEY);
  if (isLocale(stored)) return stored;
  for (const tag of navigator.languages ?? [navigator.language]) {
    const base = tag.toLowerCase().split('-')[0];
    if (isLocale(base)) return base;
  }
  return 'en';
}

/** The same choice as a cookie, so the pages the server writes itself (the sign-in link's page) speak it too. */
export const LOCALE_COOKIE = 'jd_locale';

export function rememberLocale(locale: Locale, options: { pendingForAccount: boolean }): void {
  const s = storage();
  s?.setItem(STORAGE_KEY, locale);
  if (typeof document !== 'undefined')
    document.cookie = `${LOCALE_COOKIE}=${locale}; path=/; max-age=31536000; samesite=lax`;
  if (options.pendingForAccount) s?.setItem(PENDING_KEY, '1');
  else s?.removeItem(PENDING_KEY);
}

export function pendingLocaleChoice(): Locale | undefined {
  const s = storage();
  const stored = s?.getItem(STORAGE_KEY);
  return s?.getItem(PENDING_KEY) && isLocale(stored) ? stored : undefined;
}

function applyDocumentLanguage(locale: string): void {
  document.documentElement.lang = locale;
}

// Also at the start: init changes to the starting language once its catalogue is loaded.
i18next.on('languageChanged', applyDocumentLanguage);

/** Resolves once the starting language's catalogue is loaded: the application renders then (main.tsx). */
export const i18nReady = i18next
  .use(
    resourcesToBackend((language: string) =>
      language in otherCatalogues ? otherCatalogues[language as keyof typeof otherCatalogues]() : Promise.resolve({}),
    ),
  )
  .use(initReactI18next)
  .init({
    resources: { en: { translation: en } },
    partialBundledLanguages: true,
    lng: initialLocale(),
    fallbackLng: 'en',
    supportedLngs: [...locales],
    // React escapes what it renders.
    interpolation: { escapeValue: false },
    returnNull: false,
  });

export default i18next;
