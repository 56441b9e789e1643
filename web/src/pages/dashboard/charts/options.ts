/**
 * The ECharts options of the dashboard's three charts, from the figures the dashboard API gives
 * Commission staff and nothing else (design.md, "Confidentiality"): pilots by stage, the shown
 * value by CPV division, participating buyers by country. Plain data: no chart library here, so
 * this module stays in the page's own chunk while ECharts waits in its own.
 */
import type { EChartsCoreOption } from 'echarts/core';

import { europeMapName, europeView, laea } from './europe';
import { chartColours, countSteps } from './palette';

export interface ChartRow {
  key: string;
  label: string;
  value: number;
  /** The figure as people read it (a count, formatted money). */
  text: string;
}

const escapeHtml = (s: string) =>
  s.replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c]!);

/** Text as the page sets it; the font family is the page's too (EChart.tsx gives it to every chart). */
const font = { color: chartColours.text, fontSize: 13 };
/** Room each bar takes, label included. */
export const barRowHeight = 30;
export const barChartHeight = (rows: number, legend = false) => Math.max(2, rows) * barRowHeight + (legend ? 90 : 50);

interface TooltipParams {
  name: string;
  value: unknown;
  dataIndex: number;
  seriesIndex: number;
}

/**
 * Horizontal bars, first row on top, the figure at the end of each bar. `series` stack: each row
 * has one bar, in the colour of the series that holds its figure (the others hold 0).
 */
function horizontalBars(
  rows: ChartRow[],
  series: { name: string; colour: string; holds: (row: ChartRow) => boolean }[],
  axisText: (value: number) => string,
  options: { legend: boolean; labelWidth: number },
): EChartsCoreOption {
  // Room on the right for the longest figure at the end of its bar (about 0.6 em a character).
  const right = 16 + Math.ceil(Math.max(0, ...rows.map((r) => r.text.length)) * 0.6 * font.fontSize);
  return {
    textStyle: font,
    grid: {
      left: 8,
      right,
      top: options.legend ? 44 : 8,
      bottom: 8,
      outerBoundsMode: 'same',
      outerBoundsContain: 'axisLabel',
    },
    legend: options.legend
      ? { top: 0, left: 0, itemGap: 16, textStyle: font, selectedMode: false, data: series.map((s) => s.name) }
      : { show: false },
    tooltip: {
      trigger: 'item',
      confine: true,
      formatter: (p: TooltipParams) => {
        const row = rows[p.dataIndex];
        return row && series[p.seriesIndex]?.holds(row) ? `${escapeHtml(row.label)}: ${escapeHtml(row.text)}` : '';
      },
    },
    xAxis: {
      type: 'value',
      minInterval: 1,
      axisLabel: { ...font, formatter: axisText, hideOverlap: true },
      splitLine: { lineStyle: { color: chartColours.grid } },
    },
    yAxis: {
      type: 'category',
      inverse: true,
      data: rows.map((r) => r.label),
      axisTick: { show: false },
      axisLabel: { ...font, width: options.labelWidth, overflow: 'truncate' },
    },
    series: series.map((s) => ({
      name: s.name,
      type: 'bar',
      stack: 'one',
      barMaxWidth: 22,
      itemStyle: { color: s.colour },
      label: {
        show: true,
        position: 'right',
        ...font,
        formatter: (p: { dataIndex: number }) => {
          const row = rows[p.dataIndex];
          return row && s.holds(row) ? row.text : '';
        },
      },
      data: rows.map((r) => (s.holds(r) ? r.value : 0)),
    })),
  };
}

/**
 * Pilots by stage. The counts come without the stage filter (the API counts every stage the
 * other filters leave), so with a stage chosen only its bar is in the colour of the pilots
 * matching the filters; the others are grey, outside the filter, for comparison.
 */
export function stageOption(
  rows: ChartRow[],
  stage: string,
  names: { matching: string; outside: string },
  axisText: (value: number) => string,
  labelWidth: number,
): EChartsCoreOption {
  const series: { name: string; colour: string; holds: (r: ChartRow) => boolean }[] = [
    { name: names.matching, colour: chartColours.bar, holds: (r: ChartRow) => !stage || r.key === stage },
  ];
  if (stage)
    series.push({ name: names.outside, colour: chartColours.outside, holds: (r: ChartRow) => r.key !== stage });
  return horizontalBars(rows, series, axisText, { legend: Boolean(stage), labelWidth });
}

/** The shown value (EUR) of each CPV division, labelled "45 Construction work". */
export function divisionOption(
  rows: ChartRow[],
  name: string,
  axisText: (value: number) => string,
  labelWidth: number,
): EChartsCoreOption {
  return horizontalBars(rows, [{ name, colour: chartColours.bar, holds: () => true }], axisText, {
    legend: false,
    labelWidth,
  });
}

/**
 * Participating buyers by country on the map of Europe: each EU/EEA country coloured by its
 * step (none: pale blue), other countries pale grey and silent. `countries` has all thirty; a
 * country's `label` is its name in the reader's language, `text` the tooltip.
 */
export function countryOption(
  countries: ChartRow[],
  stepLabel: (min: number, max: number) => string,
): EChartsCoreOption {
  const max = Math.max(0, ...countries.map((c) => c.value));
  const steps = countSteps(max);
  const byCode = new Map(countries.map((c) => [c.key, c]));
  return {
    textStyle: font,
    tooltip: {
      trigger: 'item',
      confine: true,
      formatter: (p: TooltipParams) => {
        const c = byCode.get(p.name);
        return c ? escapeHtml(c.text) : '';
      },
    },
    visualMap: {
      type: 'piecewise',
      orient: 'horizontal',
      left: 0,
      bottom: 0,
      itemGap: 12,
      textStyle: font,
      selectedMode: false,
      hoverLink: false,
      pieces: [
        { value: 0, color: chartColours.none, label: stepLabel(0, 0) },
        ...steps.map((s) => ({ min: s.min, max: s.max, color: s.colour, label: stepLabel(s.min, s.max) })),
      ],
    },
    series: [
      {
        type: 'map',
        map: europeMapName,
        projection: laea,
        boundingCoords: [
          [europeView.west, europeView.north],
          [europeView.east, europeView.south],
        ],
        top: 0,
        bottom: 40,
        left: 0,
        right: 0,
        clip: true,
        roam: false,
        selectedMode: false,
        itemStyle: { areaColor: chartColours.other, borderColor: chartColours.border, borderWidth: 0.5 },
        label: { show: false },
        emphasis: { disabled: true },
        data: countries.map((c) => ({
          name: c.key,
          value: c.value,
          emphasis: {
            disabled: false,
            label: { show: false },
            itemStyle: { areaColor: '#ffcc00', borderColor: chartColours.text, borderWidth: 1 },
          },
        })),
      },
    ],
  };
}
