import './charts.css';

import { participatingCountries } from '@jointdemand/rules/countries';
import { useMemo } from 'react';
import { useTranslation } from 'react-i18next';

import type { Schemas, Stage } from '../../../api/client';
import { useFormat } from '../../../i18n/format';
import type { CpvHit } from '../../../reference/reference';
import { EChart } from './EChart';
import { barChartHeight, type ChartRow, countryOption, divisionOption, stageOption } from './options';

type Dashboard = Schemas['Dashboard'];

/** Room for the bars' names: a third of a phone, more on a wide screen. */
const labelWidth = () => (typeof window !== 'undefined' && window.innerWidth < 600 ? 110 : 180);

/**
 * The dashboard's three charts: pilots by stage, value by CPV division, participating buyers by
 * country on a map of Europe. Each is drawn by ECharts (loaded on its own, after the page) and
 * named for screen readers by a summary of its figures, with the same figures in a table
 * under it. They show what the dashboard API gives Commission staff, nothing more.
 */
export function DashboardCharts({
  dashboard: d,
  stage,
  stages,
  divisionLabel,
}: {
  dashboard: Dashboard;
  /** The stage filter: its bar in colour, the others grey. */
  stage: Stage | '';
  /** Every stage, in the order of the process. */
  stages: readonly Stage[];
  divisionLabel: Map<string, CpvHit>;
}) {
  const { t } = useTranslation();
  const format = useFormat();
  const item = (r: ChartRow) => t('dashboard.chart.item', { name: r.label, value: r.text });
  const count = (n: number) => format.number(n);

  const stageRows: ChartRow[] = stages
    .filter((s) => (d.countsByStage[s] ?? 0) > 0 || s === stage)
    .map((s) => ({
      key: s,
      label: t(`stage.${s}`),
      value: d.countsByStage[s] ?? 0,
      text: count(d.countsByStage[s] ?? 0),
    }));
  const divisionRows: (ChartRow & { lang?: string | undefined })[] = [...d.valueByDivision]
    .sort((a, b) => Number(b.valueEur) - Number(a.valueEur) || a.division.localeCompare(b.division))
    .map((v) => {
      const known = divisionLabel.get(v.division);
      return {
        key: v.division,
        label: known ? `${v.division} ${known.label}` : t('dashboard.division', { division: v.division }),
        lang: known?.labelLang,
        value: Number(v.valueEur),
        text: format.currency(v.valueEur, 'EUR'),
      };
    });
  const buyers = new Map(d.buyersByCountry.map((c) => [c.country, c.buyers]));
  const countryRows: ChartRow[] = [...participatingCountries]
    .map((c) => ({
      key: c,
      label: format.country(c),
      value: buyers.get(c) ?? 0,
      text: t('dashboard.chart.countryTooltip', { country: format.country(c), count: buyers.get(c) ?? 0 }),
    }))
    .sort((a, b) => a.label.localeCompare(b.label, format.locale));
  const countriesWithBuyers = d.buyersByCountry
    .map((c) => ({ key: c.country, label: format.country(c.country), value: c.buyers, text: count(c.buyers) }))
    .sort((a, b) => b.value - a.value || a.label.localeCompare(b.label, format.locale));

  const compactEur = useMemo(
    () =>
      new Intl.NumberFormat(format.locale, {
        style: 'currency',
        currency: 'EUR',
        notation: 'compact',
        maximumFractionDigits: 1,
      }),
    [format.locale],
  );
  const width = labelWidth();
  const stageKey = JSON.stringify([stageRows, stage]);
  const stageChart = useMemo(
    () =>
      stageOption(
        stageRows,
        stage,
        { matching: t('dashboard.chart.matching'), outside: t('dashboard.chart.outsideStage') },
        (v) => format.number(v),
        width,
      ),
    [stageKey, t, format, width],
  );
  const divisionKey = JSON.stringify(divisionRows);
  const divisionChart = useMemo(
    () => divisionOption(divisionRows, t('dashboard.chart.value'), (v) => compactEur.format(v), width),
    [divisionKey, t, compactEur, width],
  );
  const countryKey = JSON.stringify(countryRows);
  const countryChart = useMemo(
    () =>
      countryOption(countryRows, (min, max) =>
        min === max
          ? format.number(min)
          : t('dashboard.chart.range', { min: format.number(min), max: format.number(max) }),
      ),
    [countryKey, t, format],
  );

  const stageName = stage ? t(`stage.${stage}`) : '';
  const stageSummary = stageRows.length
    ? stage
      ? t('dashboard.chart.stageSummaryFiltered', { stage: stageName, list: format.list(stageRows.map(item)) })
      : t('dashboard.chart.stageSummary', { list: format.list(stageRows.map(item)) })
    : t('dashboard.chart.empty');
  const divisionSummary = divisionRows.length
    ? t('dashboard.chart.divisionSummary', { list: format.list(divisionRows.map(item)) })
    : t('dashboard.chart.empty');
  const countrySummary = countriesWithBuyers.length
    ? t('dashboard.chart.countrySummary', { list: format.list(countriesWithBuyers.map(item)) })
    : t('dashboard.chart.countryNone');

  return (
    <div className="charts">
      <section aria-labelledby="by-stage-heading" className="section chart">
        <h2 id="by-stage-heading">{t('dashboard.charts.byStage')}</h2>
        {stage ? (
          <p className="chart__note" data-testid="by-stage-filtered">
            {t('dashboard.chart.stageFiltered', { stage: stageName, count: d.matching })}
          </p>
        ) : null}
        <EChart
          option={stageChart}
          label={stageSummary}
          height={barChartHeight(stageRows.length, Boolean(stage))}
          testId="chart-by-stage"
        />
        <FigureTable
          id="by-stage"
          heading={t('dashboard.charts.byStage')}
          columns={[t('dashboard.table.stage'), t('dashboard.chart.pilots')]}
          rows={stageRows.map((r) => ({ ...r, current: stage !== '' && r.key === stage }))}
        />
      </section>
      <section aria-labelledby="by-division-heading" className="section chart">
        <h2 id="by-division-heading">{t('dashboard.charts.byDivision')}</h2>
        <EChart
          option={divisionChart}
          label={divisionSummary}
          height={barChartHeight(divisionRows.length)}
          testId="chart-by-division"
        />
        {d.withheldDivisionValues > 0 ? (
          <p className="muted small">{t('dashboard.charts.withheld', { count: d.withheldDivisionValues })}</p>
        ) : null}
        <FigureTable
          id="by-division"
          heading={t('dashboard.charts.byDivision')}
          columns={[t('dashboard.chart.division'), t('dashboard.chart.value')]}
          rows={divisionRows}
        />
      </section>
      <section aria-labelledby="by-country-heading" className="section chart chart--wide">
        <h2 id="by-country-heading">{t('dashboard.charts.byCountry')}</h2>
        <p className="chart__note">{t('dashboard.chart.mapNote')}</p>
        <EChart
          option={countryChart}
          label={countrySummary}
          className="chart__box--map"
          testId="chart-by-country"
          needsMap
        />
        <FigureTable
          id="by-country"
          heading={t('dashboard.charts.byCountry')}
          columns={[t('dashboard.chart.country'), t('dashboard.chart.buyers')]}
          rows={countriesWithBuyers}
        />
      </section>
    </div>
  );
}

/** A chart's figures as a table, folded under it (screen readers hear the summary first). */
function FigureTable({
  id,
  heading,
  columns,
  rows,
}: {
  id: string;
  heading: string;
  columns: [string, string];
  rows: (ChartRow & { lang?: string | undefined; current?: boolean })[];
}) {
  const { t } = useTranslation();
  if (rows.length === 0) return <p className="muted small">{t('dashboard.chart.empty')}</p>;
  return (
    <details className="chart__figures">
      <summary>{t('dashboard.chart.table')}</summary>
      <table className="table" data-testid={`${id}-figures`}>
        <caption className="visually-hidden">{heading}</caption>
        <thead>
          <tr>
            <th scope="col">{columns[0]}</th>
            <th scope="col" className="numeric">
              {columns[1]}
            </th>
          </tr>
        </thead>
        <tbody>
          {rows.map((r) => (
            <tr key={r.key} aria-current={r.current ? 'true' : undefined} data-key={r.key}>
              <th scope="row" lang={r.lang}>
                {r.current ? <strong>{r.label}</strong> : r.label}
              </th>
              <td className="numeric">{r.text}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </details>
  );
}
