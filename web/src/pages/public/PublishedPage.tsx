import { useTranslation } from 'react-i18next';
import { Link, useParams } from 'react-router';

import { api, call } from '../../api/client';
import { useSession } from '../../auth/session';
import { ErrorSummary } from '../../components/ErrorSummary';
import { Loading } from '../../components/Loading';
import { PageHeading } from '../../components/PageHeading';
import { useFormat } from '../../i18n/format';
import { CpvNames } from '../../reference/Words';
import { AskToSignPanel } from './AskToSignPanel';
import { PublicDemand } from './PublicDemand';
import { feedPath } from './PublishedListPage';
import { usePublic } from './usePublic';

/** One published statement, for everyone: its text, signatories, demand and versions. E-mails link here. */
export default function PublishedPage() {
  const { t } = useTranslation();
  const format = useFormat();
  const statementId = useParams().statementId ?? '';
  const { session } = useSession();
  const { data, problem } = usePublic(
    () => call(api.GET('/api/public/statements/{statementId}', { params: { path: { statementId } } })),
    statementId,
  );
  if (problem) {
    return (
      <>
        <PageHeading>{t('public.published.notFound')}</PageHeading>
        <ErrorSummary problem={problem} />
        <p>
          <Link to="/published">{t('public.published.all')}</Link>
        </p>
      </>
    );
  }
  if (!data) return <Loading />;
  return (
    <>
      <nav aria-label={t('common.breadcrumb')}>
        <Link to="/published">{t('public.published.all')}</Link>
      </nav>
      <PageHeading>{data.title}</PageHeading>
      <p className="lead">{data.description}</p>
      <dl className="facts facts--inline">
        <div>
          <dt>{t('public.publishedAt')}</dt>
          <dd>{format.dateTime(data.publishedAt)}</dd>
        </div>
        <div>
          <dt>{t('public.firstPublishedAt')}</dt>
          <dd>{format.dateTime(data.firstPublishedAt)}</dd>
        </div>
        <div>
          <dt>{t('public.version')}</dt>
          <dd>{format.number(data.version)}</dd>
        </div>
        <div>
          <dt>{t('statement.cpvCodes')}</dt>
          <dd>
            <CpvNames codes={data.cpvCodes} />
          </dd>
        </div>
      </dl>

      <section aria-labelledby="statement-text">
        <h2 id="statement-text">{t('public.published.text')}</h2>
        <div className="statement-text" lang={data.textLocale} style={{ whiteSpace: 'pre-wrap' }}>
          {data.text}
        </div>
      </section>

      <section aria-labelledby="signatories">
        <h2 id="signatories">{t('public.published.signatories')}</h2>
        {data.signatories.length > 0 ? (
          <ul data-testid="named-signatories">
            {data.signatories.map((s) => (
              <li key={`${s.name}-${s.country}`}>
                {s.name} ({format.country(s.country)})
                {s.late ? ` · ${t('public.published.since', { version: format.number(s.sinceVersion) })}` : ''}
              </li>
            ))}
          </ul>
        ) : null}
        {data.unnamedSignatories > 0 ? (
          <p data-testid="unnamed-signatories">
            {data.signatories.length > 0
              ? t('public.published.unnamedOthers', { count: data.unnamedSignatories })
              : t('public.published.unnamedOnly', { count: data.unnamedSignatories })}
          </p>
        ) : null}
      </section>

      {session.status === 'signedIn' && session.me.organisation.kind === 'buyer' ? (
        <AskToSignPanel statementId={data.statementId} me={session.me} />
      ) : null}

      <PublicDemand demand={data.demand} />

      <section aria-labelledby="versions">
        <h2 id="versions">{t('public.published.versions')}</h2>
        <ul>
          {data.versions.map((v) => (
            <li key={v.version}>
              {t('public.published.versionLine', {
                version: format.number(v.version),
                date: format.dateTime(v.publishedAt),
                count: v.signatories,
              })}
            </li>
          ))}
        </ul>
      </section>

      <ul className="links">
        <li>
          <Link to={`/consultations/${data.statementId}`}>{t('public.published.consultation')}</Link>
        </li>
        <li>
          <a href={data.links.ocds} type="application/json">
            {t('public.published.ocds')}
          </a>
        </li>
        <li>
          <a href={feedPath} type="application/atom+xml">
            {t('public.feed')}
          </a>
        </li>
      </ul>
    </>
  );
}
