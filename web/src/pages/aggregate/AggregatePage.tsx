import { useCallback, useEffect, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { Link, useParams } from 'react-router';
import { api, asProblem, call, type ApiProblem, type Schemas, type Statement } from '../../api/client';
import { useMe, useSession } from '../../auth/session';
import { ErrorSummary } from '../../components/ErrorSummary';
import { StageProgress } from '../../components/StageStepper';
import { StatusMessage } from '../../components/StatusMessage';
import { useFormat } from '../../i18n/format';
import { useCpvEntry } from '../../reference/reference';
import { getStatement, useLoad } from '../needs/load';
import { formatCpv } from '../statement/cpv';
import { CriticalMassMeter } from './CriticalMassMeter';
import { ShortfallDecisionPanel } from './ShortfallDecisionPanel';
import { StatementSubpageHeading } from '../../components/StatementSubpageHeading';

type Aggregate = Schemas['Aggregate'];
type LiveState = Schemas['LiveState'];

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

/**
 * The aggregated demand of a statement: how far it is from each critical-mass rule (the meter),
 * totals, the breakdowns by CPV code, country and delivery year, the EU thresholds and the
 * cross-border verdict. While the statement is in shortfall, the lead buyer decides here.
 */
export default function AggregatePage() {
  const { t } = useTranslation();
  const format = useFormat();
  const me = useMe();
  const { sessionExpired } = useSession();
  const { statementId = '' } = useParams();
  const load = useCallback(async () => {
    const [statement, live, aggregate] = await Promise.all([getStatement(statementId), getLive(statementId), getAggregate(statementId)]);
    return { statement, live, aggregate };
  }, [statementId]);
  const { data, problem, reload } = useLoad(load);
  const [message, setMessage] = useState<{ text: string; n: number } | undefined>();
  const [retryProblem, setRetryProblem] = useState<ApiProblem | undefined>();

  const statement = data?.statement;
  const aggregate = data?.aggregate;
  const live = data?.live;
  const isLead = statement?.lead.id === me.organisation.id;
  const computing = statement?.stage === 'aggregation' && !live?.aggregationBlocked;

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

  const retry = async () => {
    setRetryProblem(undefined);
    try {
      await call(api.POST('/api/statements/{statementId}/aggregate/retry', { params: { path: { statementId } } }));
      await reload();
      setMessage((m) => ({ text: t('aggregate.blocked.retried'), n: (m?.n ?? 0) + 1 }));
    } catch (error) {
      const p = asProblem(error);
      if (p.status === 401) sessionExpired();
      setRetryProblem(p);
    }
  };

  return (
    <>
      <StatementSubpageHeading title={t('aggregate.title')} statement={statement} problem={problem} loading={!data && !problem} />
      <StatusMessage focus key={message?.n}>
        {message?.text}
      </StatusMessage>

      {statement && live ? (
        <>
          <StageProgress stage={statement.stage} />

          {live.aggregationBlocked ? (
            <div className="notice notice--ended">
              <h2 className="notice__title">{t('aggregate.blocked.title')}</h2>
              <p>{t('aggregate.blocked.intro')}</p>
              <ul>
                {live.aggregationBlocked.problems.map((p) => (
                  <li key={p.field}>
                    <span className="mono">{p.field}</span>: <span lang="en">{p.rule}</span>
                  </li>
                ))}
              </ul>
              {isLead ? (
                <>
                  <ErrorSummary problem={retryProblem} />
                  <button type="button" className="button button--primary" onClick={() => void retry()}>
                    {t('aggregate.blocked.retry')}
                  </button>
                </>
              ) : null}
            </div>
          ) : null}

          {!aggregate ? (
            <p className="notice notice--info">{computing ? t('aggregate.computing') : t('aggregate.none')}</p>
          ) : (
            <>
              <div className={`notice ${aggregate.criticalMass.met ? 'notice--success' : 'notice--warning'}`} data-testid="critical-mass-verdict">
                <h2 className="notice__title">{aggregate.criticalMass.met ? t('aggregate.verdict.met') : t('aggregate.verdict.notMet')}</h2>
                <p>
                  {t('aggregate.computedAt', { time: format.dateTime(aggregate.computedAt), round: format.number(aggregate.round) })}
                </p>
              </div>

              {isLead && statement.stage === 'shortfall' ? <ShortfallDecisionPanel statement={statement} onDone={decided} /> : null}
              {!isLead && statement.stage === 'shortfall' ? <p className="notice notice--info">{t('aggregate.shortfall.leadDecides', { lead: statement.lead.name })}</p> : null}

              <section aria-labelledby="meter-heading" className="section">
                <h2 id="meter-heading">{t('aggregate.meter.title')}</h2>
                <p className="muted">{t('aggregate.meter.intro')}</p>
                <CriticalMassMeter verdict={aggregate.criticalMass} />
              </section>

              <section aria-labelledby="totals-heading" className="section">
                <h2 id="totals-heading">{t('aggregate.totals.title')}</h2>
                <dl className="key-facts">
                  <div>
                    <dt>{t('aggregate.totals.value')}</dt>
                    <dd data-testid="total-value">{format.currency(aggregate.aggregate.totals.valueEur, 'EUR')}</dd>
                  </div>
                  <div>
                    <dt>{t('aggregate.totals.buyers')}</dt>
                    <dd>{format.number(aggregate.aggregate.totals.buyers)}</dd>
                  </div>
                  <div>
                    <dt>{t('aggregate.totals.countries')}</dt>
                    <dd>{format.number(aggregate.aggregate.totals.countries)}</dd>
                  </div>
                  <div>
                    <dt>{t('aggregate.totals.lines')}</dt>
                    <dd>{format.number(aggregate.aggregate.totals.lines)}</dd>
                  </div>
                </dl>
                <p className="muted small">
                  {Object.keys(aggregate.aggregate.conversion.rates).length === 0 ? (
                    t('aggregate.totals.allEuro')
                  ) : (
                    <>
                      {t('aggregate.totals.conversion', { date: format.date(aggregate.aggregate.conversion.date) })}{' '}
                      <span lang="en">{aggregate.aggregate.conversion.source}</span>
                    </>
                  )}
                  {!aggregate.aggregate.complete ? ` ${t('aggregate.totals.withheldNote')}` : ''}
                </p>
                {isLead ? (
                  <p>
                    <a className="button button--secondary" href={`/api/statements/${statement.id}/aggregate.csv`} download>
                      {t('aggregate.totals.csv')}
                    </a>
                  </p>
                ) : null}
              </section>

              <Breakdowns aggregate={aggregate} />

              <div className="two-columns">
                <section aria-labelledby="thresholds-heading" className="section">
                  <h2 id="thresholds-heading">{t('aggregate.thresholds.title')}</h2>
                  <p>{t('aggregate.thresholds.estimated', { value: format.currency(aggregate.thresholds.estimatedValueEur, 'EUR') })}</p>
                  <ul className="plain-list">
                    {aggregate.thresholds.natures.map((n) => (
                      <li key={n.nature}>
                        {t(`aggregate.thresholds.${n.position === 'below' ? 'below' : 'above'}`, {
                          nature: t(`aggregate.nature.${n.nature}`),
                          value: format.currency(n.estimatedValueEur, 'EUR'),
                          threshold: format.currency(n.thresholdEur, 'EUR'),
                          buyer: n.setBy.name,
                          category: t(`aggregate.authority.${n.setBy.authorityCategory}`),
                        })}
                        {n.provisional ? ` ${t('aggregate.thresholds.provisional')}` : ''}
                      </li>
                    ))}
                  </ul>
                </section>
                <section aria-labelledby="cross-heading" className="section">
                  <h2 id="cross-heading">{t('aggregate.crossBorder.title')}</h2>
                  <p>
                    {t(`aggregate.crossBorder.kind.${aggregate.crossBorder.kind}`, {
                      countries: format.list(aggregate.crossBorder.countries.map(format.country)),
                    })}
                  </p>
                  {aggregate.crossBorder.needsAgreement ? <p>{t('aggregate.crossBorder.agreement')}</p> : null}
                </section>
              </div>
            </>
          )}
          <p>
            <Link to={`/statements/${statement.id}`}>{t('common.backToStatement')}</Link>
          </p>
        </>
      ) : null}
    </>
  );
}

/** A CPV code with its check digit and official (English) label, once the list has answered. */
function CpvName({ code }: { code: string }) {
  const entry = useCpvEntry(code);
  if (entry.state !== 'found') return <span className="mono">{formatCpv(code)}</span>;
  return (
    <>
      <span className="mono">{`${entry.entry.code}-${entry.entry.checkDigit}`}</span> <span lang="en">{entry.entry.label}</span>
    </>
  );
}

function Amount({ value }: { value: string | null }) {
  const { t } = useTranslation();
  const format = useFormat();
  return value === null ? <span className="muted">{t('aggregate.withheld')}</span> : <>{format.currency(value, 'EUR')}</>;
}

/** Tables of the demand by CPV code, by country and by delivery year. */
function Breakdowns({ aggregate }: { aggregate: Aggregate }) {
  const { t } = useTranslation();
  const format = useFormat();
  // The codes the need lines use: the nodes no other node hangs under (the tree above them is in the CSV).
  const parents = new Set(aggregate.aggregate.byCpv.map((n) => n.parentCode));
  const codes = aggregate.aggregate.byCpv.filter((n) => !parents.has(n.cpvCode));
  return (
    <section aria-labelledby="breakdown-heading" className="section">
      <h2 id="breakdown-heading">{t('aggregate.breakdown.title')}</h2>
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
                <td>
                  {n.quantities && n.quantities.length > 0
                    ? format.list(n.quantities.map((q) => `${format.number(q.totalQuantity)} ${q.unit}`))
                    : t('aggregate.withheld')}
                </td>
                <td>{format.number(n.buyers)}</td>
                <td>
                  <Amount value={n.valueEur} />
                </td>
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
                    <td>{format.number(c.buyers)}</td>
                    <td>
                      <Amount value={c.valueEur} />
                    </td>
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
                    <td>{format.number(y.buyers)}</td>
                    <td>
                      <Amount value={y.valueEur} />
                    </td>
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
