import { useTranslation } from 'react-i18next';
import { Link } from 'react-router';
import { api, call } from '../../api/client';
import { ErrorSummary } from '../../components/ErrorSummary';
import { Loading } from '../../components/Loading';
import { PageHeading } from '../../components/PageHeading';
import { useFormat } from '../../i18n/format';
import { formatCpv } from '../statement/cpv';
import { usePublic } from './usePublic';

/** Market consultations open now, for everyone (no sign-in), the soonest to close first. */
export default function ConsultationsPage() {
  const { t } = useTranslation();
  const format = useFormat();
  const { data, problem } = usePublic(() => call(api.GET('/api/consultations', { params: { query: { limit: 100, offset: 0 } } })), 'open');
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
          <ul className="card-list">
            {data.map((c) => (
              <li key={c.statementId} className="card statement-card">
                <h2 className="card__title">
                  <Link to={`/consultations/${c.statementId}`}>{c.title}</Link>
                </h2>
                <dl className="facts facts--inline">
                  <div>
                    <dt>{t('public.consultations.deadline')}</dt>
                    <dd>{c.deadline ? format.dateTime(c.deadline) : t('statement.noDeadline')}</dd>
                  </div>
                  <div>
                    <dt>{t('statement.cpvCodes')}</dt>
                    <dd className="mono">{c.cpvCodes.map(formatCpv).join(', ')}</dd>
                  </div>
                </dl>
              </li>
            ))}
          </ul>
        )
      ) : null}
    </>
  );
}
