import { useTranslation } from 'react-i18next';
import { Link, useParams } from 'react-router';

import { api, call } from '../../api/client';
import { useSession } from '../../auth/session';
import { ErrorSummary } from '../../components/ErrorSummary';
import { Loading } from '../../components/Loading';
import { PageHeading } from '../../components/PageHeading';
import { useFormat } from '../../i18n/format';
import { CpvNames } from '../../reference/Words';
import { OwnQuestions } from './OwnQuestions';
import { PublicDemand } from './PublicDemand';
import { SupplierCallToAction } from './SupplierCallToAction';
import { SupplierConsultationPanel } from './SupplierConsultationPanel';
import { usePublic } from './usePublic';

/** A market consultation, for everyone: demand, request for information, deadline, published answers. E-mails link here. */
export default function ConsultationPage() {
  const { t } = useTranslation();
  const format = useFormat();
  const statementId = useParams().statementId ?? '';
  const { session } = useSession();
  const supplier = session.status === 'signedIn' && session.me.organisation.kind === 'supplier';
  const { data, problem } = usePublic(
    () => call(api.GET('/api/consultations/{statementId}', { params: { path: { statementId } } })),
    statementId,
  );
  if (problem) {
    return (
      <>
        <PageHeading>{t('public.consultation.notFound')}</PageHeading>
        <ErrorSummary problem={problem} />
        <p>
          <Link to="/consultations">{t('public.consultations.all')}</Link>
        </p>
      </>
    );
  }
  if (!data) return <Loading />;
  return (
    <>
      <nav aria-label={t('common.breadcrumb')}>
        <Link to="/consultations">{t('public.consultations.all')}</Link>
      </nav>
      <PageHeading>{data.title}</PageHeading>
      <p className="lead">{data.description}</p>
      <p role="status">{data.open ? t('public.consultation.open') : t('public.consultation.closed')}</p>
      <dl className="facts facts--inline">
        <div>
          <dt>{t('public.consultations.deadline')}</dt>
          <dd>{data.deadline ? format.dateTime(data.deadline) : t('statement.noDeadline')}</dd>
        </div>
        <div>
          <dt>{t('statement.cpvCodes')}</dt>
          <dd>
            <CpvNames codes={data.cpvCodes} />
          </dd>
        </div>
      </dl>

      {data.demand ? <PublicDemand demand={data.demand} /> : null}

      <section aria-labelledby="rfi">
        <h2 id="rfi">{t('public.consultation.rfi')}</h2>
        {data.requestForInformation.length === 0 ? (
          <p>{t('public.consultation.noRfi')}</p>
        ) : (
          <ol>
            {data.requestForInformation.map((q) => (
              <li key={q.id}>{q.text}</li>
            ))}
          </ol>
        )}
      </section>

      <section aria-labelledby="answers">
        <h2 id="answers">{t('public.consultation.answers')}</h2>
        {data.answers.length === 0 ? (
          <p>{t('public.consultation.noAnswers')}</p>
        ) : (
          <dl className="qa">
            {data.answers.map((a) => (
              <div key={a.number}>
                <dt>{t('public.consultation.question', { number: format.number(a.number), question: a.question })}</dt>
                <dd>
                  {a.answer} <span className="muted">({format.dateTime(a.answeredAt)})</span>
                </dd>
              </div>
            ))}
          </dl>
        )}
      </section>

      {supplier && data.open ? <SupplierConsultationPanel consultation={data} /> : null}
      {supplier && !data.open ? <OwnQuestions statementId={data.statementId} /> : null}
      {session.status === 'signedOut' && data.open ? <SupplierCallToAction statementId={data.statementId} /> : null}

      {data.stage === 'published' ? (
        <p>
          <Link to={`/published/${data.statementId}`}>{t('public.consultation.published')}</Link>
        </p>
      ) : null}
    </>
  );
}
