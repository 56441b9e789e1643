import { useCallback } from 'react';
import { useTranslation } from 'react-i18next';
import { Link, useParams } from 'react-router';

import { api, call } from '../../api/client';
import { ErrorSummary } from '../../components/ErrorSummary';
import { Loading } from '../../components/Loading';
import { PageHeading } from '../../components/PageHeading';
import { RateBlockNotice } from '../../components/RateProblems';
import { StageTag } from '../../components/StageStepper';
import { WithheldExplanation } from '../../components/Withheld';
import { useFormat } from '../../i18n/format';
import { useLoad } from '../needs/load';
import { PilotTimeline } from './PilotTimeline';
import { PilotValue, pilotValueWithheld } from './PilotValue';
import { StuckFlag, StuckNotice } from './StuckPilot';

/** One pilot for Commission staff: where it stands, its figures, and when it entered and left each stage. */
export default function PilotPage() {
  const { t } = useTranslation();
  const format = useFormat();
  const { statementId = '' } = useParams();
  const load = useCallback(
    () => call(api.GET('/api/dashboard/pilots/{statementId}', { params: { path: { statementId } } })),
    [statementId],
  );
  const { data, problem } = useLoad(load);
  const p = data?.pilot;
  return (
    <>
      <nav aria-label={t('common.breadcrumb')} className="breadcrumb">
        <Link to="/dashboard">{t('dashboard.title')}</Link>
      </nav>
      <PageHeading documentTitle={p?.title ?? t('dashboard.pilot.title')}>
        {p?.title ?? t('dashboard.pilot.title')}
      </PageHeading>
      <ErrorSummary problem={problem} />
      {!data && !problem ? <Loading /> : null}
      {p && data ? (
        <>
          {p.stuck ? <StuckNotice stuck={p.stuck} /> : null}
          {data.aggregationBlocked ? (
            <RateBlockNotice
              statementId={statementId}
              blocked={data.aggregationBlocked}
              canRetry={false}
              onSettled={() => undefined}
            />
          ) : null}
          {pilotValueWithheld(p) ? <WithheldExplanation /> : null}
          <dl className="key-facts" data-testid="pilot-facts">
            <div>
              <dt>{t('dashboard.table.stage')}</dt>
              <dd>
                <StageTag stage={p.stage} />{' '}
                {p.overdue ? (
                  <span className="tag tag--warning">
                    {p.nextDeadline
                      ? t('dashboard.overdueSince', { date: format.date(p.nextDeadline) })
                      : t('dashboard.overdue')}
                  </span>
                ) : null}
                {p.stuck ? (
                  <>
                    {' '}
                    <StuckFlag stuck={p.stuck} />
                  </>
                ) : null}
              </dd>
            </div>
            <div>
              <dt>{t('dashboard.table.deadline')}</dt>
              <dd>{p.nextDeadline ? format.dateTime(p.nextDeadline) : t('dashboard.none')}</dd>
            </div>
            <div>
              <dt>{t('dashboard.pilot.lead')}</dt>
              <dd>
                {p.lead.name} ({format.country(p.lead.country)})
              </dd>
            </div>
            <div>
              <dt>{t('dashboard.table.buyers')}</dt>
              <dd>
                {t('dashboard.table.buyersIn', {
                  count: p.buyers,
                  countries: format.list(p.countries.map(format.country)),
                })}
              </dd>
            </div>
            <div>
              <dt>{t('dashboard.table.value')}</dt>
              <dd data-testid="pilot-value">
                <PilotValue pilot={p} />
              </dd>
            </div>
            <div>
              <dt>{t('dashboard.table.criticalMass')}</dt>
              <dd>
                {p.criticalMassMet === null
                  ? t('dashboard.none')
                  : p.criticalMassMet
                    ? t('dashboard.met')
                    : t('dashboard.notMet')}
              </dd>
            </div>
            <div>
              <dt>{t('dashboard.pilot.route')}</dt>
              <dd data-testid="pilot-route">
                {p.procurementRoute.centralPurchasingBody
                  ? t('dashboard.pilot.routeCpb', {
                      name: p.procurementRoute.centralPurchasingBody.name,
                      country: format.country(p.procurementRoute.centralPurchasingBody.country),
                    })
                  : p.crossBorder
                    ? t('dashboard.pilot.routeJointAgreement')
                    : t('dashboard.pilot.routeJoint')}
              </dd>
            </div>
            <div>
              <dt>{t('dashboard.pilot.grouping')}</dt>
              <dd>
                {p.grouping
                  ? `${p.grouping.name} (${t(`dashboard.groupingKind.${p.grouping.kind}`)})`
                  : t('dashboard.none')}
              </dd>
            </div>
            <div>
              <dt>{t('dashboard.table.suppliers')}</dt>
              <dd>{format.number(p.suppliersEngaged)}</dd>
            </div>
          </dl>

          <section aria-labelledby="timeline-heading" className="section">
            <h2 id="timeline-heading">{t('dashboard.pilot.timeline')}</h2>
            <PilotTimeline detail={data} />
          </section>
          <p>
            <Link to={`/statements/${p.id}`}>{t('dashboard.pilot.statement')}</Link>
          </p>
        </>
      ) : null}
    </>
  );
}
