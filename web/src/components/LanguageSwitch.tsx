import { useTranslation } from 'react-i18next';

import { useSession } from '../auth/session';
import { isLocale, locales } from '../i18n';

/** Each language is named in itself (from its own catalogue), so anyone can find theirs. */
export function LanguageSwitch() {
  const { t, i18n } = useTranslation();
  const { changeLocale } = useSession();
  const current = i18n.resolvedLanguage ?? i18n.language;
  return (
    <div className="language-switch">
      <label htmlFor="language-switch">{t('header.language')}</label>
      <select
        id="language-switch"
        className="input select select--compact"
        value={current}
        onChange={(event) => {
          const value = event.target.value;
          if (isLocale(value)) void changeLocale(value);
        }}
      >
        {locales.map((locale) => (
          <option key={locale} value={locale} lang={locale}>
            {t('language.name', { lng: locale })}
          </option>
        ))}
      </select>
    </div>
  );
}
