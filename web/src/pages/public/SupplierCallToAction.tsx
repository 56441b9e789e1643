import { useTranslation } from 'react-i18next';
import { Link } from 'react-router';

/** For a signed-out visitor on an open consultation: sign in to respond (and come back here), or register a company. */
export function SupplierCallToAction({ statementId }: { statementId: string }) {
  const { t } = useTranslation();
  const back = encodeURIComponent(`/consultations/${statementId}`);
  return (
    <section aria-labelledby="supplier-cta" className="notice notice--info">
      <h2 id="supplier-cta">{t('public.consultation.cta.title')}</h2>
      <p>{t('public.consultation.cta.intro')}</p>
      <p className="actions">
        <Link className="button button--primary" to={`/sign-in?return=${back}`}>
          {t('public.consultation.cta.signIn')}
        </Link>{' '}
        <Link className="button button--secondary" to="/register">
          {t('public.consultation.cta.register')}
        </Link>
      </p>
    </section>
  );
}
