import { useTranslation } from 'react-i18next';

import { api, call } from '../../api/client';
import { ErrorSummary } from '../../components/ErrorSummary';
import { Loading } from '../../components/Loading';
import { PageHeading } from '../../components/PageHeading';
import { ConsultationCards } from './ConsultationCards';
import { usePublic } from './usePublic';

/** Market consultations open now, for everyone (no sign-in), the soonest to close first. */
export default function ConsultationsPage() {
  const { t } = useTranslation();
  const { data, problem } = usePublic(
    () => call(api.GET('/api/consultations', { params: { query: { limit: 100, offset: 0 } } })),
    'open',
  );
  return (
    <>
      <PageHeading>{t('public.consultations.title')}</PageHeading>
      <p className="lead">{t('public.consultations.intro')}</p>
      <ErrorSummary problem={problem} />
      {data === undefined && !problem ? <Loading /> : null}
      {data ? (
        data.length === 0 ? (
          <div className="empty">
            <p>{t('public.consultations.empty')}</p>
          </div>
        ) : (
          <ConsultationCards consultations={data} headingLevel={2} />
        )
      ) : null}
    </>
  );
}
