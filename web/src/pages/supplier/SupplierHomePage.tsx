import { useEffect, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { Link } from 'react-router';

import { api, type ApiProblem, asProblem, call, type Schemas } from '../../api/client';
import { useMe } from '../../auth/session';
import { ErrorSummary } from '../../components/ErrorSummary';
import { Loading } from '../../components/Loading';
import { PageHeading } from '../../components/PageHeading';
import { StageTag } from '../../components/StageStepper';
import { useFormat } from '../../i18n/format';
import { ConsultationCards } from '../public/ConsultationCards';

/**
 * A supplier's start page, where signing in leads: its subscription at a glance, the open market
 * consultations that match it (by the rule of the e-mailed notices), the consultations its
 * organisation answered or asked in, and the statements published last.
 */
export default function SupplierHomePage() {
  const { t } = useTranslation();
  const format = useFormat();
  const me = useMe();
  const [home, setHome] = useState<Schemas['SupplierHome'] | undefined>();
  const [problem, setProblem] = useState<ApiProblem | undefined>();

  useEffect(() => {
    let live = true;
    call(api.GET('/api/me/supplier-home')).then(
      (h) => live && setHome(h),
      (error: unknown) => live && setProblem(asProblem(error)),
    );
    return () => {
      live = false;
    };
  }, []);

  const sub = home?.subscription;
  return (
    <>
      <PageHeading>{t('supplier.home.title')}</PageHeading>
      <p className="lead">{t('supplier.home.intro', { organisation: me.organisation.name })}</p>
      <ErrorSummary problem={problem} />
      {!home && !problem ? <Loading /> : null}
      {home && sub ? (
        <>
          <section className="section" aria-labelledby="home-subscription" data-testid="home-subscription">
            <div className="section__head">
              <h2 id="home-subscription">{t('supplier.home.subscription')}</h2>
              <Link to="/subscription" className="button button--secondary">
                {sub.cpvPrefixes.length > 0 ? t('supplier.home.editSubscription') : t('supplier.home.subscribe')}
              </Link>
            </div>
            {sub.cpvPrefixes.length === 0 ? (
              <p>{t('supplier.home.noSubscription')}</p>
            ) : (
              <>
                <dl className="facts">
                  <div>
                    <dt>{t('supplier.home.cpv')}</dt>
                    <dd>
                      <ul className="code-list mono">
                        {sub.cpvPrefixes.map((p) => (
                          <li key={p}>{p}</li>
                        ))}
                      </ul>
                    </dd>
                  </div>
                  <div>
                    <dt>{t('supplier.home.countries')}</dt>
                    <dd>
                      {sub.countries.length === 0
                        ? t('supplier.home.everyCountry')
                        : format.list(sub.countries.map(format.country))}
                    </dd>
                  </div>
                </dl>
                <p className="muted">
                  {sub.active ? t('supplier.subscription.active') : t('supplier.home.noticesOff')}
                </p>
              </>
            )}
            <p>
              <Link to="/saved-searches">{t('savedSearch.homeLink')}</Link>
            </p>
          </section>

          <section className="section" aria-labelledby="home-matching" data-testid="home-matching">
            <div className="section__head">
              <h2 id="home-matching">{t('supplier.home.matching')}</h2>
              <Link to="/consultations">{t('supplier.home.allOpen', { count: home.openConsultations })}</Link>
            </div>
            {home.matchingConsultations.length === 0 ? (
              <p>
                {sub.cpvPrefixes.length === 0
                  ? t('supplier.home.matchingNoSubscription')
                  : t('supplier.home.matchingNone')}
              </p>
            ) : (
              <ConsultationCards consultations={home.matchingConsultations} headingLevel={3} />
            )}
          </section>

          <section className="section" aria-labelledby="home-engagements" data-testid="home-engagements">
            <h2 id="home-engagements">{t('supplier.home.engagements')}</h2>
            {home.engagements.length === 0 ? (
              <p>{t('supplier.home.engagementsNone')}</p>
            ) : (
              <ul className="card-list">
                {home.engagements.map((e) => (
                  <li key={e.statementId} className="card statement-card">
                    <h3 className="card__title">
                      <Link
                        to={e.stage === 'published' ? `/published/${e.statementId}` : `/consultations/${e.statementId}`}
                      >
                        {e.title}
                      </Link>
                    </h3>
                    <dl className="facts facts--inline">
                      <div>
                        <dt>{t('supplier.home.state')}</dt>
                        <dd>
                          {e.open ? (
                            <span className="tag tag--active">
                              {t('supplier.home.openUntil', {
                                deadline: e.deadline ? format.dateTime(e.deadline) : '',
                              })}
                            </span>
                          ) : (
                            <StageTag stage={e.stage} />
                          )}
                        </dd>
                      </div>
                      <div>
                        <dt>{t('supplier.home.response')}</dt>
                        <dd>
                          {e.respondedAt
                            ? t('supplier.home.respondedAt', { date: format.dateTime(e.respondedAt) })
                            : t('supplier.home.noResponse')}
                        </dd>
                      </div>
                      <div>
                        <dt>{t('supplier.home.questions')}</dt>
                        <dd>
                          {e.questionsAsked === 0
                            ? t('supplier.home.noQuestions')
                            : t('supplier.home.questionsAsked', {
                                count: e.questionsAsked,
                                answered: format.number(e.questionsAnswered),
                              })}
                        </dd>
                      </div>
                    </dl>
                  </li>
                ))}
              </ul>
            )}
          </section>

          <section className="section" aria-labelledby="home-published" data-testid="home-published">
            <div className="section__head">
              <h2 id="home-published">{t('supplier.home.published')}</h2>
              <Link to="/published">{t('public.published.all')}</Link>
            </div>
            {home.recentPublished.length === 0 ? (
              <p>{t('public.published.empty')}</p>
            ) : (
              <ul className="plain-list">
                {home.recentPublished.map((s) => (
                  <li key={s.statementId}>
                    <Link to={`/published/${s.statementId}`}>{s.title}</Link>{' '}
                    <span className="muted">
                      {t('supplier.home.publishedOn', { date: format.date(s.publishedAt) })}
                    </span>
                  </li>
                ))}
              </ul>
            )}
          </section>
        </>
      ) : null}
    </>
  );
}
