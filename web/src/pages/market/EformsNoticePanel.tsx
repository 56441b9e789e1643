import { useTranslation } from 'react-i18next';

/**
 * The lead's download of its running consultation as an eForms E1 pre-market consultation notice,
 * to submit to TED. The notice is written in the page's language: the title and description go
 * as the lead wrote them, marked with that language (eForms BT-702).
 */
export function EformsNoticePanel({ statementId }: { statementId: string }) {
  const { t, i18n } = useTranslation();
  const lang = i18n.resolvedLanguage ?? i18n.language;
  const languageName = new Intl.DisplayNames([lang], { type: 'language' }).of(lang) ?? lang;
  return (
    <section aria-labelledby="eforms-heading" className="section">
      <h2 id="eforms-heading">{t('market.eforms.title')}</h2>
      <p>{t('market.eforms.intro')}</p>
      <p className="muted">{t('market.eforms.language', { language: languageName })}</p>
      <div className="button-row">
        <a
          className="button button--secondary"
          href={`/api/statements/${statementId}/consultation/eforms-e1.xml?lang=${encodeURIComponent(lang)}`}
          download
          data-testid="eforms-e1-download"
        >
          {t('market.eforms.download')}
        </a>
      </div>
    </section>
  );
}
