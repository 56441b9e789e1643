import { useTranslation } from 'react-i18next';
import { Link } from 'react-router';

import { api, call } from '../../api/client';
import { ErrorSummary } from '../../components/ErrorSummary';
import { Loading } from '../../components/Loading';
import { PageHeading } from '../../components/PageHeading';
import { useFormat } from '../../i18n/format';
import { CpvNames } from '../../reference/Words';
import { usePublic } from './usePublic';

export const feedPath = '/api/public/statements.atom';

/** Published joint statements of demand, for everyone (no sign-in), with the Atom feed. */
export default function PublishedListPage() {
  const { t } = useTranslation();
  const format = useFormat();
  const { data, problem } = usePublic(
    () => call(api.GET('/api/public/statements', { params: { query: { limit: 100 } } })),
    'published',
  );
  return (
    <>
      <PageHeading>{t('public.published.title')}</PageHeading>
      <p className="lead">{t('public.published.intro')}</p>
      <p>
        <a href={feedPath} type="application/atom+xml">
          {t('public.feed')}
        </a>
      </p>
      <ErrorSummary problem={problem} />
      {data === undefined && !problem ? <Loading /> : null}
      {data ? (
        data.length === 0 ? (
          <div className="empty">
            <p>{t('public.published.empty')}</p>
          </div>
        ) : (
          <ul className="card-list">
            {data.map((s) => (
              <li key={s.statementId} className="card statement-card">
                <h2 className="card__title">
                  <Link to={`/published/${s.statementId}`}>{s.title}</Link>
                </h2>
                <dl className="facts facts--inline">
                  <div>
                    <dt>{t('public.publishedAt')}</dt>
                    <dd>{format.date(s.publishedAt)}</dd>
                  </div>
                  <div>
                    <dt>{t('public.version')}</dt>
                    <dd>{format.number(s.version)}</dd>
                  </div>
                  <div>
                    <dt>{t('public.signatoryCount')}</dt>
                    <dd>{format.number(s.signatories)}</dd>
                  </div>
                  <div>
                    <dt>{t('statement.cpvCodes')}</dt>
                    <dd>
                      <CpvNames codes={s.cpvCodes} />
                    </dd>
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
