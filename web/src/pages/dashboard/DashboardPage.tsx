import { participatingCountries } from '@jointdemand/rules/countries';
import { useCallback, useRef, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { Link, useSearchParams } from 'react-router';

import { api, type ApiProblem, asProblem, call, type Schemas, type Stage } from '../../api/client';
import { useSession } from '../../auth/session';
import { ErrorSummary } from '../../components/ErrorSummary';
import { SelectField } from '../../components/Field';
import { Loading } from '../../components/Loading';
import { PageHeading } from '../../components/PageHeading';
import { ScrollableTable } from '../../components/ScrollableTable';
import { StageTag } from '../../components/StageStepper';
import { Withheld, WithheldExplanation } from '../../components/Withheld';
import { useFormat } from '../../i18n/format';
import { exitStages, mainPath } from '../../process/stages';
import { type CpvHit, useCpvDivisions } from '../../reference/reference';
import { useLoad } from '../needs/load';
import { DashboardCharts } from './charts/DashboardCharts';
import { PilotValue, pilotValueWithheld } from './PilotValue';
import { StuckFlag } from './StuckPilot';

type Dashboard = Schemas['Dashboard'];
/** Pilots per page: the totals and charts cover every matching pilot, the table grows a page at a time. */
const pageSize = 50;
const stageFilters: Stage[] = [...mainPath.slice(0, 4), 'shortfall', ...mainPath.slice(4), ...exitStages];
/** EU and EEA countries, alphabetically (the shared list, `@jointdemand/rules/countries`). */
const countries = [...participatingCountries].sort();
const divisions = Array.from({ length: 99 }, (_, i) => String(i + 1).padStart(2, '0'));

/** The CPV divisions by their two digits, labelled in the interface's language (issue 18): "45 Construction work". */
function useDivisionLabels(): Map<string, CpvHit> {
  const loaded = useCpvDivisions();
  return new Map(loaded.map((d) => [d.code.slice(0, 2), d]));
}

interface Filters {
  grouping: string;
  sector: string;
  country: string;
  stage: Stage | '';
  overdue: boolean;
  stuck: boolean;
}

/**
 * The filters as the address holds them (`?stage=aggregation&country=FI&overdue=true`), so a
 * reload or a shared link shows the same pilots. A value the form does not offer (an old or
 * hand-edited link) is ignored rather than sent to the API to be refused.
 */
function filtersFrom(params: URLSearchParams): Filters {
  const pick = (key: string, allowed?: readonly string[]) => {
    const value = params.get(key) ?? '';
    return !allowed || allowed.includes(value) ? value : '';
  };
  return {
    grouping: pick('grouping').slice(0, 200),
    sector: pick('sector', divisions),
    country: pick('country', countries),
    stage: pick('stage', stageFilters) as Stage | '',
    overdue: params.get('overdue') === 'true',
    stuck: params.get('stuck') === 'true',
  };
}

/**
 * Every pilot of the programme for Commission staff: filters, totals, charts (pilots by stage,
 * value by CPV division, buyers by country), and the table of pilots with a link to each one,
 * a page at a time: "Show more pilots" follows the server's cursor and adds the next page.
 */
export default function DashboardPage() {
  const { t } = useTranslation();
  const format = useFormat();
  const divisionLabel = useDivisionLabels();
  const [searchParams, setSearchParams] = useSearchParams();
  const filters = filtersFrom(searchParams);
  const query = {
    limit: pageSize,
    ...(filters.grouping ? { grouping: filters.grouping } : {}),
    ...(filters.sector ? { sector: filters.sector } : {}),
    ...(filters.country ? { country: filters.country } : {}),
    ...(filters.stage ? { stage: filters.stage } : {}),
    ...(filters.overdue ? { overdue: 'true' as const } : {}),
    ...(filters.stuck ? { stuck: 'true' as const } : {}),
  };
  const queryKey = JSON.stringify(query);
  const load = useCallback(async () => {
    const q = JSON.parse(queryKey) as typeof query;
    const [dashboard, groupings] = await Promise.all([
      call(api.GET('/api/dashboard', { params: { query: q } })),
      call(api.GET('/api/dashboard/groupings')),
    ]);
    return { dashboard, groupings };
  }, [queryKey]);
  const { data, problem, set: setData } = useLoad(load);
  const { sessionExpired } = useSession();
  const [more, setMore] = useState<{ busy: boolean; problem?: ApiProblem | undefined }>({ busy: false });
  // The filters a page was asked for: a page that answers after they changed is dropped.
  const currentQuery = useRef(queryKey);
  currentQuery.current = queryKey;
  const showMore = async () => {
    const cursor = data?.dashboard.nextCursor;
    if (!data || !cursor) return;
    const asked = queryKey;
    setMore({ busy: true });
    try {
      const next = await call(
        api.GET('/api/dashboard', { params: { query: { ...(JSON.parse(asked) as typeof query), cursor } } }),
      );
      if (currentQuery.current !== asked) return;
      setData({
        ...data,
        dashboard: {
          ...data.dashboard,
          pilots: [...data.dashboard.pilots, ...next.pilots],
          nextCursor: next.nextCursor,
        },
      });
      setMore({ busy: false });
    } catch (error) {
      const p = asProblem(error);
      if (p.status === 401) sessionExpired();
      setMore({ busy: false, problem: p });
    }
  };
  // Each change replaces the address's query (no history entry per keystroke or tick).
  const set = <K extends keyof Filters>(key: K, value: Filters[K]) =>
    setSearchParams(
      (current) => {
        const next = new URLSearchParams(current);
        if (value === '' || value === false) next.delete(key);
        else next.set(key, String(value));
        return next;
      },
      { replace: true },
    );
  const csvQuery = new URLSearchParams(
    Object.entries(query)
      .filter(([k]) => k !== 'limit')
      .map(([k, v]) => [k, String(v)]),
  ).toString();

  return (
    <>
      <PageHeading>{t('dashboard.title')}</PageHeading>
      <p className="lead">{t('dashboard.intro')}</p>

      <form className="filters" role="search" aria-label={t('dashboard.filters')} onSubmit={(e) => e.preventDefault()}>
        <div className="grid grid--4">
          <SelectField
            path="grouping"
            label={t('dashboard.filter.grouping')}
            value={filters.grouping}
            onChange={(e) => set('grouping', e.target.value)}
          >
            <option value="">{t('dashboard.filter.all')}</option>
            {(data?.groupings ?? []).map((g) => (
              <option key={g.name} value={g.name}>
                {g.name}
              </option>
            ))}
          </SelectField>
          <SelectField
            path="sector"
            label={t('dashboard.filter.sector')}
            value={filters.sector}
            onChange={(e) => set('sector', e.target.value)}
          >
            <option value="">{t('dashboard.filter.all')}</option>
            {(divisionLabel.size > 0 ? [...divisionLabel.keys()] : divisions).map((d) => (
              <option key={d} value={d} lang={divisionLabel.get(d)?.labelLang}>
                {divisionLabel.has(d) ? `${d} ${divisionLabel.get(d)!.label}` : d}
              </option>
            ))}
          </SelectField>
          <SelectField
            path="country"
            label={t('dashboard.filter.country')}
            value={filters.country}
            onChange={(e) => set('country', e.target.value)}
          >
            <option value="">{t('dashboard.filter.all')}</option>
            {countries.map((c) => (
              <option key={c} value={c}>
                {format.country(c)}
              </option>
            ))}
          </SelectField>
          <SelectField
            path="stage"
            label={t('dashboard.filter.stage')}
            value={filters.stage}
            onChange={(e) => set('stage', e.target.value as Stage | '')}
          >
            <option value="">{t('dashboard.filter.all')}</option>
            {stageFilters.map((s) => (
              <option key={s} value={s}>
                {t(`stage.${s}`)}
              </option>
            ))}
          </SelectField>
        </div>
        <label className="choice">
          <input
            type="checkbox"
            name="overdue"
            checked={filters.overdue}
            onChange={(e) => set('overdue', e.target.checked)}
          />
          {t('dashboard.filter.overdue')}
        </label>
        <label className="choice">
          <input
            type="checkbox"
            name="stuck"
            checked={filters.stuck}
            onChange={(e) => set('stuck', e.target.checked)}
          />
          {t('dashboard.stuck.filter')}
        </label>
      </form>

      <ErrorSummary problem={problem} />
      {!data && !problem ? <Loading /> : null}
      {data ? (
        <Board
          dashboard={data.dashboard}
          csvQuery={csvQuery}
          stage={filters.stage}
          more={{ ...more, show: () => void showMore() }}
        />
      ) : null}
    </>
  );
}

function Board({
  dashboard,
  csvQuery,
  stage,
  more,
}: {
  dashboard: Dashboard;
  csvQuery: string;
  /** The stage filter: "Pilots by stage" draws the other stages in grey. */
  stage: Stage | '';
  more: { busy: boolean; problem?: ApiProblem | undefined; show: () => void };
}) {
  const { t } = useTranslation();
  const format = useFormat();
  const divisionLabel = useDivisionLabels();
  const d = dashboard;
  const withheld =
    d.totals.valueWithheldPilots > 0 || d.withheldDivisionValues > 0 || d.pilots.some(pilotValueWithheld);
  // Every pilot's value withheld: the sum of those shown is no figure at all.
  const noValueShown = d.totals.valueWithheldPilots > 0 && Number(d.totals.valueEur) === 0;
  return (
    <>
      <p role="status" className="result-count">
        {t('dashboard.count', { count: d.matching })}
      </p>
      {withheld ? <WithheldExplanation /> : null}
      <section aria-labelledby="totals-heading" className="section">
        <h2 id="totals-heading">{t('dashboard.totals.title')}</h2>
        <dl className="key-facts" data-testid="dashboard-totals">
          <div>
            <dt>{t('dashboard.totals.pilots')}</dt>
            <dd>{format.number(d.totals.pilots)}</dd>
          </div>
          <div>
            <dt>{t('dashboard.totals.buyers')}</dt>
            <dd>{format.number(d.totals.buyers)}</dd>
          </div>
          <div>
            <dt>{t('dashboard.totals.countries')}</dt>
            <dd>{format.number(d.totals.countries)}</dd>
          </div>
          <div>
            <dt>{t('dashboard.totals.value')}</dt>
            <dd data-testid="dashboard-total-value">
              {noValueShown ? (
                <Withheld />
              ) : (
                <>
                  {format.currency(d.totals.valueEur, 'EUR')}
                  {d.totals.valueWithheldPilots > 0 ? (
                    <span className="withheld-note">
                      {' '}
                      {t('dashboard.totals.valueWithheld', { count: d.totals.valueWithheldPilots })}
                    </span>
                  ) : null}
                </>
              )}
            </dd>
          </div>
          <div>
            <dt>{t('dashboard.totals.suppliers')}</dt>
            <dd>{format.number(d.totals.suppliersEngaged)}</dd>
          </div>
          <div>
            <dt>{t('dashboard.totals.overdue')}</dt>
            <dd>{format.number(d.totals.overdue)}</dd>
          </div>
          <div>
            <dt>{t('dashboard.stuck.total')}</dt>
            <dd data-testid="dashboard-total-stuck">{format.number(d.totals.stuck)}</dd>
          </div>
        </dl>
        <p>
          <a
            className="button button--secondary"
            href={`/api/dashboard/pilots.csv${csvQuery ? `?${csvQuery}` : ''}`}
            download
          >
            {t('dashboard.csv')}
          </a>{' '}
          <a
            className="button button--secondary"
            href={`/api/dashboard/pilots.xlsx${csvQuery ? `?${csvQuery}` : ''}`}
            download
          >
            {t('dashboard.xlsx')}
          </a>{' '}
          <a className="button button--secondary" href="/api/dashboard/published.ocds.json" download>
            {t('dashboard.ocds')}
          </a>
        </p>
      </section>

      <DashboardCharts dashboard={d} stage={stage} stages={stageFilters} divisionLabel={divisionLabel} />

      <section aria-labelledby="pilots-heading" className="section">
        <h2 id="pilots-heading">{t('dashboard.table.title')}</h2>
        {d.pilots.length === 0 ? (
          <div className="empty">
            <p>{t('dashboard.empty')}</p>
          </div>
        ) : (
          <ScrollableTable labelledBy="pilots-heading">
            <table className="table table--stack" data-testid="pilot-table">
              <thead>
                <tr>
                  <th scope="col">{t('dashboard.table.pilot')}</th>
                  <th scope="col">{t('dashboard.table.stage')}</th>
                  <th scope="col">{t('dashboard.table.days')}</th>
                  <th scope="col">{t('dashboard.table.deadline')}</th>
                  <th scope="col">{t('dashboard.table.buyers')}</th>
                  <th scope="col">{t('dashboard.table.value')}</th>
                  <th scope="col">{t('dashboard.table.criticalMass')}</th>
                  <th scope="col">{t('dashboard.table.suppliers')}</th>
                </tr>
              </thead>
              <tbody>
                {d.pilots.map((p) => (
                  <tr key={p.id}>
                    <th scope="row">
                      <Link to={`/dashboard/pilots/${p.id}`}>{p.title}</Link>
                      <span className="muted small"> {p.grouping ? p.grouping.name : ''}</span>
                    </th>
                    <td data-label={t('dashboard.table.stage')}>
                      <StageTag stage={p.stage} />
                    </td>
                    <td data-label={t('dashboard.table.days')}>{format.number(p.daysInStage)}</td>
                    <td data-label={t('dashboard.table.deadline')}>
                      {p.nextDeadline ? format.dateTime(p.nextDeadline) : t('dashboard.none')}
                      {p.overdue ? (
                        <>
                          {' '}
                          <span className="tag tag--warning">
                            {p.nextDeadline
                              ? t('dashboard.overdueSince', { date: format.date(p.nextDeadline) })
                              : t('dashboard.overdue')}
                          </span>
                        </>
                      ) : null}
                      {p.stuck ? (
                        <>
                          {' '}
                          <StuckFlag stuck={p.stuck} />
                        </>
                      ) : null}
                    </td>
                    <td data-label={t('dashboard.table.buyers')}>
                      {t('dashboard.table.buyersIn', {
                        count: p.buyers,
                        countries: format.list(p.countries.map(format.country)),
                      })}
                    </td>
                    <td data-label={t('dashboard.table.value')}>
                      <PilotValue pilot={p} />
                    </td>
                    <td data-label={t('dashboard.table.criticalMass')}>
                      {p.criticalMassMet === null
                        ? t('dashboard.none')
                        : p.criticalMassMet
                          ? t('dashboard.met')
                          : t('dashboard.notMet')}
                    </td>
                    <td data-label={t('dashboard.table.suppliers')}>{format.number(p.suppliersEngaged)}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          </ScrollableTable>
        )}
        {d.pilots.length > 0 ? (
          <p className="muted small" data-testid="pilot-table-shown">
            {t('dashboard.table.shown', { shown: format.number(d.pilots.length), total: format.number(d.matching) })}
          </p>
        ) : null}
        <ErrorSummary problem={more.problem} />
        {d.nextCursor ? (
          <button type="button" className="button button--secondary" disabled={more.busy} onClick={more.show}>
            {t('dashboard.table.more')}
          </button>
        ) : null}
      </section>
    </>
  );
}
