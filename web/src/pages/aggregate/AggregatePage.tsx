import { useCallback, useEffect, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { Link, useParams } from 'react-router';

import { allows, api, asProblem, call, type Schemas, type Statement } from '../../api/client';
import { useMe } from '../../auth/session';
import { ConversionNote } from '../../components/ConversionNote';
import { RateBlockNotice } from '../../components/RateProblems';
import { StageProgress } from '../../components/StageStepper';
import { StatementSubpageHeading } from '../../components/StatementSubpageHeading';
import { StatusMessage } from '../../components/StatusMessage';
import { anyWithheld, Figure, Withheld, WithheldExplanation } from '../../components/Withheld';
import { useFormat } from '../../i18n/format';
import { CpvName } from '../../reference/Words';
import { getStatement, useLoad } from '../needs/load';
import { ProcessFailureNotice } from '../statement/ProcessFailureNotice';
import { CriticalMassMeter } from './CriticalMassMeter';
import { FigureConsentPanel } from './FigureConsentPanel';
import { GroupCells } from './GroupCells';
import { ShortfallDecisionPanel } from './ShortfallDecisionPanel';

type Aggregate = Schemas['Aggregate'];
type LiveState = Schemas['LiveState'];
type FigureConsent = Schemas['FigureConsent'];

/** The latest aggregate, or null while none has been computed (404). */
async function getAggregate(statementId: string): Promise<Aggregate | null> {
  try {
    return await call(api.GET('/api/statements/{statementId}/aggregate', { params: { path: { statementId } } }));
  } catch (error) {
    if (asProblem(error).status === 404) return null;
    throw error;
  }
}

const getLive = (statementId: string): Promise<LiveState> =>
  call(api.GET('/api/statements/{statementId}/live', { params: { path: { statementId } } }));

const getFigureConsent = (statementId: string): Promise<FigureConsent> =>
  call(api.GET('/api/statements/{statementId}/figure-consent', { params: { path: { statementId } } }));

/** A buyer other than the lead (which reads every figure) that the server lets agree to show its own protected figures. */
const mayConsent = (statement: Statement, orgId: string): boolean =>
  statement.lead.id !== orgId && allows(statement, 'consentToShowFigures');

/**
 * The aggregated demand of a statement: how far it is from each critical-mass rule (the meter),
 * totals, the breakdowns by CPV code, country and delivery year, the EU thresholds and the
 * cross-border verdict. While the statement is in shortfall, the lead buyer decides here.
 * Anyone but the lead sees the figures disclosure control leaves: a withheld one says why, and
 * a participating buyer may agree here to show its own figures.
 */
export default function AggregatePage() {
  const { t } = useTranslation();
  const format = useFormat();
  const me = useMe();
  const { statementId = '' } = useParams();
  const orgId = me.organisation.id;
  const load = useCallback(async () => {
    const [statement, live, aggregate] = await Promise.all([
      getStatement(statementId),
      getLive(statementId),
      getAggregate(statementId),
    ]);
    const consent = aggregate && mayConsent(statement, orgId) ? await getFigureConsent(statementId) : null;
    return { statement, live, aggregate, consent };
  }, [statementId, orgId]);
  const { data, problem, reload } = useLoad(load);
  const [message, setMessage] = useState<{ text: string; n: number } | undefined>();

  const statement = data?.statement;
  const aggregate = data?.aggregate;
  const live = data?.live;
  const isLead = statement?.lead.id === me.organisation.id;
  // A failed aggregation (processFailure) waits for the lead as a blocked one does.
  const computing = statement?.stage === 'aggregation' && !live?.aggregationBlocked && !live?.processFailure;

  // While the aggregation runs, look again every few seconds.
  useEffect(() => {
    if (!computing) return;
    const timer = setInterval(() => void reload(), 3000);
    return () => clearInterval(timer);
  }, [computing, reload]);

  const decided = (updated: Statement, text: string) => {
    void reload().then(() => setMessage((m) => ({ text, n: (m?.n ?? 0) + 1 })));
    void updated;
  };

  const consented = async (text: string) => {
    await reload();
    setMessage((m) => ({ text, n: (m?.n ?? 0) + 1 }));
  };

  return (
    <>
      <StatementSubpageHeading
        title={t('aggregate.title')}
        statement={statement}
        problem={problem}
        loading={!data && !problem}
      />
      <StatusMessage focus key={message?.n}>
        {message?.text}
      </StatusMessage>

      {statement && live ? (
        <>
          <StageProgress stage={statement.stage} />

          {live.processFailure ? (
            <ProcessFailureNotice
              statementId={statement.id}
              stage={statement.stage}
              failure={live.processFailure}
              isLead={isLead}
              cancelHref={`/statements/${statement.id}#cancel-heading`}
              onRetried={consented}
            />
          ) : null}

          {live.aggregationBlocked ? (
            <RateBlockNotice
              statementId={statement.id}
              blocked={live.aggregationBlocked}
              canRetry={allows(statement, 'retryAggregation')}
              onSettled={(_live, done) => (done ? consented(done) : reload())}
            />
          ) : null}

          {!aggregate ? (
            <p className="notice notice--info">{computing ? t('aggregate.computing') : t('aggregate.none')}</p>
          ) : (
            <>
              <div
                className={`notice ${aggregate.criticalMass.met ? 'notice--success' : 'notice--warning'}`}
                data-testid="critical-mass-verdict"
              >
                <h2 className="notice__title">
                  {aggregate.criticalMass.met ? t('aggregate.verdict.met') : t('aggregate.verdict.notMet')}
                </h2>
                <p>
                  {t('aggregate.computedAt', {
                    time: format.dateTime(aggregate.computedAt),
                    round: format.number(aggregate.round),
                  })}
                </p>
              </div>

              {withheldOnPage(aggregate) ? <WithheldExplanation leadSeesAll={!isLead} /> : null}

              {allows(statement, 'decideShortfall') ? (
                <ShortfallDecisionPanel statement={statement} onDone={decided} />
              ) : null}
              {!allows(statement, 'decideShortfall') && statement.stage === 'shortfall' ? (
                <p className="notice notice--info">
                  {t('aggregate.shortfall.leadDecides', { lead: statement.lead.name })}
                </p>
              ) : null}

              <section aria-labelledby="meter-heading" className="section">
                <h2 id="meter-heading">{t('aggregate.meter.title')}</h2>
                <p className="muted">{t('aggregate.meter.intro')}</p>
                <CriticalMassMeter verdict={aggregate.criticalMass} aggregate={aggregate.aggregate} />
              </section>

              <section aria-labelledby="totals-heading" className="section">
                <h2 id="totals-heading">{t('aggregate.totals.title')}</h2>
                <dl className="key-facts">
                  <div>
                    <dt>{t('aggregate.totals.value')}</dt>
                    <dd data-testid="total-value">
                      <Figure
                        value={aggregate.aggregate.totals.valueEur}
                        reason={aggregate.aggregate.totals.withheldReason}
                        show={(v) => format.currency(v, 'EUR')}
                      />
                    </dd>
                  </div>
                  <div>
                    <dt>{t('aggregate.totals.buyers')}</dt>
                    <dd>
                      <Figure
                        value={aggregate.aggregate.totals.buyers}
                        reason={aggregate.aggregate.totals.withheldReason}
                        show={format.number}
                      />
                    </dd>
                  </div>
                  <div>
                    <dt>{t('aggregate.totals.countries')}</dt>
                    <dd>{format.number(aggregate.aggregate.totals.countries)}</dd>
                  </div>
                  {aggregate.aggregate.totals.lines !== null && (
                    <div>
                      <dt>{t('aggregate.totals.lines')}</dt>
                      <dd>{format.number(aggregate.aggregate.totals.lines)}</dd>
                    </div>
                  )}
                </dl>
                <ConversionNote conversion={aggregate.aggregate.conversion} />
                {allows(statement, 'exportAggregate') ? (
                  <p>
                    <a
                      className="button button--secondary"
                      href={`/api/statements/${statement.id}/aggregate.csv`}
                      download
                    >
                      {t('aggregate.totals.csv')}
                    </a>
                  </p>
                ) : null}
              </section>

              <Breakdowns aggregate={aggregate} />

              <div className="two-columns">
                <section aria-labelledby="thresholds-heading" className="section">
                  <h2 id="thresholds-heading">{t('aggregate.thresholds.title')}</h2>
                  <p data-testid="threshold-estimate">
                    {aggregate.thresholds.estimatedValueEur === null ? (
                      <>
                        {t('aggregate.thresholds.estimatedLabel')}{' '}
                        <Withheld reason={aggregate.aggregate.totals.withheldReason} />
                      </>
                    ) : (
                      t('aggregate.thresholds.estimated', {
                        value: format.currency(aggregate.thresholds.estimatedValueEur, 'EUR'),
                      })
                    )}
                  </p>
                  <ConversionNote conversion={aggregate.aggregate.conversion} testId="conversion-note-thresholds" />
                  {aggregate.thresholds.mixedContract ? <p>{t('aggregate.thresholds.eachAlone')}</p> : null}
                  <ul className="plain-list" data-testid="threshold-natures">
                    {aggregate.thresholds.natures.map((n) => {
                      const about = {
                        nature: t(`aggregate.nature.${n.nature}`),
                        threshold: format.currency(n.thresholdEur, 'EUR'),
                        buyer: n.setBy.name,
                        category: t(`aggregate.authority.${n.setBy.authorityCategory}`),
                      };
                      return (
                        <li key={n.nature}>
                          {n.withheld || n.position === null || n.estimatedValueEur === null ? (
                            <span className="withheld" data-withheld="protected">
                              {t('aggregate.thresholds.withheld', about)}
                            </span>
                          ) : (
                            t(`aggregate.thresholds.${n.position === 'below' ? 'below' : 'above'}`, {
                              ...about,
                              value: format.currency(n.estimatedValueEur, 'EUR'),
                            })
                          )}
                          {n.provisional ? ` ${t('aggregate.thresholds.provisional')}` : ''}
                        </li>
                      );
                    })}
                  </ul>
                  {aggregate.thresholds.mixedContract ? (
                    <OneContract
                      mixed={aggregate.thresholds.mixedContract}
                      estimatedValueEur={aggregate.thresholds.estimatedValueEur}
                    />
                  ) : null}
                </section>
                <section aria-labelledby="cross-heading" className="section">
                  <h2 id="cross-heading">{t('aggregate.crossBorder.title')}</h2>
                  <p>
                    {t(`aggregate.crossBorder.kind.${aggregate.crossBorder.kind}`, {
                      countries: format.list(aggregate.crossBorder.countries.map(format.country)),
                    })}
                  </p>
                  {aggregate.crossBorder.needsAgreement ? <p>{t('aggregate.crossBorder.agreement')}</p> : null}
                  {aggregate.crossBorder.route === 'central_purchasing_body' &&
                  aggregate.crossBorder.centralPurchasingBody ? (
                    <p data-testid="procurement-route">
                      {t('aggregate.crossBorder.centralPurchasingBody', {
                        name: aggregate.crossBorder.centralPurchasingBody.name,
                        country: format.country(aggregate.crossBorder.centralPurchasingBody.country),
                      })}
                    </p>
                  ) : null}
                </section>
              </div>
            </>
          )}
          {aggregate && data.consent ? (
            <FigureConsentPanel statementId={statement.id} consent={data.consent} onDone={consented} />
          ) : null}

          <p>
            <Link to={`/statements/${statement.id}`}>{t('common.backToStatement')}</Link>
          </p>
        </>
      ) : null}
    </>
  );
}

/**
 * The procurement as one mixed contract (Directive 2014/24/EU Art. 3(2)): its main subject's
 * threshold for the whole value, once or, with works in the mix, under both readings.
 */
function OneContract({
  mixed,
  estimatedValueEur,
}: {
  mixed: NonNullable<Aggregate['thresholds']['mixedContract']>;
  estimatedValueEur: string | null;
}) {
  const { t } = useTranslation();
  const format = useFormat();
  return (
    <div data-testid="threshold-one-contract">
      <h3>{t('aggregate.thresholds.oneContract.title')}</h3>
      <p>{t('aggregate.thresholds.oneContract.intro')}</p>
      {mixed.withheld || estimatedValueEur === null ? (
        <p>
          <span className="withheld" data-withheld="protected">
            {t('aggregate.thresholds.oneContract.withheld')}
          </span>
        </p>
      ) : (
        <ul className="plain-list">
          {mixed.readings.map((r) => (
            <li key={r.basis}>
              {t(`aggregate.thresholds.oneContract.basis.${r.basis}`, {
                nature: t(`aggregate.nature.${r.mainSubject}`),
              })}{' '}
              {t(`aggregate.thresholds.oneContract.${r.position === 'below' ? 'below' : 'above'}`, {
                value: format.currency(estimatedValueEur, 'EUR'),
                threshold: format.currency(r.thresholdEur, 'EUR'),
                category: t(`aggregate.authority.${r.setBy.authorityCategory}`),
                buyer: r.setBy.name,
              })}
            </li>
          ))}
        </ul>
      )}
    </div>
  );
}

/** Whether the page shows a withheld figure: in the totals and tables, a critical-mass result or a threshold verdict. */
function withheldOnPage(aggregate: Aggregate): boolean {
  const a = aggregate.aggregate;
  return (
    anyWithheld(
      a.totals,
      a.items,
      a.byCountry,
      a.byDeliveryYear,
      aggregate.criticalMass.results,
      aggregate.thresholds.natures,
    ) ||
    aggregate.thresholds.estimatedValueEur === null ||
    aggregate.thresholds.mixedContract?.withheld === true
  );
}

/** Tables of the demand by CPV code, by country and by delivery year. */
function Breakdowns({ aggregate }: { aggregate: Aggregate }) {
  const { t } = useTranslation();
  const format = useFormat();
  // The codes the need lines use, each with the lines coded at exactly that code (the tree above them is in the CSV).
  const codes = aggregate.aggregate.items;
  return (
    <section aria-labelledby="breakdown-heading" className="section">
      <h2 id="breakdown-heading">{t('aggregate.breakdown.title')}</h2>
      <ConversionNote conversion={aggregate.aggregate.conversion} testId="conversion-note-breakdown" />
      <h3 id="by-cpv-heading">{t('aggregate.breakdown.byCpv')}</h3>
      <div className="table-scroll" role="region" aria-labelledby="by-cpv-heading" tabIndex={0}>
        <table className="table">
          <thead>
            <tr>
              <th scope="col">{t('aggregate.breakdown.cpv')}</th>
              <th scope="col">{t('aggregate.breakdown.quantity')}</th>
              <th scope="col">{t('aggregate.breakdown.buyers')}</th>
              <th scope="col">{t('aggregate.breakdown.value')}</th>
            </tr>
          </thead>
          <tbody>
            {codes.map((n) => (
              <tr key={n.cpvCode}>
                <th scope="row">
                  <CpvName code={n.cpvCode} />
                </th>
                <GroupCells group={n} quantities="total" />
              </tr>
            ))}
          </tbody>
        </table>
      </div>
      <div className="two-columns">
        <div>
          <h3 id="by-country-heading">{t('aggregate.breakdown.byCountry')}</h3>
          <div className="table-scroll" role="region" aria-labelledby="by-country-heading" tabIndex={0}>
            <table className="table">
              <thead>
                <tr>
                  <th scope="col">{t('aggregate.breakdown.country')}</th>
                  <th scope="col">{t('aggregate.breakdown.buyers')}</th>
                  <th scope="col">{t('aggregate.breakdown.value')}</th>
                </tr>
              </thead>
              <tbody>
                {aggregate.aggregate.byCountry.map((c) => (
                  <tr key={c.country}>
                    <th scope="row">{format.country(c.country)}</th>
                    <GroupCells group={c} />
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
        </div>
        <div>
          <h3 id="by-year-heading">{t('aggregate.breakdown.byYear')}</h3>
          <div className="table-scroll" role="region" aria-labelledby="by-year-heading" tabIndex={0}>
            <table className="table">
              <thead>
                <tr>
                  <th scope="col">{t('aggregate.breakdown.year')}</th>
                  <th scope="col">{t('aggregate.breakdown.buyers')}</th>
                  <th scope="col">{t('aggregate.breakdown.value')}</th>
                </tr>
              </thead>
              <tbody>
                {aggregate.aggregate.byDeliveryYear.map((y) => (
                  <tr key={y.year}>
                    <th scope="row">{format.year(y.year)}</th>
                    <GroupCells group={y} />
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
        </div>
      </div>
    </section>
  );
}
